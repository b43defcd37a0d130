/**
 * The app's own ground shaking: storage failing at random operations, the
 * local runtime closed at random points during a batch and restarted on the
 * same STATE_DIR, and Backline's at-least-once delivery (twice, out of order,
 * concurrently). Each run ends with the invariants of harness.ts.
 */
import fc from 'fast-check';
import { batch, checkInvariants, created, deliver, event, finding, idsOf, installClock, jumpClock, prEvent, restoreClock, send, startEnv, uid, type Env, type Json } from './harness';

jest.setTimeout(90_000);

let env: Env;
beforeAll(async () => {
  installClock();
  env = await startEnv();
});
afterAll(async () => {
  await env.close();
  restoreClock();
});

/** A small lifecycle per finding: created, PR opened, PR merged, resolved (increasing occurredAt). */
function lifecycle(findingId: string, pr: number): Json[] {
  return [
    created(findingId, '2026-11-28T10:00:00Z'),
    prEvent('remediation.pr_opened', [findingId], pr, '2026-11-28T11:00:00Z'),
    prEvent('remediation.pr_merged', [findingId], pr, '2026-11-28T12:00:00Z'),
    event('finding.resolved', { finding: finding(findingId), reason: 'fixed' }, '2026-11-28T13:00:00Z'),
  ];
}

test('storage failing at random operations: every answer is 2xx or a retryable 503, and retries converge', async () => {
  // Fixed by default so CI is repeatable; 202 found the bulk-path duplicate (see test/integration/sync/claims.test.ts). FC_SEED explores others.
  const seed = Number(process.env.FC_SEED ?? 202);
  const findings: string[] = [];
  const accepted: string[] = [];
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom('any', 'read', 'write'), async (skip, count, kind) => {
      const ids = [uid('fnd_kvs'), uid('fnd_kvs')];
      findings.push(...ids);
      // Creates, field updates and a PR event (a transition carrying a comment, and a remote link).
      const update = (id: string) => event('finding.updated', { finding: finding(id, { severity: 'critical', cvssScore: 9.1 }) }, '2026-11-28T11:00:00Z');
      const body = batch([created(ids[0]), created(ids[1]), update(ids[0]), update(ids[1]), prEvent('remediation.pr_opened', ids, 7000 + findings.length, '2026-11-28T12:00:00Z')]);
      env.runtime.host.kvs.failNext(count, { skip, kind });
      const first = await send(env.runtime, body);
      // Never a 500, never a 4xx for a valid signed body: Backline must be told to retry.
      expect([200, 202, 503]).toContain(first.status);
      env.runtime.host.kvs.failNext(0);
      // Backline retries later; by then a claim the failed request could not release has gone stale (90 s).
      jumpClock(100_000);
      await env.runtime.waitForQueueIdle();
      await deliver(env, body);
      accepted.push(...idsOf(body));
    }),
    { numRuns: 15, seed, verbose: true },
  );
  await checkInvariants({ env, accepted, findings });
});

test('storage failing inside the queue consumer: the event is retried, not lost', async () => {
  const ids = Array.from({ length: 6 }, () => uid('fnd_kvs_consumer'));
  // Past the deadline immediately: everything goes to the queue, then the consumer meets a failing store.
  const body = batch(ids.map((id) => created(id)));
  await fetchQueued(body);
  env.runtime.host.kvs.failNext(3, { skip: 2 });
  // Once the consumer has reached Jira (or finished), claims a failed call left behind go stale (90 s).
  await Promise.race([env.answers.next(() => true), env.runtime.waitForQueueIdle()]);
  jumpClock(100_000);
  await checkInvariants({ env, accepted: idsOf(body), findings: ids });
});

async function fetchQueued(body: { events: Json[] }): Promise<void> {
  const sim = env.sim;
  sim.latencyMs = 100;
  const pending = send(env.runtime, body);
  // The web trigger's deadline passes once Jira has answered its first (slow) request.
  await env.answers.next(() => true);
  jumpClock(26_000);
  const answer = await pending;
  sim.latencyMs = 0;
  expect([200, 202]).toContain(answer.status);
}

test('every event delivered twice, concurrently and out of order', async () => {
  const ids = Array.from({ length: 6 }, () => uid('fnd_dup'));
  const events = ids.flatMap((id, i) => lifecycle(id, 4000 + i));
  // A deterministic shuffle, then each event twice, 6 requests in flight at a time.
  const seed = Number(process.env.FC_SEED ?? 42);
  const order = fc.sample(fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }), { seed, numRuns: 1 })[0];
  const deliveries = order.flatMap((e) => [e, e]);
  const answers: number[] = [];
  for (let i = 0; i < deliveries.length; i += 6) {
    const chunk = deliveries.slice(i, i + 6);
    const results = await Promise.all(chunk.map((e) => deliver(env, e)));
    answers.push(...results.map((r) => r.status));
  }
  expect(answers.every((s) => s === 200 || s === 202)).toBe(true);
  // Then the same lifecycle again as one batch: all duplicates, no Jira call.
  const before = env.sim.stats.requests;
  await env.runtime.waitForQueueIdle();
  const replay = await deliver(env, batch(events));
  expect(replay.body.results?.map((r) => r.status)).toEqual(events.map(() => 'duplicate'));
  expect(env.sim.stats.requests - before).toBe(0);
  await checkInvariants({ env, accepted: events.map((e) => String(e.id)), findings: ids });
});

test('the runtime closed at random points during a batch and restarted on the same state: queued work resumes', async () => {
  // Fixed by default so CI is repeatable; FC_SEED explores others.
  const seed = Number(process.env.FC_SEED ?? 202);
  // The crash point: after this many Jira answers (or when the batch is done, whichever comes first).
  const crashAfter = fc.sample(fc.integer({ min: 1, max: 8 }), { seed, numRuns: 3 });
  const findings: string[] = [];
  const bodies: Array<{ events: Json[] }> = [];
  for (const [round, answers] of crashAfter.entries()) {
    const ids = Array.from({ length: 25 }, () => uid('fnd_crash'));
    findings.push(...ids);
    const body = batch([...ids.map((id) => created(id)), prEvent('remediation.pr_opened', ids.slice(0, 5), 5000 + round)]);
    bodies.push(body);
    // Slow Jira so the crash lands mid-batch; part of the batch is queued by then in some rounds.
    env.sim.latencyMs = 15;
    const inFlight = send(env.runtime, body).catch(() => undefined);
    await Promise.race([env.answers.next(() => true, answers), inFlight]);
    await env.runtime.close();
    await inFlight;
    await env.restart();
    // Claims held by the dead invocation go stale after 90 s; let that time pass.
    jumpClock(100_000);
    env.sim.latencyMs = 0;
    // Backline never got an answer (or got 202): it delivers the same body again.
    await deliver(env, body);
  }
  await checkInvariants({ env, accepted: bodies.flatMap((b) => idsOf(b)), findings });
}, 120_000);
