/**
 * One issue per piece of work (docs/sync.md "Grouping"), against the Jira simulator:
 * for each grouping mode, 14 findings give 1 issue, concurrent and repeated delivery
 * still give 1, the issue resolves after its last finding, and one finding detected
 * again reopens it. Every answer and `issue.lookup` name the issue per finding id,
 * and JQL finds each finding by the `backline` property's `findingIds`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { eventSchema, type BacklineEvent } from '../../../src/core/events/schema';
import { seedDemoConfiguration } from '../../../dev/demo-config';
import { ConfigRepository } from '../../../src/core/config/repository';
import type { GroupBy } from '../../../src/core/config/model';
import type { EventResult } from '../../../src/core/results';
import { SEARCH_LAG_ALLOWANCE_MS } from '../../../src/core/sync/recovery';
import { releaseWaitingFindingsJob, WAIT_FOR_REMEDIATION_MS } from '../../../src/core/waiting-findings-job';
import { event, finding, pr, setup } from './harness';

type Setup = Awaited<ReturnType<typeof setup>>;

async function grouped(groupBy: GroupBy) {
  const h = await setup();
  const repo = new ConfigRepository(h.platform.store, h.platform.clock);
  const sec = await repo.getProject('SEC');
  if (!sec) throw new Error('demo SEC configuration missing');
  await repo.saveProject({ ...sec, groupBy });
  return h;
}

const at = (minute: number) => `2026-11-28T10:${String(minute).padStart(2, '0')}:00Z`;
const ids = (count: number, prefix = 'fnd_g') => Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
/** 14 places with one vulnerable lodash in one repository; one of them critical. */
const fourteen = (prefix = 'fnd_g') =>
  ids(14, prefix).map((id, i) => finding(id, { title: `Prototype Pollution in lodash (${id})`, severity: i === 3 ? 'critical' : 'medium', location: { path: `services/s${i}/package.json`, line: 12 } }));

const secIssues = async (h: Setup) => (await h.issues()).filter((i) => i.key.startsWith('SEC-'));
const keysOf = (result: EventResult | undefined) => new Set((result?.issues ?? []).map((i) => i.key));
const jqlKeys = async (h: Setup, jql: string) => {
  const response = await h.counting.request({ method: 'POST', path: '/rest/api/3/search/jql', body: { jql, fields: ['summary'] } });
  return (response.body as { issues: Array<{ key: string }> }).issues.map((i) => i.key);
};

describe('one issue per remediation', () => {
  it('findings wait for their remediation; its PR makes one issue for all 14, answered per finding id, found by JQL per finding', async () => {
    const h = await grouped('remediation');
    const findings = fourteen();
    // The first batch on a fresh install also checks once that the link store is complete (one search).
    const firstWaits = await h.run(...findings.slice(0, 2).map((f) => event('finding.created', { finding: f }, at(0))));
    const before = h.counting.count;
    const waits = [...firstWaits, ...(await h.run(...findings.slice(2).map((f) => event('finding.created', { finding: f }, at(0)))))];
    expect(waits.every((r) => r?.status === 'skipped' && /waiting for its remediation/.test(r.reason ?? ''))).toBe(true);
    expect(await secIssues(h)).toHaveLength(0);
    expect(h.counting.count - before).toBe(0); // waiting costs no Jira request

    // The PR names the findings by id only: what they were is what they sent while waiting.
    const [opened] = await h.run(event('remediation.pr_opened', { ...pr(), findings: findings.map((f) => ({ id: f.id })) }, at(5)));
    expect(opened?.status).toBe('created');
    const issues = await secIssues(h);
    expect(issues).toHaveLength(1);
    const [issue] = issues;
    expect(opened?.issues?.map((i) => i.findingId).sort()).toEqual(findings.map((f) => f.id).sort());
    expect(keysOf(opened)).toEqual(new Set([issue?.key]));
    expect(issue?.fields.summary).toContain('Upgrade lodash to 4.17.21 (14 findings)');
    expect(issue?.fields.priority).toMatchObject({ name: 'Highest' }); // the critical one
    expect(JSON.stringify(issue?.fields.description)).toContain('fnd_g14');
    expect((await jqlKeys(h, 'issue.property[backline].findingIds = "fnd_g7"'))).toEqual([issue?.key]);

    const [lookup] = await h.run(event('issue.lookup', { findingIds: ['fnd_g1', 'fnd_g14', 'fnd_unknown'] }));
    expect(lookup?.issues?.map((i) => [i.findingId, i.key])).toEqual([
      ['fnd_g1', issue?.key],
      ['fnd_g14', issue?.key],
    ]);
  });

  it('concurrent and repeated deliveries of the remediation still make one issue', async () => {
    const h = await grouped('remediation');
    const findings = fourteen('fnd_c');
    const opened = event('remediation.pr_opened', { ...pr(), findings }, at(5));
    const [a, b] = await Promise.all([h.run(opened), h.run(opened)]);
    const again = await h.run(opened);
    expect(await secIssues(h)).toHaveLength(1);
    const statuses = [a?.[0]?.status, b?.[0]?.status, again[0]?.status];
    expect(statuses.filter((s) => s === 'created')).toHaveLength(1);
    // The one that met the other's claim waited for it (duplicate) or, on a slow machine, was handed to the queue.
    expect(statuses.every((s) => s === 'created' || s === 'duplicate' || s === 'queued')).toBe(true);
    // A second event about the same remediation at the same moment: still one issue.
    const merged = event('remediation.pr_merged', { ...pr(), findings: findings.map((f) => ({ id: f.id })) }, at(9));
    await Promise.all([h.run(merged), h.run(event('finding.updated', { finding: { ...findings[0], title: 'Prototype Pollution in lodash, renamed' } }, at(8)))]);
    await h.run(merged);
    expect(await secIssues(h)).toHaveLength(1);
  });
});

