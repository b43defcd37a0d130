import { cveLink, cweLink, locationLink, safeHttpsUrl } from '../../../src/core/panel/safe-links';
import { linkToPanelData } from '../../../src/core/panel/link-source';
import { buildPanelViewModel, UNLINKED_MESSAGE, type FindingView, type PanelViewModel } from '../../../src/core/panel/view-model';
import type { PanelData } from '../../../src/shared/contracts/panel';
import { isoDate, linked, newFinding, overdueFinding, resolvedFinding, unlinked, withMergedPr, withOpenPr, withSyncError } from './fixtures';

const NOW = Date.parse('2026-11-28T14:00:00Z');

function finding(data: PanelData, now = NOW): FindingView {
  const model: PanelViewModel = buildPanelViewModel(linked(data), now);
  if (model.kind !== 'finding') throw new Error(`expected a finding view, got ${model.kind}`);
  return model;
}

describe('panel view model', () => {
  it('is loading until the resolver answered', () => {
    expect(buildPanelViewModel(undefined, NOW)).toEqual({ kind: 'loading' });
  });

  it('says in one line that an unmanaged issue is not linked', () => {
    expect(buildPanelViewModel(unlinked, NOW)).toEqual({ kind: 'unlinked', message: UNLINKED_MESSAGE });
  });

  it('turns a permission refusal into a message, not data', () => {
    const model = buildPanelViewModel({ ok: false, error: { code: 'FORBIDDEN', message: 'You do not have permission to see this issue.' } }, NOW);
    expect(model).toEqual({ kind: 'error', title: 'You cannot see this issue', message: 'You do not have permission to see this issue.' });
  });

  it('shows a new finding with severity, CVSS, ids linked to their public records, package fix and code location', () => {
    const view = finding(newFinding(NOW));
    expect(view.severity).toEqual({ label: 'High', tone: 'removed' });
    expect(view.status).toEqual({ label: 'Open', tone: 'new' });
    expect(view.cvss).toEqual({ score: '7.4', rating: 'High', tone: 'removed', vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H' });
    expect(view.cves).toEqual([{ text: 'CVE-2020-8203', href: 'https://nvd.nist.gov/vuln/detail/CVE-2020-8203' }]);
    expect(view.cwes).toEqual([{ text: 'CWE-1321', href: 'https://cwe.mitre.org/data/definitions/1321.html' }]);
    expect(view.package).toEqual({ name: 'lodash', ecosystem: 'npm', versions: '4.17.15 → 4.17.21', fixAvailable: true });
    expect(view.repository).toEqual({ text: 'acme/payments-api', href: 'https://github.com/acme/payments-api' });
    expect(view.location).toEqual({ text: 'src/utils/merge.js:42', href: 'https://github.com/acme/payments-api/blob/main/src/utils/merge.js#L42' });
    expect(view.sla).toEqual({ dueDate: '2026-12-28', text: 'due in 30 days', overdue: false, tone: 'default' });
    expect(view.backline).toEqual({ text: 'View in Backline', href: 'https://app.backline.ai/findings/fnd_lodash_api' });
    expect(view.pullRequests).toEqual([]);
    expect(view.remediation).toBeUndefined();
    expect(view.sync).toEqual({ lastSynced: 'Last synced 28 Nov 2026, 12:00 UTC (2 h ago)' });
  });

  it('marks critical severity bold', () => {
    expect(finding(overdueFinding(NOW)).severity).toEqual({ label: 'Critical', tone: 'removed', bold: true });
  });

  it('highlights an overdue SLA while the finding is open, and not once it is resolved', () => {
    expect(finding(overdueFinding(NOW)).sla).toEqual({ dueDate: '2026-11-25', text: 'overdue by 3 days', overdue: true, tone: 'removed' });
    expect(finding(resolvedFinding(NOW)).sla).toEqual({ dueDate: '2026-11-25', text: 'was due 2026-11-25', overdue: false, tone: 'success' });
  });

  it('counts SLA days by UTC calendar date: due today is not overdue, yesterday is', () => {
    const base = newFinding(NOW);
    const at = (slaDueDate: string, now: number) => finding({ ...base, finding: { ...base.finding, slaDueDate } }, now).sla;
    expect(at('2026-11-28', Date.parse('2026-11-28T23:59:00Z'))).toMatchObject({ text: 'due today', overdue: false });
    expect(at('2026-11-27', Date.parse('2026-11-28T00:01:00Z'))).toMatchObject({ text: 'overdue by 1 day', overdue: true });
    expect(at(isoDate(NOW, 5), NOW)).toMatchObject({ text: 'due in 5 days', tone: 'moved' });
  });

  it('shows the remediation mode and an open PR with when it was opened', () => {
    const view = finding(withOpenPr(NOW));
    expect(view.status).toEqual({ label: 'In progress', tone: 'inprogress' });
    expect(view.remediation).toEqual({ title: { text: 'Upgrade lodash to 4.17.21', href: 'https://app.backline.ai/remediations/rem_42' }, mode: 'Automated' });
    expect(view.pullRequests).toEqual([
      {
        link: { text: '#311 fix: upgrade lodash to 4.17.21', href: 'https://github.com/acme/payments-api/pull/311' },
        repository: 'acme/payments-api',
        state: { label: 'Open', tone: 'inprogress' },
        time: 'opened 28 Nov 2026, 11:00 UTC',
      },
    ]);
  });

  it('lists a merged PR before a closed one, each with the time of its state', () => {
    const view = finding(withMergedPr(NOW));
    expect(view.pullRequests.map((pr) => [pr.link.text, pr.state.label, pr.time])).toEqual([
      ['#311 fix: upgrade lodash to 4.17.21', 'Merged', 'merged 28 Nov 2026, 12:15 UTC'],
      ['#305 fix: pin lodash', 'Closed', 'closed 27 Nov 2026, 09:30 UTC'],
    ]);
  });

  it('says why a resolved finding was resolved', () => {
    expect(finding(resolvedFinding(NOW)).status).toEqual({ label: 'Resolved (fixed)', tone: 'success' });
    const base = newFinding(NOW);
    expect(finding({ ...base, finding: { ...base.finding, status: 'resolved', resolvedReason: 'accepted_risk' } }).status.label).toBe('Resolved (risk accepted)');
  });

  it('shows the last sync error with its code and time', () => {
    expect(finding(withSyncError(NOW)).sync.error).toEqual({
      title: 'Last sync failed (28 Nov 2026, 11:00 UTC)',
      message: 'TRANSITION_BLOCKED: No transition from "Done" to "In Progress" in the SEC workflow; map the "PR opened" status in the project settings.',
    });
  });

  it('says when the data came from the issue property fallback', () => {
    expect(finding({ ...newFinding(NOW), source: 'issue-property' }).note).toMatch(/issue’s Backline property/);
    expect(finding(newFinding(NOW)).note).toBeUndefined();
  });

  it('shows a finding that only has an id (issue property without snapshot)', () => {
    const view = finding({ issue: { id: '1', key: 'SEC-1' }, finding: { id: 'fnd_1', cveIds: [], cweIds: [] }, pullRequests: [], source: 'issue-property' });
    expect(view).toMatchObject({ title: 'fnd_1', status: { label: 'Open' }, cves: [], cwes: [], pullRequests: [] });
    expect(view.severity).toBeUndefined();
    expect(view.backline).toBeUndefined();
  });
});

describe('links the panel builds', () => {
  it('links only well-formed CVE and CWE ids', () => {
    expect(cveLink('cve-2021-23337')).toEqual({ text: 'CVE-2021-23337', href: 'https://nvd.nist.gov/vuln/detail/CVE-2021-23337' });
    expect(cveLink('GHSA-jf85-cpcp-j695')).toEqual({ text: 'GHSA-jf85-cpcp-j695' });
    expect(cveLink('CVE-2021-1"><script>')).toEqual({ text: 'CVE-2021-1"><script>' });
    expect(cweLink('CWE-079')).toEqual({ text: 'CWE-79', href: 'https://cwe.mitre.org/data/definitions/79.html' });
    expect(cweLink('CWE-../../x')).toEqual({ text: 'CWE-../../x' });
  });

  it('accepts only https URLs without credentials', () => {
    expect(safeHttpsUrl('https://github.com/acme/x')).toBe('https://github.com/acme/x');
    expect(safeHttpsUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeHttpsUrl('http://github.com/acme/x')).toBeUndefined();
    expect(safeHttpsUrl('https://user:pw@github.com/acme/x')).toBeUndefined();
    expect(safeHttpsUrl('not a url')).toBeUndefined();
  });

  it('links code only when repository URL, default branch and path are known, encoding each segment', () => {
    const repo = { name: 'acme/api', url: 'https://github.com/acme/api/', defaultBranch: 'release/2.x' };
    expect(locationLink({ id: 'f', cveIds: [], cweIds: [], repository: repo, location: { path: 'src/a b#c.ts', line: 7 } })).toEqual({
      text: 'src/a b#c.ts:7',
      href: 'https://github.com/acme/api/blob/release/2.x/src/a%20b%23c.ts#L7',
    });
    expect(locationLink({ id: 'f', cveIds: [], cweIds: [], repository: repo, location: { path: 'package-lock.json' } })).toEqual({
      text: 'package-lock.json',
      href: 'https://github.com/acme/api/blob/release/2.x/package-lock.json',
    });
    const noBranch = { name: 'acme/api', url: 'https://github.com/acme/api' };
    expect(locationLink({ id: 'f', cveIds: [], cweIds: [], repository: noBranch, location: { path: 'package-lock.json', line: 3 } })).toEqual({ text: 'package-lock.json:3' });
    const unsafe = { name: 'acme/api', url: 'javascript:alert(1)//', defaultBranch: 'main' };
    expect(locationLink({ id: 'f', cveIds: [], cweIds: [], repository: unsafe, location: { path: 'a.js' } })).toEqual({ text: 'a.js' });
    expect(locationLink({ id: 'f', cveIds: [], cweIds: [], location: { component: 'lodash' } })).toEqual({ text: 'lodash' });
  });

  it('never links a PR or Backline URL that is not https', () => {
    const base = withOpenPr(NOW);
    const view = finding({ ...base, finding: { ...base.finding, url: 'javascript:alert(1)' }, pullRequests: [{ ...base.pullRequests[0], url: 'data:text/html,x' }] });
    expect(view.backline).toBeUndefined();
    expect(view.pullRequests[0].link).toEqual({ text: '#311 fix: upgrade lodash to 4.17.21' });
  });
});

describe('a grouped issue', () => {
  it('lists its findings, open and worst first, each linked to Backline and with its own state', () => {
    const link = {
      findingId: 'group.SEC.rem.abc',
      issueId: '10012',
      issueKey: 'SEC-12',
      projectKey: 'SEC',
      issueTypeId: '10003',
      lastEventAt: 0,
      fieldFingerprints: {},
      remediations: [],
      lastSyncAt: NOW,
      updatedAt: NOW,
      title: 'Upgrade lodash (3 findings)',
      severity: 'critical',
      group: {
        mode: 'remediation' as const,
        key: 'rem_1',
        representative: {},
        members: {
          fnd_a: { title: 'Low one', severity: 'low', status: 'open' as const, at: 1, url: 'https://app.backline.ai/f/a' },
          fnd_b: { title: 'Fixed one', severity: 'critical', status: 'resolved' as const, reason: 'fixed', at: 1 },
          fnd_c: { title: 'High one', severity: 'high', status: 'open' as const, location: 'acme/api: x.ts:3', url: 'javascript:alert(1)' },
        },
      },
    };
    const { data } = linkToPanelData({ ...link, group: { ...link.group, members: { ...link.group.members, fnd_c: { ...link.group.members.fnd_c, at: 1 } } } }, { id: '10012', key: 'SEC-12' });
    const view = finding(data);
    expect(view.members?.heading).toBe('Findings in this issue (3, 2 open)');
    expect(view.members?.rows.map((r) => [r.finding.text, r.severity?.label, r.status.label])).toEqual([
      ['High one', 'High', 'Open'],
      ['Low one', 'Low', 'Open'],
      ['Fixed one', 'Critical', 'Resolved (fixed)'],
    ]);
    expect(view.members?.rows[0]?.finding.href).toBeUndefined(); // not https: shown as text
    expect(view.members?.rows[0]?.location).toBe('acme/api: x.ts:3');
    expect(view.members?.rows[1]?.finding.href).toBe('https://app.backline.ai/f/a');
  });
});
