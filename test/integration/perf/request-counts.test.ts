/**
 * Jira requests per event, through the real web trigger on the local runtime
 * (Forge adapters, KVS and queue stand-ins, the Jira simulator without
 * latency), signed as Backline signs. Every Jira request costs points from the
 * app's shared hourly budget (docs/platform-limits.md "Jira REST rate
 * limits"), so a regression in these counts
 * fails CI; `npm run bench` prints the same figures with timings.
 */
import { Bench, event, finding, isDevopsRoute, newFindingId, pullRequest, warmUpLifecycle } from '../../../bench/harness';

let bench: Bench;

beforeAll(async () => {
  // The app logs one JSON line per request; not useful here.
  for (const method of ['log', 'info', 'warn'] as const) jest.spyOn(console, method).mockImplementation(() => undefined);
  bench = await Bench.start(0);
  // Warm the caches (create metadata, workflow graph, site URL) with one finding's whole lifecycle.
  for (const body of warmUpLifecycle()) {
    expect((await bench.send(body)).status).toBe(200);
  }
}, 30_000);

afterAll(async () => {
  await bench?.close();
  jest.restoreAllMocks();
});

async function sendMeasured(body: ReturnType<typeof event>) {
  const { value, delta } = await bench.measure(() => bench.send(body));
  // The platform REST API's routes; the Security tab's and development panel's are counted apart (devops).
  const platform = Object.fromEntries(Object.entries(delta.byRoute).filter(([route]) => !isDevopsRoute(route)));
  const devops = Object.fromEntries(Object.entries(delta.byRoute).filter(([route]) => isDevopsRoute(route)));
  return { status: value.status, result: value.body.results?.[0], requests: delta.requests, byRoute: platform, devops };
}

describe('Jira requests per event (steady state, warm caches)', () => {
  const id = newFindingId();
  const pr = pullRequest(id, 42);

  it('finding.created: one request, the issue and its backline property together', async () => {
    const created = await sendMeasured(event('finding.created', { finding: finding(id) }));
    expect(created.result?.status).toBe('created');
    expect(created.byRoute).toEqual({ 'POST /rest/api/3/issue': 1 });
    // The Security tab: the new vulnerability, in one bulk submit (docs/security-tab.md).
    expect(created.devops).toEqual({ 'POST /rest/security/1.0/bulk': 1 });
    const issues = await bench.control<Array<{ key: string; properties?: Record<string, { findingId?: string }> }>>('GET', '/_sim/issues');
    expect(issues.find((i) => i.key === created.result?.issues?.[0]?.key)?.properties?.backline?.findingId).toBe(id);
  });

  it('lifecycle: PR opened = transition + new remote link; merged and resolved = one transition each (5 in all)', async () => {
    const opened = event('remediation.pr_opened', { ...pr, findings: [{ id }] });
    const merged = event('remediation.pr_merged', { ...pr, findings: [{ id }] });
    const resolved = event('remediation.resolved', { remediation: pr.remediation, findings: [{ id }] });
    const transitions = 'POST /rest/api/3/issue/{issueIdOrKey}/transitions';

    const a = await sendMeasured(opened);
    expect(a.result?.status).toBe('updated');
    expect(a.byRoute).toEqual({ [transitions]: 1, 'POST /rest/api/3/issue/{issueIdOrKey}/remotelink': 1 });
    const b = await sendMeasured(merged);
    expect(b.result?.status).toBe('updated');
    expect(b.byRoute).toEqual({ [transitions]: 1 });
    const c = await sendMeasured(resolved);
    expect(c.result?.status).toBe('updated');
    expect(c.byRoute).toEqual({ [transitions]: 1 });
    expect(1 + a.requests + b.requests + c.requests).toBe(5);
    // The development panel: the PR opened, then merged; the Security tab: the vulnerability closed.
    expect([a.devops, b.devops, c.devops]).toEqual([
      { 'POST /rest/devinfo/0.10/bulk': 1 },
      { 'POST /rest/devinfo/0.10/bulk': 1 },
      { 'POST /rest/security/1.0/bulk': 1 },
    ]);
  });

  it('redelivery of every event of a lifecycle: duplicate, no Jira request', async () => {
    // Its own finding, so the test means the same run alone (-t) as in the whole file.
    const lifecycle = warmUpLifecycle();
    for (const body of lifecycle) expect((await bench.send(body)).body.results?.[0]?.status).toMatch(/^(created|updated)$/);
    const redelivered = [];
    for (const body of lifecycle) redelivered.push(await sendMeasured(body));
    expect(redelivered.map((r) => [r.result?.status, r.requests, r.devops])).toEqual(lifecycle.map(() => ['duplicate', 0, {}]));
  });

  it('finding.updated that changes no mapped value: no Jira request', async () => {
    const unchanged = await sendMeasured(event('finding.updated', { finding: finding(id) }));
    expect(unchanged.result?.status).toBe('unchanged');
    expect(unchanged.requests).toBe(0);
    expect(unchanged.devops).toEqual({});
  });

  it('finding.updated with a new severity: one edit (priority, Severity and property together)', async () => {
    const changed = await sendMeasured(event('finding.updated', { finding: finding(id, { severity: 'critical' }) }));
    expect(changed.result?.status).toBe('updated');
    expect(changed.byRoute).toEqual({ 'PUT /rest/api/3/issue/{issueIdOrKey}': 1 });
  });
});