describe('one issue per vulnerability in a repository', () => {
  it('14 findings of one CVE in one repository: one issue, each later one added with one edit; another repository gets its own', async () => {
    const h = await grouped('vulnerability');
    const findings = fourteen('fnd_v');
    const [first] = await h.run(event('finding.created', { finding: findings[0] }, at(0)));
    expect(first?.status).toBe('created');
    for (const f of findings.slice(1)) {
      const before = h.counting.count;
      const [joined] = await h.run(event('finding.created', { finding: f }, at(1)));
      expect(joined?.status).toBe('updated');
      expect(h.counting.count - before).toBe(1); // one edit: the table, the severity, the priority
      expect(keysOf(joined)).toEqual(keysOf(first));
    }
    expect(await secIssues(h)).toHaveLength(1);
    const [other] = await h.run(event('finding.created', { finding: finding('fnd_other_repo', { repository: { name: 'acme/web' } }) }, at(2)));
    expect(other?.status).toBe('created');
    expect(await secIssues(h)).toHaveLength(2);
    // Redelivery changes nothing.
    const before = h.counting.count;
    await h.run(event('finding.created', { finding: findings[5] }, at(1), 'evt_redelivered'));
    await h.run(event('finding.created', { finding: findings[5] }, at(1), 'evt_redelivered'));
    expect(h.counting.count - before).toBe(0);
  });

  it('concurrent first findings of one vulnerability make one issue', async () => {
    const h = await grouped('vulnerability');
    const findings = fourteen('fnd_cc');
    const results = await Promise.all(findings.map((f) => h.run(event('finding.created', { finding: f }, at(0)))));
    // Those that met the group busy were handed to the queue: delivered again, as the queue would.
    for (const [index, [result]] of results.entries()) {
      if (result?.status === 'queued' || result?.status === 'failed') await h.run(event('finding.created', { finding: findings[index] }, at(0), result.eventId));
    }
    expect(await secIssues(h)).toHaveLength(1);
    const [issue] = await secIssues(h);
    expect(issue?.properties?.backline?.findingIds).toHaveLength(14);
  });
});

