/**
 * Jira misbehaving under the app: rate limits at every level, 5xx bursts and
 * responses slower than the web trigger's deadline. Each run ends with the
 * invariants of harness.ts `checkInvariants`.
 */
import { SEARCH_LAG_ALLOWANCE_MS } from '../../../src/core/sync/recovery';
import { batch, checkInvariants, control, created, deliver, idsOf, installClock, jumpClock, prEvent, restoreClock, send, startEnv, storedState, uid, type Env, type JiraAnswer } from './harness';

jest.setTimeout(60_000);

let env: Env;
beforeAll(async () => {
  installClock();
  env = await startEnv();
});
afterAll(async () => {
  await env.close();
  restoreClock();
});
// A create answered 5xx (or not at all) may have been saved: the app looks for it again once Jira's search can
// show it, SEARCH_LAG_ALLOWANCE_MS later. The local queue's delays are scaled down, so the clock is moved on
// instead, at each such answer.
let stopPassingTime: () => void = () => undefined;
beforeEach(() => {
  stopPassingTime = env.answers.onAnswer((a) => {
    if (isCreate(a) && (a.status === 0 || a.status >= 500)) jumpClock(SEARCH_LAG_ALLOWANCE_MS);
  });
});
afterEach(async () => {
  stopPassingTime();
  await control(env.sim, 'DELETE', '/_sim/faults');
  await control(env.sim, 'POST', '/_sim/quota', { pointsPerHour: 65_000 });
});

const isCreate = (a: JiraAnswer) => a.method === 'POST' && a.path.startsWith('/rest/api/3/issue');

test('5xx bursts and burst 429s: retried inline or queued, applied once', async () => {
  const from = env.answers.all.length;
  const ids = Array.from({ length: 8 }, () => uid('fnd_5xx'));
  await control(env.sim, 'POST', '/_sim/faults', { status: 503, count: 3, match: { method: 'POST', path: '/rest/api/3/issue' } });
  await control(env.sim, 'POST', '/_sim/faults', { status: 429, count: 2, retryAfter: 1, match: { method: 'POST' } });
  await control(env.sim, 'POST', '/_sim/faults', { status: 500, count: 2, match: { method: 'GET' } });
  const body = batch(ids.map((id) => created(id)));
  const answer = await deliver(env, body);
  expect([200, 202]).toContain(answer.status);
  // Backline redelivers the same body: nothing is applied twice.
  const again = await deliver(env, body);
  expect(again.body.results?.every((r) => r.status === 'duplicate' || r.status === 'queued' || r.status === 'updated')).toBe(true);
  await checkInvariants({ env, accepted: idsOf(body), findings: ids });
  // Every injected fault was met.
  expect(env.answers.countSince(from, (a) => isCreate(a) && a.status === 503)).toBe(3);
  expect(env.answers.countSince(from, (a) => a.method === 'POST' && a.status === 429)).toBe(2);
  expect(env.answers.countSince(from, (a) => a.method === 'GET' && a.status === 500)).toBe(2);
});

test('the hourly quota exhausted for the rest of the hour: queued, then applied after the hour rolls over', async () => {
  const ids = Array.from({ length: 6 }, () => uid('fnd_quota'));
  const warm = uid('fnd_quota_warm');
  const warmEvent = created(warm);
  await deliver(env, warmEvent);
  const { remaining, pointsPerHour } = (await control(env.sim, 'GET', '/_sim/quota')) as { remaining: number; pointsPerHour: number };
  // No points left for the rest of this hour.
  await control(env.sim, 'POST', '/_sim/quota', { pointsPerHour: pointsPerHour - remaining });
  const quotaRefusal = (a: JiraAnswer) => a.status === 429;
  const before = env.answers.all.length;
  const body = batch(ids.map((id) => created(id)));
  const answer = await deliver(env, body);
  expect(answer.status).toBe(202);
  expect(answer.body.results?.map((r) => r.status)).toEqual(ids.map(() => 'queued'));
  expect(env.answers.countSince(before, quotaRefusal)).toBeGreaterThan(0);
  // The consumer is refused too, and retries (twice here) instead of giving up: no dead letter while it waits.
  await env.answers.next(quotaRefusal, 2);
  expect(env.runtime.host.queue.deadLetters).toHaveLength(0);
  expect(env.runtime.host.queue.pending.length).toBeGreaterThan(0);
  expect(Object.keys(storedState(env.runtime).kv).filter((k) => k.startsWith('deadletter:'))).toEqual([]);
  // The simulated hour rolls over: the quota is back, the queued events are applied.
  const now = new Date(((await control(env.sim, 'GET', '/_sim/clock')) as { now: string }).now).getTime();
  await control(env.sim, 'POST', '/_sim/clock', { advanceMs: 3_600_000 - (now % 3_600_000) + 1_000 });
  await control(env.sim, 'POST', '/_sim/quota', { pointsPerHour: 65_000 });
  await checkInvariants({ env, accepted: [...idsOf(warmEvent), ...idsOf(body)], findings: [warm, ...ids] });
});