describe('batches', () => {
  it('100 new findings in one body: two bulk creates of 50', async () => {
    const ids = Array.from({ length: 100 }, () => newFindingId('fnd_bulk'));
    const { value, delta } = await bench.measure(() => bench.send({ events: ids.map((f) => event('finding.created', { finding: finding(f) })) }), { idle: true });
    expect(value.status).toBe(200);
    expect(value.body.results?.map((r) => r.status)).toEqual(ids.map(() => 'created'));
    expect(new Set(value.body.results?.map((r) => r.issues?.[0]?.key)).size).toBe(100);
    expect(Object.fromEntries(Object.entries(delta.byRoute).filter(([route]) => !isDevopsRoute(route)))).toEqual({ 'POST /rest/api/3/issue/bulk': 2 });
    // 100 vulnerabilities in one security bulk submit.
    expect(Object.fromEntries(Object.entries(delta.byRoute).filter(([route]) => isDevopsRoute(route)))).toEqual({ 'POST /rest/security/1.0/bulk': 1 });
  });

  it('near the hourly limit, the rest of a batch is queued with a delay instead of spending the last points', async () => {
    const ids = Array.from({ length: 3 }, () => newFindingId('fnd_pace'));
    await bench.send({ events: ids.map((f) => event('finding.created', { finding: finding(f) })) });
    const { points } = await bench.stats();
    // Leave 4 points of the hour (under 20 %): Jira marks every answer X-RateLimit-NearLimit.
    const quota = await bench.control<{ pointsPerHour: number; remaining: number }>('POST', '/_sim/quota', { pointsPerHour: points + 4 });
    expect(quota.remaining).toBeLessThan(quota.pointsPerHour * 0.2);
    const { value, delta } = await bench.measure(() => bench.send({ events: ids.map((f, i) => event('remediation.pr_opened', { ...pullRequest(f, 700 + i), findings: [{ id: f }] })) }));
    expect(value.status).toBe(202);
    expect(value.body.results?.map((r) => r.status)).toEqual(['updated', 'queued', 'queued']);
    expect(delta.requests).toBe(2);
    const queued = bench.runtime.host.queue.pending;
    expect(queued).toHaveLength(2);
    expect(Math.min(...queued.map((q) => q.dueAt))).toBeGreaterThan(Date.now() + 500);
    expect((await bench.stats()).rateLimited).toBe(0);
    await bench.control('POST', '/_sim/quota', { pointsPerHour: 65_000 });
  });
});