describe('a grouped issue resolves with its last finding and reopens with one regression', () => {
  it.each<GroupBy>(['remediation', 'vulnerability'])('%s', async (groupBy) => {
    const h = await grouped(groupBy);
    const findings = fourteen(`fnd_${groupBy.slice(0, 3)}`);
    const [opened] = await h.run(event('remediation.pr_opened', { ...pr(), findings }, at(1)));
    expect(opened).toMatchObject({ status: 'created' });
    const [issue] = await secIssues(h);
    expect(await secIssues(h)).toHaveLength(1);
    const key = issue?.key ?? '';

    for (const f of findings.slice(0, 13)) {
      const [result] = await h.run(event('finding.resolved', { finding: f, reason: 'fixed' }, at(10)));
      expect(result?.status).toBe('updated');
      expect((await h.issue(key)).fields.status.name).toBe('In Progress');
    }
    const [last] = await h.run(event('finding.resolved', { finding: findings[13], reason: 'fixed' }, at(11)));
    expect(last?.status).toBe('updated');
    const resolved = await h.issue(key);
    expect(resolved.fields.status.name).toBe('Done');
    expect(resolved.fields.resolution?.name).toBe('Fixed');
    const description = JSON.stringify((await secIssues(h))[0]?.fields.description);
    expect(description).toContain('0 open');

    const [reopened] = await h.run(event('finding.reopened', { finding: findings[6] }, at(20)));
    expect(reopened?.status).toBe('updated');
    expect((await h.issue(key)).fields.status.name).toBe('To Do');
    expect(JSON.stringify((await secIssues(h))[0]?.fields.description)).toContain('1 open');
    expect(await secIssues(h)).toHaveLength(1);
  });
});

describe('grouping applies to new findings only', () => {
  it('a finding that has its own issue keeps it after the project starts grouping', async () => {
    const h = await setup();
    const [own] = await h.run(event('finding.created', { finding: finding('fnd_before') }, at(0)));
    const repo = new ConfigRepository(h.platform.store, h.platform.clock);
    const sec = await repo.getProject('SEC');
    if (!sec) throw new Error('demo SEC configuration missing');
    await repo.saveProject({ ...sec, groupBy: 'vulnerability' });
    const [after] = await h.run(event('finding.created', { finding: finding('fnd_after') }, at(1)));
    expect(after?.status).toBe('created');
    const [moved] = await h.run(event('remediation.pr_opened', { ...pr(), findings: [{ id: 'fnd_before' }, { id: 'fnd_after' }] }, at(2)));
    expect(moved?.issues?.find((i) => i.findingId === 'fnd_before')?.key).toBe(own?.issues?.[0]?.key);
    expect(moved?.issues?.find((i) => i.findingId === 'fnd_after')?.key).toBe(after?.issues?.[0]?.key);
    expect(await secIssues(h)).toHaveLength(2);
  });
});

describe('what a grouped lifecycle costs', () => {
  it('14 findings, one PR opened and merged, the remediation verified: at most 6 Jira requests for the one issue', async () => {
    const h = await grouped('remediation');
    // Warm: the create screen, the workflow and the site are read once per installation, not per lifecycle.
    const warm = { remediation: { id: 'rem_warm' }, pullRequest: { url: 'https://github.com/acme/payments-api/pull/1' } };
    for (const type of ['remediation.pr_opened', 'remediation.pr_merged']) await h.run(event(type, { ...warm, findings: [finding('fnd_warm')] }, at(0)));
    await h.run(event('remediation.resolved', { remediation: warm.remediation, findings: [{ id: 'fnd_warm' }] }, at(0)));
    const findings = fourteen('fnd_cost');
    await h.run(...findings.map((f) => event('finding.created', { finding: f }, at(0))));
    const before = h.counting.count;
    const refs = findings.map((f) => ({ id: f.id }));
    await h.run(event('remediation.pr_opened', { ...pr(), findings: refs }, at(1)));
    await h.run(event('remediation.pr_merged', { ...pr(), findings: refs }, at(2)));
    const [verified] = await h.run(event('remediation.resolved', { remediation: pr().remediation, findings: refs }, at(3)));
    expect(h.counting.count - before).toBeLessThanOrEqual(6);
    expect(await secIssues(h)).toHaveLength(2); // the warm-up's and this one
    expect((await h.issue(verified?.issues?.[0]?.key ?? '')).fields.status.name).toBe('Done');
  });
});

