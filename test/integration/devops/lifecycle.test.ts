/**
 * A finding's whole lifecycle through the real web trigger on the local runtime
 * (Forge entry points and stand-ins, the Jira simulator): its vulnerability in
 * the Security tab (open → closed, associated with its issue) and its PR in the
 * development panel (opened → merged) are stored exactly once, however often
 * and however concurrently Backline delivers the events (docs/security-tab.md).
 */
import { Bench, event, finding, newFindingId, pullRequest, warmUpLifecycle, type BacklineEventBody } from '../../../bench/harness';

let bench: Bench;

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn'] as const) jest.spyOn(console, method).mockImplementation(() => undefined);
  bench = await Bench.start(0);
  for (const body of warmUpLifecycle()) expect((await bench.send(body)).status).toBe(200);
}, 30_000);

afterAll(async () => {
  await bench?.close();
  jest.restoreAllMocks();
});

const devops = () => bench.runtime.simulator.devops;

/** Delivers one event `copies` times at once, as Backline's retries can: one applies it, the rest answer duplicate (or queue it while it is being applied). */
async function deliverConcurrently(body: BacklineEventBody, copies = 3): Promise<string[]> {
  const sent = await Promise.all(Array.from({ length: copies }, () => bench.send(body)));
  await bench.runtime.waitForQueueIdle();
  return sent.map((s) => s.body.results?.[0]?.status ?? `HTTP ${s.status}`).sort();
}

describe("a finding's lifecycle in Jira's Security tab and development panel", () => {
  it('vulnerability open → closed and PR opened → merged, each stored once under redelivery and concurrency', async () => {
    const id = newFindingId();
    const pr = pullRequest(id, 9001);
    const created = event('finding.created', { finding: finding(id) });
    const opened = event('remediation.pr_opened', { ...pr, findings: [{ id }] });
    const merged = event('remediation.pr_merged', { ...pr, findings: [{ id }] });
    const resolved = event('finding.resolved', { finding: finding(id), reason: 'fixed' });

    const first = await deliverConcurrently(created);
    expect(first.filter((s) => s === 'created')).toHaveLength(1);
    expect(first.every((s) => ['created', 'duplicate', 'queued'].includes(s))).toBe(true);
    const key = (await bench.send(created)).body.results?.[0]?.issues?.[0]?.key;
    expect(key).toMatch(/^SEC-\d+$/);
    expect(devops().vulnerabilities.get(id)).toMatchObject({ status: 'open', issueKeys: [key], severity: { level: expect.any(String) }, updates: 1 });
    expect(devops().vulnerabilities.get(id)?.identifiers?.map((i) => i.displayName)).toEqual(['CVE-2020-8203', 'CWE-1321']);
    expect([...devops().linkedWorkspaces.keys()]).toContain('acme');

    await deliverConcurrently(opened);
    const repository = devops().repositories.get('acme~payments-api');
    expect(repository?.pullRequests.get('9001')).toMatchObject({ status: 'OPEN', issueKeys: [key], url: 'https://github.com/acme/payments-api/pull/9001', updates: 1 });

    await deliverConcurrently(merged);
    await deliverConcurrently(resolved);
    expect(repository?.pullRequests.get('9001')).toMatchObject({ status: 'MERGED', issueKeys: [key], updates: 2 });
    expect(devops().vulnerabilities.get(id)).toMatchObject({ status: 'closed', issueKeys: [key], updates: 2 });

    // Every event again, later: duplicates, and not one more DevOps request.
    const { delta } = await bench.measure(async () => {
      for (const body of [created, opened, merged, resolved]) expect((await bench.send(body)).body.results?.[0]?.status).toBe('duplicate');
    }, { idle: true });
    expect(delta.devopsRequests).toBe(0);
    expect(devops().vulnerabilities.get(id)?.updates).toBe(2);
    expect(repository?.pullRequests.get('9001')?.updates).toBe(2);
    expect([...devops().vulnerabilities.values()].filter((v) => v.id === id)).toHaveLength(1);

    const page = await (await fetch(`${bench.runtime.url}/jira/browse/${key}`)).text();
    expect(page).toContain(`data-vulnerability="${id}"`);
    expect(page).toMatch(/MERGED<\/span> <a href="https:\/\/github.com\/acme\/payments-api\/pull\/9001"/);
    expect((await bench.stats()).contractViolations).toBe(0);
  });

  it('remediation verified for an id-only finding closes its vulnerability from what the app stored', async () => {
    const id = newFindingId();
    const pr = pullRequest(id, 9002);
    await bench.send(event('finding.created', { finding: finding(id) }));
    await bench.send(event('remediation.pr_opened', { ...pr, findings: [{ id }] }));
    await bench.send(event('remediation.resolved', { remediation: pr.remediation, findings: [{ id }] }));
    expect(devops().vulnerabilities.get(id)).toMatchObject({ status: 'closed', displayName: `Prototype Pollution in lodash (${id})` });
  });

  it('an issue deleted in Jira and re-created: the vulnerability leaves the dead issue for the new one', async () => {
    const id = newFindingId();
    const first = await bench.send(event('finding.created', { finding: finding(id) }));
    const oldKey = first.body.results?.[0]?.issues?.[0]?.key;
    expect(devops().vulnerabilities.get(id)?.issueKeys).toEqual([oldKey]);
    await bench.control('POST', `/_sim/issues/${oldKey}/delete`);
    const again = await bench.send(event('finding.updated', { finding: finding(id, { severity: 'critical' }) }));
    const newKey = again.body.results?.[0]?.issues?.[0]?.key;
    expect(again.body.results?.[0]?.status).toBe('created');
    expect(newKey).not.toBe(oldKey);
    expect(devops().vulnerabilities.get(id)).toMatchObject({ issueKeys: [newKey], severity: { level: 'critical' } });
  });

  it('a project with the Security tab switched off sends no vulnerability', async () => {
    await bench.runtime.withPlatform(async (platform) => {
      const { ConfigRepository } = await import('../../../src/core/config/repository');
      const configs = new ConfigRepository(platform.store, platform.clock);
      const sec = await configs.getProject('SEC');
      await configs.saveProject({ ...sec!, showInSecurityTab: false });
    });
    const id = newFindingId();
    const { delta } = await bench.measure(() => bench.send(event('finding.created', { finding: finding(id) })));
    expect(delta.requests).toBe(1);
    expect(delta.devopsRequests).toBe(0);
    expect(devops().vulnerabilities.has(id)).toBe(false);
  });
});
