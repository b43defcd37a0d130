/**
 * Coalescing under quota pressure (src/core/sync/coalesce.ts, docs/performance.md
 * "Coalescing"): events of one finding that wait together become one write with
 * the latest state. Measured against the simulator side by side with the same
 * events applied one by one: fewer Jira requests, the same issues.
 */
import type { BacklineEvent } from '../../../src/core/events/schema';
import type { QueuedEvent } from '../../../src/core/sync/defer';
import { drainQueue, event, finding, leaveFortyPoints, pr, setup, type Harness } from './harness';


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
  await leaveFortyPoints(h);
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
