/**
 * Under quota pressure (docs/performance.md "Under pressure"): Jira marks its
 * answers `X-RateLimit-NearLimit` when little of the hour's points is left.
 * The app then still applies critical and high findings' creates, resolutions
 * and reopenings at once, queues everything else each a fair gap after the
 * one before (the pace at which the remaining points last until the reset),
 * low and info findings after them three gaps apart, and keeps each
 * finding's events in order. Nothing is dropped.
 */
import type { QueuedEvent } from '../../../src/core/sync/defer';
import { createSyncConsumer, MAX_QUEUE_RETRIES } from '../../../src/core/sync/consumer';
import { JITTER } from '../../../src/core/sync/fair-share';
import { msUntilNextHour } from '../../../src/core/sync/pacing';
import { LOW_PRIORITY_FACTOR } from '../../../src/core/sync/pressure';
import { notePressure } from '../../../src/core/sync/pressure-state';
import { event, finding, leaveFortyPoints, pr, setup, type Harness } from './harness';

async function nearLimit(h: Harness): Promise<void> {
  await leaveFortyPoints(h);
  await h.run(event('finding.created', { finding: finding('fnd_warm', { severity: 'medium' }) })); // an answer that says so
}

it('applies critical and high findings now, queues the rest by priority, and keeps one finding’s events in order', async () => {
  const h = await setup({ mode: 'inline' }); // as the web trigger applies a delivery
  await h.run(event('finding.created', { finding: finding('fnd_old', { severity: 'medium' }) }));
  await nearLimit(h);
  h.platform.queue.pushes.length = 0;

  // Each invocation learns the pressure from its own first Jira answer (docs/performance.md): here, a high finding resolved.
  await h.run(event('finding.created', { finding: finding('fnd_first', { severity: 'high' }) }));
  const batch = [
    event('finding.resolved', { finding: finding('fnd_first', { severity: 'high' }), reason: 'fixed' }),
    event('finding.created', { finding: finding('fnd_low', { severity: 'low' }) }),
    event('finding.created', { finding: finding('fnd_crit', { severity: 'critical' }) }),
    event('remediation.pr_opened', { ...pr(501), findings: [{ id: 'fnd_old' }] }),
    event('finding.resolved', { finding: finding('fnd_old', { severity: 'high' }), reason: 'fixed' }),
    event('finding.created', { finding: finding('fnd_high', { severity: 'high' }) }),
    event('finding.updated', { finding: finding('fnd_low', { severity: 'critical' }) }),
  ];
  const results = await h.run(...batch);

  const [first, low, critical, prOpened, resolved, high, lowNowCritical] = batch.map((e) => e.id);
  expect(results.map((r) => [r.eventId, r.status])).toEqual([
    [first, 'updated'],
    [low, 'queued'],
    [critical, 'created'],
    [prOpened, 'queued'],
    // High, but an earlier event of its finding waits: it waits too, after it.
    [resolved, 'queued'],
    [high, 'created'],
    // Critical now, but its finding's creation waits (low): it follows it.
    [lowNowCritical, 'queued'],
  ]);
  // A wait past Forge's 900 s longest delay goes partly in the message (defer.ts holdSeconds): the whole wait is both.
  const queued = h.platform.queue.pushes.flat().map((m) => {
    const body = m.body as unknown as QueuedEvent;
    return { id: body.event.id, delay: (m.delayInSeconds ?? 0) + (body.holdSeconds ?? 0) };
  });
  // fnd_low's creation and update wait together: one write with the newest snapshot (coalesce.ts).
  expect(queued.map((q) => q.id).sort()).toEqual([low, prOpened, resolved].sort());
  expect(results.find((r) => r.eventId === lowNowCritical)?.reason).toMatch(/2 events of this finding go as one write \(/);
  const delayOf = (id: string | undefined) => queued.find((q) => q.id === id)?.delay ?? -1;
  // Each a fair gap after the one before (fair-share.ts): ~40 points left for the rest of the hour.
  const gap = delayOf(prOpened);
  expect(gap).toBeGreaterThan(0);
  expect(delayOf(resolved)).toBeGreaterThan(gap);
  // Low and info after the normal ones, three gaps apart. Every gap is jittered ×0.8–1.2 (fair-share.ts) and
  // rounded up to whole seconds, so the observed first gap is at most 1.2 fair gaps + 1 s, and three low gaps at least 2.4.
  const fairGapAtLeast = (gap - 1) / (1 + JITTER);
  expect(delayOf(low) - delayOf(resolved)).toBeGreaterThanOrEqual(Math.floor(fairGapAtLeast * LOW_PRIORITY_FACTOR * (1 - JITTER)) - 1);
  expect(delayOf(low)).toBeGreaterThan(delayOf(resolved));
  expect(results.find((r) => r.eventId === low)?.reason).toMatch(/critical and high findings go first/);
});

it('without pressure, the same batch is applied at once', async () => {
  const h = await setup({ mode: 'inline' }); // as the web trigger applies a delivery
  await h.run(event('finding.created', { finding: finding('fnd_old', { severity: 'medium' }) }));
  h.platform.queue.pushes.length = 0;
  const results = await h.run(
    event('finding.created', { finding: finding('fnd_low', { severity: 'low' }) }),
    event('remediation.pr_opened', { ...pr(502), findings: [{ id: 'fnd_old' }] }),
  );
  expect(results.map((r) => r.status)).toEqual(['created', 'updated']);
  expect(h.platform.queue.pushes.flat()).toEqual([]);
});

it('the queue consumer waits out a fair wait past 900 s, and a spent pool is a wait for the reset, not a failure', async () => {
  const h = await setup({ mode: 'inline' });
  const dead: unknown[] = [];
  const consumer = createSyncConsumer(h.platform, { keepDeadLetter: async (letter) => void dead.push(letter), sleep: async () => undefined });
  const waiting = event('finding.created', { finding: finding('fnd_spaced', { severity: 'medium' }) });
  h.platform.queue.pushes.length = 0;
  const before = (await h.stats()).requests;
  // Spaced 1,000 s out: Forge delays at most 900 s, so the message carried the other 100.
  await consumer.handle({ kind: 'backline-event', event: waiting, enqueuedAt: 0, holdSeconds: 100 });
  expect((await h.stats()).requests).toBe(before);
  expect(h.platform.queue.pushes.flat().map((m) => [m.delayInSeconds, (m.body as unknown as QueuedEvent).holdSeconds])).toEqual([[100, undefined]]);

  // The pool is spent: Jira refuses with the quota reason; the event waits for the reset as a new message (retry count 0).
  const { points } = (await h.control('GET', '/_sim/stats')) as { points: number };
  await h.control('POST', '/_sim/quota', { pointsPerHour: points });
  h.platform.queue.pushes.length = 0;
  await expect(consumer.handle({ kind: 'backline-event', event: waiting, enqueuedAt: 0 }, { retryCount: MAX_QUEUE_RETRIES })).resolves.toBeUndefined();
  expect(dead).toEqual([]);
  const [requeued] = h.platform.queue.pushes.flat();
  expect((requeued?.body as unknown as QueuedEvent).event.id).toBe(waiting.id);
  // A medium finding: 30–90 s after the reset (critical and high go in the first 30 s).
  const untilReset = msUntilNextHour(h.sim.now()) / 1000;
  const total = (requeued?.delayInSeconds ?? 0) + ((requeued?.body as unknown as QueuedEvent).holdSeconds ?? 0);
  expect(total).toBeGreaterThanOrEqual(Math.floor(untilReset) + 30);
  expect(total).toBeLessThanOrEqual(Math.ceil(untilReset) + 91);
});

it('under pressure, a resolution whose finding is not created yet (still queued) waits for its issue, then resolves it', async () => {
  const h = await setup({ mode: 'inline' });
  const dead: unknown[] = [];
  const consumer = createSyncConsumer(h.platform, { keepDeadLetter: async (letter) => void dead.push(letter), sleep: async () => undefined });
  const resolved = event('finding.resolved', { finding: finding('fnd_later', { severity: 'medium' }), reason: 'fixed' }, '2026-11-28T10:05:00Z');
  // Without pressure there is nothing to wait for: the resolution goes as usual (no issue: skipped).
  expect((await h.run(resolved))[0]?.status).toBe('skipped');

  await notePressure(h.platform.store, { status: 200, nearLimit: true, quota: { remaining: 10, resetInSeconds: 1_800 } }, h.platform.clock.now());
  h.platform.queue.pushes.length = 0;
  const again = { ...resolved, id: 'evt_resolved_under_pressure' };
  expect((await h.run(again))[0]).toMatchObject({ status: 'queued', reason: expect.stringMatching(/waits for its finding's issue/) });
  const [waiting] = h.platform.queue.pushes.flat();
  expect([waiting?.delayInSeconds, (waiting?.body as unknown as QueuedEvent).waitedForIssue]).toEqual([900, 1]);
  // Still no issue: it waits again.
  h.platform.queue.pushes.length = 0;
  await consumer.handle(waiting?.body ?? {});
  expect(h.platform.queue.pushes.flat().map((m) => (m.body as unknown as QueuedEvent).waitedForIssue)).toEqual([2]);
  // The creation comes through; the resolution then resolves the issue.
  expect((await h.run(event('finding.created', { finding: finding('fnd_later', { severity: 'medium' }) }, '2026-11-28T10:00:00Z')))[0]?.status).toBe('created');
  await consumer.handle(h.platform.queue.pushes.flat()[0]?.body ?? {});
  const [issue] = (await h.issues()).filter((i) => (i.properties?.backline as { findingId?: string } | undefined)?.findingId === 'fnd_later');
  expect(issue?.fields.resolution).toBeTruthy();
  expect(dead).toEqual([]);
});

it('a resolution whose creation was queued waits for it even after the quota reset (the pressure note lapsed), then resolves it', async () => {
  const h = await setup({ mode: 'inline' });
  await h.run(event('finding.created', { finding: finding('fnd_old', { severity: 'medium' }) }));
  await nearLimit(h);
  h.platform.queue.pushes.length = 0;
  // A low finding's creation waits in the queue (three fair gaps).
  const created = event('finding.created', { finding: finding('fnd_queued_low', { severity: 'low' }) }, '2026-11-28T10:00:00Z');
  // The delivery's first event brings the answer that says NearLimit; the creation then waits.
  expect((await h.run(event('finding.updated', { finding: finding('fnd_old', { severity: 'medium', title: 'Old' }) }), created))[1]?.status).toBe('queued');
  const queuedCreate = h.platform.queue.pushes.flat()[0];
  h.platform.queue.pushes.length = 0;
  // The hour resets: no pressure note any more, and the next answers are far from the limit.
  await h.control('POST', '/_sim/quota', { pointsPerHour: 1_000_000 });
  h.platform.clock.advance(msUntilNextHour(h.platform.clock.now()) + 1_000);
  const resolved = event('finding.resolved', { finding: finding('fnd_queued_low', { severity: 'low' }), reason: 'fixed' }, '2026-11-28T10:05:00Z');
  expect((await h.run(resolved))[0]).toMatchObject({ status: 'queued', reason: expect.stringMatching(/waits for its finding's issue/) });
  const waiting = h.platform.queue.pushes.flat()[0];
  const consumer = createSyncConsumer(h.platform, { keepDeadLetter: async (letter) => void expect(letter).toBeUndefined(), sleep: async () => undefined });
  await consumer.handle(queuedCreate?.body ?? {});
  await consumer.handle(waiting?.body ?? {});
  const [issue] = (await h.issues()).filter((i) => (i.properties?.backline as { findingId?: string } | undefined)?.findingId === 'fnd_queued_low');
  expect(issue?.fields.resolution).toBeTruthy();
});