describe('a finding no remediation names', () => {
  it('gets its own issue after a day of waiting (once, however often the job runs); one resolved while waiting gets none', async () => {
    const h = await grouped('remediation');
    await h.run(event('finding.created', { finding: finding('fnd_alone') }, at(0)));
    await h.run(event('finding.created', { finding: finding('fnd_gone') }, at(0)));
    await h.run(event('finding.resolved', { finding: finding('fnd_gone'), reason: 'not_detected' }, at(1)));

    expect(await releaseWaitingFindingsJob(h.platform)).toMatch(/^0 waiting finding\(s\) got their own issue/);
    expect(await secIssues(h)).toHaveLength(0);

    h.platform.clock.advance(WAIT_FOR_REMEDIATION_MS);
    expect(await releaseWaitingFindingsJob(h.platform)).toBe('1 waiting finding(s) got their own issue; 1 no longer waiting');
    await releaseWaitingFindingsJob(h.platform);
    const issues = await secIssues(h);
    expect(issues.map((i) => i.properties?.backline?.findingId)).toEqual(['fnd_alone']);

    // Its own issue from now on: a later remediation moves it, and makes no group issue for it.
    const [opened] = await h.run(event('remediation.pr_opened', { ...pr(), findings: [{ id: 'fnd_alone' }] }, at(30)));
    expect(opened?.issues?.map((i) => i.key)).toEqual([issues[0]?.key]);
    expect(await secIssues(h)).toHaveLength(1);
  });
});

describe('examples/grouping, sent in order', () => {
  it('tells the story its README tells', async () => {
    const h = await grouped('remediation');
    const dir = path.resolve(__dirname, '../../../examples/grouping');
    const read = (file: string): BacklineEvent[] => {
      const body = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { events?: unknown[] };
      return (body.events ?? [body]).map((e) => eventSchema.parse(e));
    };
    const send = (file: string) => h.run(...read(file));
    expect((await send('01-three-findings.json')).map((r) => r.status)).toEqual(['skipped', 'skipped', 'skipped']);
    const [opened] = await send('02-remediation.pr_opened.json');
    const [issue] = await secIssues(h);
    expect(opened?.issues?.map((i) => [i.findingId, i.key])).toEqual(['fnd_grp_1', 'fnd_grp_2', 'fnd_grp_3'].map((id) => [id, issue?.key]));
    expect(issue?.fields.summary).toContain('Upgrade lodash to 4.17.21 in acme/payments-api (3 findings)');
    expect(issue?.fields.priority).toMatchObject({ name: 'High' });
    const key = issue?.key ?? '';
    expect((await h.issue(key)).fields.status.name).toBe('In Progress');
    await send('03-finding.resolved.json');
    expect((await h.issue(key)).fields.status.name).toBe('In Progress');
    expect(JSON.stringify((await secIssues(h))[0]?.fields.description)).toContain('Resolved (not detected)');
    await send('04-remediation.pr_merged.json');
    expect((await h.issue(key)).fields.status.name).toBe('In Review');
    await send('05-remediation.resolved.json');
    expect((await h.issue(key)).fields.status.name).toBe('Done');
    await send('06-finding.reopened.json');
    expect((await h.issue(key)).fields.status.name).toBe('To Do');
    const [lookup] = await send('07-issue.lookup.json');
    expect(lookup?.issues?.map((i) => i.key)).toEqual([key, key, key]);
    expect(await secIssues(h)).toHaveLength(1);
  });
});

