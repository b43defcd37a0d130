/**
 * Coalescing under quota pressure (src/core/sync/coalesce.ts, docs/performance.md
 * "Coalescing"): events of one finding that wait together become one write with
 * the latest state. Measured against the simulator side by side with the same
 * events applied one by one: fewer Jira requests, the same issues.
 */
import type { BacklineEvent } from '../../../src/core/events/schema';
import { createSyncConsumer } from '../../../src/core/sync/consumer';
import type { QueuedEvent } from '../../../src/core/sync/defer';
import { event, finding, pr, setup } from './harness';

type Harness = Awaited<ReturnType<typeof setup>>;

async function nearLimit(h: Harness): Promise<void> {
  // Leave 40 points of the hour: under 20 %, so Jira marks every answer NearLimit; one answer says so.
  for (let i = 0; i < 200; i++) await h.counting.request({ method: 'GET', path: '/rest/api/3/myself' });
  const { points } = (await h.control('GET', '/_sim/stats')) as { points: number };
  await h.control('POST', '/_sim/quota', { pointsPerHour: points + 40 });
}

/** Runs every queued message through the queue consumer, in the order of their waits, until none is left. */
async function drainQueue(h: Harness): Promise<void> {
  const consumer = createSyncConsumer(h.platform, { keepDeadLetter: async (letter) => void expect(letter).toBeUndefined(), sleep: async () => undefined });
  while (h.platform.queue.pushes.length > 0) {
    const messages = h.platform.queue.pushes.flat().sort((a, b) => (a.delayInSeconds ?? 0) - (b.delayInSeconds ?? 0));
    h.platform.queue.pushes.length = 0;
    for (const message of messages) await consumer.handle(message.body);
  }
}

/** What a person sees of each finding's issue. */
async function issuesByFinding(h: Harness): Promise<Record<string, unknown>> {
  const all = await h.issues();
  const out: Record<string, unknown> = {};
  for (const issue of all) {
    const findingId = (issue.properties?.backline as { findingId?: string } | undefined)?.findingId ?? issue.key;
    out[findingId] = {
      summary: issue.fields.summary,
      status: issue.fields.status?.name,
      priority: issue.fields.priority?.name,
      labels: [...((issue.fields.labels as string[] | undefined) ?? [])].sort(),
      description: JSON.stringify(issue.fields.description),
      remoteLinks: issue.remoteLinks.length,
      comments: (issue.fields.comment?.comments as unknown[] | undefined)?.length ?? 0,
    };
  }
  return out;
}

const storm = (): BacklineEvent[] => [
  event('finding.created', { finding: finding('fnd_a', { severity: 'medium' }) }, '2026-11-28T10:00:00Z'),
  event('finding.created', { finding: finding('fnd_b', { severity: 'low' }) }, '2026-11-28T10:00:01Z'),
  event('finding.updated', { finding: finding('fnd_a', { severity: 'medium', title: 'Prototype Pollution in lodash (re-scanned)' }) }, '2026-11-28T10:00:02Z'),
  event('finding.updated', { finding: finding('fnd_b', { severity: 'low', cvssScore: 5.1 }) }, '2026-11-28T10:00:03Z'),
  event('remediation.pr_opened', { ...pr(601), findings: [{ id: 'fnd_a' }] }, '2026-11-28T10:00:04Z'),
  // After the PR: not folded into the create (the PR's transition and comment come between).
  event('finding.updated', { finding: finding('fnd_a', { severity: 'high', title: 'Prototype Pollution in lodash (exploited)' }) }, '2026-11-28T10:00:05Z'),
  event('finding.updated', { finding: finding('fnd_b', { severity: 'low', cvssScore: 5.3, title: 'Lodash, low' }) }, '2026-11-28T10:00:06Z'),
];

it('events of one finding that wait together go as one write: fewer requests, the same issues as one by one', async () => {
  const oneByOne = await setup({ mode: 'inline' });
  for (const e of storm()) await oneByOne.run(e);
  const oneByOneRequests = (await oneByOne.stats()).requests;

  const h = await setup({ mode: 'inline' });
  await h.run(event('finding.created', { finding: finding('fnd_warm', { severity: 'medium' }) }));
  await nearLimit(h);
  h.platform.queue.pushes.length = 0;

  // The delivery's first event (applied before the invocation knows) brings the answer that says NearLimit; the rest waits.
  const events = storm();
  const [first, ...results] = await h.run(event('finding.updated', { finding: finding('fnd_warm', { severity: 'medium', title: 'Warm' }) }), ...events);
  expect(first?.status).toBe('updated');
  expect(results.map((r) => [r.eventId, r.status])).toEqual(events.map((e) => [e.id, 'queued']));
  await h.control('POST', '/_sim/stats/reset');
  await h.control('POST', '/_sim/quota', { pointsPerHour: 1_000_000 }); // the queue runs after the reset
  // 7 events, 3 queued writes: a's create + update + PR, b's create + update + update fold into one each.
  const queued = h.platform.queue.pushes.flat().map((m) => (m.body as unknown as QueuedEvent).event);
  expect(queued.map((e) => [e.type, e.id])).toEqual([
    // a's create, update and PR: one PR event carrying the newest snapshot, in the create's place.
    ['remediation.pr_opened', events[4]?.id],
    ['finding.updated', events[5]?.id],
    ['finding.created', events[1]?.id],
  ]);
  const carries = h.platform.queue.pushes.flat().map((m) => ((m.body as unknown as QueuedEvent).carries ?? []).map((e) => e.id));
  expect(carries).toEqual([[events[0]?.id, events[2]?.id], [], [events[3]?.id, events[6]?.id]]);
  expect(results[3]?.reason).toMatch(/3 events of this finding go as one write/);
  await drainQueue(h);

  const coalescedRequests = (await h.stats()).requests;
  const withoutWarmUp = Object.fromEntries(Object.entries(await issuesByFinding(h)).filter(([id]) => !id.startsWith('fnd_warm')));
  expect(withoutWarmUp).toEqual(await issuesByFinding(oneByOne));
  // One by one: 2 creates, 4 updates, the PR's transition and remote link (and the warm-up reads of a first event).
  expect(coalescedRequests).toBeLessThanOrEqual(oneByOneRequests - 3);
  expect((await h.stats()).contractViolations).toBe(0);
});
