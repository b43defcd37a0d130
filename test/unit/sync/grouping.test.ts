/** Which group a finding joins, and what the group's issue shows (src/core/sync/grouping/group.ts). */
import type { Finding } from '../../../src/core/events/schema';
import { propertyValue } from '../../../src/core/sync/links';
import { describeGroup, emptyGroup, groupFinding, groupOf, joinGroup, setMemberStatus } from '../../../src/core/sync/grouping/group';

const base = (id: string, extra: Partial<Finding> & Record<string, unknown> = {}): Finding => ({ id, title: `Finding ${id}`, severity: 'medium', repository: { name: 'acme/api' }, ...extra });

describe('groupOf', () => {
  it('one issue per finding: no group', () => {
    expect(groupOf('finding', 'SEC', base('a'), undefined)).toBeUndefined();
    expect(groupOf(undefined, 'SEC', base('a'), undefined)).toBeUndefined();
  });

  it('per remediation: waits without one, and one group per remediation and project', () => {
    expect(groupOf('remediation', 'SEC', base('a'), undefined)).toBe('wait');
    const one = groupOf('remediation', 'SEC', base('a'), { id: 'rem_1', title: 'Upgrade lodash' });
    expect(one).toMatchObject({ mode: 'remediation', key: 'rem_1', label: 'Upgrade lodash' });
    expect(groupOf('remediation', 'SEC', base('b'), { id: 'rem_1' })).toMatchObject({ groupId: (one as { groupId: string }).groupId });
    expect(groupOf('remediation', 'APP', base('a'), { id: 'rem_1' })).not.toMatchObject({ groupId: (one as { groupId: string }).groupId });
    expect((one as { groupId: string }).groupId).toMatch(/^[A-Za-z0-9._:-]{1,128}$/); // a finding id to the engine
  });

  it('per vulnerability: the lowest CVE, else the rule id, in one repository; neither or no repository: its own issue', () => {
    const a = groupOf('vulnerability', 'SEC', base('a', { cveIds: ['CVE-2021-2', 'CVE-2020-1'] }), undefined);
    expect(a).toMatchObject({ key: 'acme/api CVE-2020-1', label: 'CVE-2020-1' });
    expect(groupOf('vulnerability', 'SEC', base('b', { cveIds: ['CVE-2020-1'], repository: { name: 'acme/web' } }), undefined)).toMatchObject({ key: 'acme/web CVE-2020-1' });
    expect(groupOf('vulnerability', 'SEC', base('c', { ruleId: 'semgrep.sql-injection' }), undefined)).toMatchObject({ key: 'acme/api semgrep.sql-injection' });
    expect(groupOf('vulnerability', 'SEC', base('d', { rule: { id: 'gitleaks.aws-key' } }), undefined)).toMatchObject({ label: 'gitleaks.aws-key' });
    expect(groupOf('vulnerability', 'SEC', base('e'), undefined)).toBeUndefined();
    expect(groupOf('vulnerability', 'SEC', base('f', { cveIds: ['CVE-1'], repository: undefined }), undefined)).toBeUndefined();
  });
});

describe('the group finding', () => {
  const ref = { groupId: 'group.SEC.rem.x', mode: 'remediation' as const, key: 'rem_1', label: 'Upgrade lodash' };

  it('takes the worst open severity, names the group, and resolves with its last member', () => {
    const group = emptyGroup(ref);
    joinGroup(group, base('a', { severity: 'low', package: { name: 'lodash' } }), 1);
    joinGroup(group, base('b', { severity: 'critical', package: { name: 'lodash' } }), 1);
    expect(groupFinding(ref.groupId, group)).toMatchObject({ id: ref.groupId, title: 'Upgrade lodash (2 findings)', severity: 'critical', status: 'open', package: { name: 'lodash' } });
    setMemberStatus(group, 'b', 'resolved', 2, 'fixed');
    expect(groupFinding(ref.groupId, group)).toMatchObject({ severity: 'low', status: 'open' });
    setMemberStatus(group, 'a', 'resolved', 2, 'fixed');
    expect(groupFinding(ref.groupId, group)).toMatchObject({ severity: 'critical', status: 'resolved' });
  });

  it('an older event changes no member', () => {
    const group = emptyGroup(ref);
    joinGroup(group, base('a'), 10);
    joinGroup(group, base('a', { title: 'older title' }), 5);
    expect(group.members.a?.title).toBe('Finding a');
    expect(setMemberStatus(group, 'a', 'resolved', 5)).toBe(false);
    expect(group.members.a?.status).toBe('open');
  });

  it('the table escapes what would break it, lists the worst open first, and counts the rows it leaves out', () => {
    const group = emptyGroup(ref);
    joinGroup(group, base('a', { title: 'pipe | in title', severity: 'low', url: 'https://app.backline.ai/f/a' }), 1);
    joinGroup(group, base('b', { severity: 'high', location: { path: 'src/x.ts', line: 3 } }), 1);
    const table = describeGroup(group);
    expect(table).toContain('[pipe \\| in title](https://app.backline.ai/f/a)');
    expect(table.indexOf('Finding b')).toBeLessThan(table.indexOf('pipe'));
    expect(table).toContain('acme/api: src/x.ts:3');
    for (let i = 0; i < 120; i++) joinGroup(group, base(`m${i}`), 1);
    expect(describeGroup(group)).toContain('And 22 more findings');
  });
});

describe('the backline property of a grouped issue', () => {
  it('stays under Jira’s 32 KB limit however large the group, every finding id still indexed', () => {
    for (const count of [10, 150, 400]) {
      const group = emptyGroup({ groupId: 'group.SEC.vuln.x', mode: 'vulnerability', key: 'acme/api CVE-1', label: 'CVE-1' });
      for (let i = 0; i < count; i++) joinGroup(group, base(`fnd_${i}`, { title: `A rather long finding title number ${i} `.repeat(3), url: `https://app.backline.ai/findings/fnd_${i}`, location: { path: `services/${i}/package-lock.json` } }), 1);
      const link = { findingId: 'group.SEC.vuln.x', issueId: '1', issueKey: 'SEC-1', projectKey: 'SEC', issueTypeId: '3', lastEventAt: 0, fieldFingerprints: {}, remediations: [], lastSyncAt: 0, updatedAt: 0, group };
      const value = propertyValue(link);
      expect(JSON.stringify(value).length).toBeLessThan(32_000);
      expect(value.findingIds).toHaveLength(count);
    }
  });
});