test('per-issue write limit: 30 pull requests on one finding in one batch', async () => {
  const id = uid('fnd_issue_limit');
  const first = created(id);
  await deliver(env, first);
  await control(env.sim, 'POST', '/_sim/stats/reset');
  const prs = Array.from({ length: 30 }, (_, i) => prEvent('remediation.pr_opened', [id], 1000 + i));
  const body = batch(prs);
  const answer = await deliver(env, body);
  expect([200, 202]).toContain(answer.status);
  const { issues } = await checkInvariants({ env, accepted: [...idsOf(first), ...idsOf(body)], findings: [id] });
  expect(issues).toBeGreaterThan(0);
  const issue = [...env.sim.state.issues.values()].find((i) => (i.properties.backline as { findingId?: string } | undefined)?.findingId === id)!;
  expect(issue.remoteLinks).toHaveLength(30);
  // Jira's per-issue write limit (20 writes / 2 s) was hit and waited out (no fault was injected here).
  expect(env.sim.stats.rateLimited).toBeGreaterThan(0);
});

test('Jira slower than the web trigger deadline: the rest of the batch is queued and applied once', async () => {
  const ids = Array.from({ length: 12 }, () => uid('fnd_slow'));
  await control(env.sim, 'POST', '/_sim/faults', { latencyMs: 150 });
  // Creates interleaved with PR events: many sequential Jira requests (no single bulk create).
  const body = batch(ids.flatMap((id, i) => [created(id), prEvent('remediation.pr_opened', [id], 8000 + i)]));
  const pending = send(env.runtime, body);
  // 25 s of wall time pass while Jira answers slowly (the clock jumps once Jira has answered a few requests).
  await env.answers.next(() => true, 3);
  jumpClock(26_000);
  const answer = await pending;
  expect(answer.status).toBe(202);
  expect(answer.body.results?.some((r) => r.status === 'queued')).toBe(true);
  await control(env.sim, 'DELETE', '/_sim/faults');
  await checkInvariants({ env, accepted: idsOf(body), findings: ids });
});

test('timeouts (no answer at all) are retried like 503s', async () => {
  const from = env.answers.all.length;
  const ids = Array.from({ length: 4 }, () => uid('fnd_timeout'));
  await control(env.sim, 'POST', '/_sim/faults', { status: 0, count: 2, latencyMs: 50, match: { method: 'POST', path: '/rest/api/3/issue' } });
  const body = batch(ids.map((id) => created(id)));
  await deliver(env, body);
  await checkInvariants({ env, accepted: idsOf(body), findings: ids });
  expect(env.answers.countSince(from, (a) => isCreate(a) && a.status === 0)).toBe(2);
});

test('a PR event whose remote link fails after the transition+comment succeeded does not comment twice when retried', async () => {
  const id = uid('fnd_partial');
  const first = created(id);
  await deliver(env, first);
  const issue = [...env.sim.state.issues.values()].find((i) => (i.properties.backline as { findingId?: string } | undefined)?.findingId === id)!;
  // The transition (with the PR comment inside) goes through; the remote link then fails past the retry budget.
  await control(env.sim, 'POST', '/_sim/faults', { status: 503, count: 3, match: { method: 'POST', path: `/rest/api/3/issue/${issue.id}/remotelink` } });
  const opened = prEvent('remediation.pr_opened', [id], 7001);
  const from = env.answers.all.length;
  await deliver(env, opened);
  await checkInvariants({ env, accepted: [...idsOf(first), ...idsOf(opened)], findings: [id] });
  expect(env.answers.countSince(from, (a) => a.path === `/rest/api/3/issue/${issue.id}/remotelink` && a.status === 503)).toBe(3);
  expect(issue.remoteLinks).toHaveLength(1);
});