describe('a waiting finding', () => {
  it('keeps the state of its newest event: an older one delivered late changes nothing', async () => {
    const h = await grouped('remediation');
    await h.run(event('finding.created', { finding: finding('fnd_w', { severity: 'low' }) }, at(0)));
    await h.run(event('finding.updated', { finding: finding('fnd_w', { severity: 'critical' }) }, at(5)));
    const [late] = await h.run(event('finding.updated', { finding: finding('fnd_w', { severity: 'medium' }) }, at(3)));
    expect(late?.reason).toMatch(/older than the finding's newest event/);
    await h.run(event('remediation.pr_opened', { ...pr(), findings: [{ id: 'fnd_w' }] }, at(6)));
    const [issue] = await secIssues(h);
    expect(issue?.fields.priority).toMatchObject({ name: 'Highest' });
  });
});

describe('a lost store', () => {
  it.each<GroupBy>(['remediation', 'vulnerability'])('%s: the group comes back from Jira with all its findings, and stays one issue', async (groupBy) => {
    const h = await grouped(groupBy);
    const findings = fourteen(`fnd_lost_${groupBy.slice(0, 3)}`);
    await h.run(event('remediation.pr_opened', { ...pr(), findings }, at(1)));
    const [issue] = await secIssues(h);
    // Everything the app stored is gone; the admin connects SEC again with the same setting.
    const store = h.platform.store as unknown as { clear(): void };
    store.clear();
    await seedDemoConfiguration(h.platform);
    const repo = new ConfigRepository(h.platform.store, h.platform.clock);
    const sec = await repo.getProject('SEC');
    if (!sec) throw new Error('demo SEC configuration missing');
    await repo.saveProject({ ...sec, groupBy });

    const [updated] = await h.run(event('finding.updated', { finding: { ...findings[2], title: 'Renamed after the loss' } }, at(5)));
    expect(updated?.issues?.[0]?.key).toBe(issue?.key);
    expect(await secIssues(h)).toHaveLength(1);
    const description = JSON.stringify((await secIssues(h))[0]?.fields.description);
    expect(description).toContain('Renamed after the loss');
    for (const f of findings) expect(description).toContain(f.id);
    const [lookup] = await h.run(event('issue.lookup', { findingIds: [findings[9]?.id ?? ''] }));
    expect(lookup?.issues?.[0]?.key).toBe(issue?.key);
  });
});

describe('a group issue whose create may have been saved', () => {
  it('saved, then answered 503: the retry finds it, and the group stays one issue with both findings', async () => {
    const h = await grouped('vulnerability');
    await h.run(event('finding.created', { finding: finding('fnd_warm_saved', { cveIds: ['CVE-2000-2'] }) }, at(0)));
    await h.control('POST', '/_sim/faults', { status: 503, count: 1, after: 'commit', match: { method: 'POST', path: '/rest/api/3/issue' } });
    const e = event('finding.created', { finding: finding('fnd_saved_1') }, at(1));
    const [first] = await h.run(e);
    expect(first?.status).toMatch(/queued|failed/);
    const [again] = await h.run(e);
    expect(again?.status).not.toBe('failed');
    // A second finding of the same vulnerability joins the one issue Jira saved.
    const [joined] = await h.run(event('finding.created', { finding: finding('fnd_saved_2') }, at(2)));
    const ofGroup = (await secIssues(h)).filter((i) => (i.properties?.backline?.findingIds as string[] | undefined)?.includes('fnd_saved_1'));
    expect(ofGroup).toHaveLength(1);
    expect(ofGroup[0]?.properties?.backline?.findingIds).toEqual(['fnd_saved_1', 'fnd_saved_2']);
    expect(joined?.issues?.[0]?.key).toBe(ofGroup[0]?.key);
  });

  it('is looked for in Jira once (not again by the finding path), then created once', async () => {
    const h = await grouped('vulnerability');
    await h.run(event('finding.created', { finding: finding('fnd_warm_sf', { cveIds: ['CVE-2000-1'] }) }, at(0)));
    // Jira answers 503 to the create without saving it: to the app, a create that may have been saved.
    await h.control('POST', '/_sim/faults', { status: 503, count: 1, match: { method: 'POST', path: '/rest/api/3/issue' } });
    const e = event('finding.created', { finding: finding('fnd_sf_1') }, at(1));
    const [first] = await h.run(e);
    expect(first?.status).toMatch(/queued|failed/);
    // Past the time Jira's search may lag a write: an empty search now proves nothing was saved.
    h.platform.clock.advance(SEARCH_LAG_ALLOWANCE_MS + 1_000);
    const searches = async () => (await h.stats()).byRoute['POST /rest/api/3/search/jql'] ?? 0;
    const before = await searches();
    const [again] = await h.run(e);
    expect(again?.status).toBe('created');
    expect((await searches()) - before).toBe(1);
    expect((await secIssues(h)).filter((i) => (i.properties?.backline?.findingIds as string[] | undefined)?.includes('fnd_sf_1'))).toHaveLength(1);
  });
});
