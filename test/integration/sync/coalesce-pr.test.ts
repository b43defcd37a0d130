/**
 * Created + updated + PR opened, waiting together, become one write (issue #18,
 * src/core/sync/coalesce.ts): the PR event carrying the newest snapshot creates
 * the issue, links the PR and moves it to the PR-opened status with the PR's
 * comment. Side by side with the same events one by one on a second simulator:
 * the same issue (status, fields, links, comment text), fewer requests, and every
 * delivered event recorded and in the activity with its issue.
 */
import { adfPlainText } from '../../../src/core/jira/issue-types';
import type { BacklineEvent } from '../../../src/core/events/schema';
import { ACTIVITY_ENTITY, type ActivityEntry } from '../../../src/core/sync/activity';
import { createSyncConsumer } from '../../../src/core/sync/consumer';
import type { QueuedEvent } from '../../../src/core/sync/defer';
import { eventRecordKey } from '../../../src/core/sync/idempotency';
import { drainQueue, event, finding, leaveFortyPoints, pr, setup, type Harness } from './harness';


const FINDING = 'fnd_fold_pr';
const lifecycle = (): BacklineEvent[] => [
  event('finding.created', { finding: finding(FINDING, { severity: 'medium' }) }, '2026-11-28T10:00:00Z'),
  event('finding.updated', { finding: finding(FINDING, { severity: 'medium', title: 'Prototype Pollution in lodash (re-scanned)', cvssScore: 7.9 }) }, '2026-11-28T10:00:01Z'),
  event('remediation.pr_opened', { ...pr(811), findings: [{ id: FINDING }] }, '2026-11-28T10:00:02Z'),
];

/** The platform REST requests (the Security tab's submits are counted apart, docs/performance.md). */
const restRequests = async (h: Harness) => Object.entries((await h.stats()).byRoute).reduce((n, [route, count]) => n + (route.includes('/rest/api/') ? count : 0), 0);

/** What a person sees of the finding's issue. */
async function issueOf(h: Harness) {
  const [issue] = (await h.issues()).filter((i) => i.properties?.backline?.findingId === FINDING);
  if (!issue) return undefined;
  const full = await h.issue(issue.key);
  return {
    summary: issue.fields.summary,
    status: issue.fields.status?.name,
    priority: issue.fields.priority?.name,
    labels: [...((issue.fields.labels as string[] | undefined) ?? [])].sort(),
    description: JSON.stringify(issue.fields.description),
    remoteLinks: issue.remoteLinks,
    comments: (full.fields.comment.comments as Array<{ body: unknown }>).map((c) => adfPlainText(c.body as never)),
    property: { ...issue.properties?.backline, syncedAt: undefined, lastSyncAt: undefined, updatedAt: undefined },
  };
}

/** A warm installation (caches read) whose next answers say the quota is nearly spent. */
async function underPressure(): Promise<Harness> {
  const h = await setup({ mode: 'inline' });
  await h.run(event('finding.created', { finding: finding('fnd_warm', { severity: 'medium' }) }));
  await h.run(event('remediation.pr_opened', { ...pr(1), findings: [{ id: 'fnd_warm' }] }));
  await leaveFortyPoints(h);
  h.platform.queue.pushes.length = 0;
  return h;
}

it('created + updated + PR opened waiting together: one queued write, the same issue as one by one, one request fewer, every event recorded', async () => {
  const oneByOne = await setup({ mode: 'inline' });
  await oneByOne.run(event('finding.created', { finding: finding('fnd_warm', { severity: 'medium' }) }));
  await oneByOne.run(event('remediation.pr_opened', { ...pr(1), findings: [{ id: 'fnd_warm' }] }));
  await oneByOne.control('POST', '/_sim/stats/reset');
  for (const e of lifecycle()) await oneByOne.run(e);
  // create; edit; remote link + transition carrying the comment.
  expect(await restRequests(oneByOne)).toBe(4);

  const h = await underPressure();
  const events = lifecycle();
  // The first event brings the answer that says NearLimit; the three wait together.
  const [, ...results] = await h.run(event('finding.updated', { finding: finding('fnd_warm', { severity: 'medium', title: 'Warm' }) }), ...events);
  expect(results.map((r) => [r.eventId, r.status])).toEqual(events.map((e) => [e.id, 'queued']));
  expect(results.every((r) => /3 events of this finding go as one write/.test(r.reason ?? ''))).toBe(true);
  const queued = h.platform.queue.pushes.flat().map((m) => m.body as unknown as QueuedEvent);
  expect(queued.map((q) => [q.event.type, q.event.id, (q.carries ?? []).map((e) => e.id)])).toEqual([['remediation.pr_opened', events[2]?.id, [events[0]?.id, events[1]?.id]]]);

  await h.control('POST', '/_sim/stats/reset');
  await h.control('POST', '/_sim/quota', { pointsPerHour: 1_000_000 }); // the queue runs after the reset
  await drainQueue(h);
  // create; remote link; transition carrying the comment.
  expect(await restRequests(h)).toBe(3);
  const folded = await issueOf(h);
  expect(folded).toEqual(await issueOf(oneByOne));
  expect(folded).toMatchObject({ summary: expect.stringContaining('re-scanned'), status: 'In Progress' });
  expect(folded?.comments.filter((text) => text.includes('#811'))).toHaveLength(1);
  expect(folded?.remoteLinks).toHaveLength(1);

  // Each delivered event has its own record with the issue, and its activity entry.
  const key = (await h.issues()).find((i) => i.properties?.backline?.findingId === FINDING)?.key;
  for (const e of events) expect(await h.platform.store.get(eventRecordKey(e.id))).toMatchObject({ issues: [expect.objectContaining({ key })] });
  const page = await h.platform.store.entityQuery<ActivityEntry>(ACTIVITY_ENTITY, { index: 'at', range: { op: 'greaterThan', value: 0 }, sort: 'DESC', limit: 50 });
  const logged = new Map(page.items.map((item) => [item.value.details.eventId, item.value]));
  for (const e of events) expect(logged.get(e.id)).toMatchObject({ findingId: FINDING, details: { type: e.type, issueKey: key } });

  // Delivered again: answered as duplicates with the issue, no request.
  await h.control('POST', '/_sim/stats/reset');
  const again = await h.run(...lifecycle().map((e, i) => ({ ...e, id: events[i]?.id ?? e.id })));
  expect(again.map((r) => [r.status, r.issues?.[0]?.key])).toEqual(events.map(() => ['duplicate', key]));
  expect(await restRequests(h)).toBe(0);
});

it('queued together after Jira refused for the quota: the rest of the delivery folds the same way', async () => {
  const h = await setup({ mode: 'inline' });
  await h.run(event('finding.created', { finding: finding('fnd_warm', { severity: 'medium' }) }));
  const { points } = (await h.control('GET', '/_sim/stats')) as { points: number };
  await h.control('POST', '/_sim/quota', { pointsPerHour: points });
  h.platform.queue.pushes.length = 0;
  const events = lifecycle();
  const results = await h.run(...events);
  expect(results.map((r) => r.status)).toEqual(['queued', 'queued', 'queued']);
  const queued = h.platform.queue.pushes.flat().map((m) => m.body as unknown as QueuedEvent);
  expect(queued.map((q) => [q.event.id, (q.carries ?? []).map((e) => e.id)])).toEqual([[events[2]?.id, [events[0]?.id, events[1]?.id]]]);

  await h.control('POST', '/_sim/quota', { pointsPerHour: 1_000_000 });
  await drainQueue(h);
  expect(await issueOf(h)).toMatchObject({ summary: expect.stringContaining('re-scanned'), status: 'In Progress', remoteLinks: [expect.anything()] });
  for (const e of events) expect(await h.platform.store.get(eventRecordKey(e.id))).toMatchObject({ status: 'created' });
});

it('a queued write whose own event was applied before (a redelivery) hands the events it carries back to the queue, each applied on its own', async () => {
  const h = await setup({ mode: 'inline' });
  const [created, , opened] = lifecycle();
  // Backline delivered the PR event alone first: the finding had no issue, so it was skipped (and recorded).
  const [skipped] = await h.run(opened);
  expect(skipped?.status).toBe('skipped');
  h.platform.queue.pushes.length = 0;
  const carrier = { ...opened, data: { ...(opened as Extract<BacklineEvent, { type: 'remediation.pr_opened' }>).data, findings: [finding(FINDING, { severity: 'medium' })] } };
  const consumer = createSyncConsumer(h.platform, { keepDeadLetter: async (letter) => void expect(letter).toBeUndefined(), sleep: async () => undefined });
  await consumer.handle({ kind: 'backline-event', event: carrier, enqueuedAt: 0, carries: [created] });
  expect(h.platform.queue.pushes.flat().map((m) => (m.body as unknown as QueuedEvent).event.id)).toEqual([created.id]);
  await drainQueue(h);
  expect(await issueOf(h)).toMatchObject({ status: 'To Do' });
  expect(await h.platform.store.get(eventRecordKey(created.id))).toMatchObject({ status: 'created' });
});

it('created + two PRs opened waiting together: one create, both PRs linked, one move carrying one comment that names both', async () => {
  const events = [
    event('finding.created', { finding: finding(FINDING, { severity: 'medium' }) }, '2026-11-28T10:00:00Z'),
    event('remediation.pr_opened', { ...pr(811), findings: [{ id: FINDING }] }, '2026-11-28T10:00:02Z'),
    event('remediation.pr_opened', { ...pr(812), findings: [{ id: FINDING }] }, '2026-11-28T10:00:03Z'),
  ];
  const oneByOne = await setup({ mode: 'inline' });
  await oneByOne.run(event('finding.created', { finding: finding('fnd_warm', { severity: 'medium' }) }));
  await oneByOne.run(event('remediation.pr_opened', { ...pr(1), findings: [{ id: 'fnd_warm' }] }));
  await oneByOne.control('POST', '/_sim/stats/reset');
  for (const e of events) await oneByOne.run(e);
  // create; remote link + transition carrying the first comment and the property; remote link + the property
  // (it lists the PRs) + comment.
  expect(await restRequests(oneByOne)).toBe(6);

  const h = await underPressure();
  const [, ...results] = await h.run(event('finding.updated', { finding: finding('fnd_warm', { severity: 'medium', title: 'Warm' }) }), ...events);
  expect(results.map((r) => r.status)).toEqual(['queued', 'queued', 'queued']);
  const queued = h.platform.queue.pushes.flat().map((m) => m.body as unknown as QueuedEvent);
  expect(queued.map((q) => [q.event.id, (q.carries ?? []).map((e) => e.id)])).toEqual([[events[2]?.id, [events[0]?.id, events[1]?.id]]]);

  await h.control('POST', '/_sim/stats/reset');
  await h.control('POST', '/_sim/quota', { pointsPerHour: 1_000_000 });
  await drainQueue(h);
  // create; two remote links; the transition carrying the one comment.
  expect(await restRequests(h)).toBe(4);
  const folded = await issueOf(h);
  const separate = await issueOf(oneByOne);
  expect(folded).toMatchObject({ status: 'In Progress', summary: separate?.summary, priority: separate?.priority, description: separate?.description });
  expect(folded?.remoteLinks).toEqual(separate?.remoteLinks);
  expect(folded?.property).toEqual(separate?.property);
  expect(folded?.comments).toHaveLength(1);
  expect(folded?.comments[0]).toMatch(/opened 2 pull requests: #811 .*and #812 /);
  // The link knows both PRs, commented and linked: redelivering either PR event adds nothing.
  await h.control('POST', '/_sim/stats/reset');
  const again = await h.run(events[1], events[2]);
  expect(again.map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
  expect(await restRequests(h)).toBe(0);
  for (const e of events) expect(await h.platform.store.get(eventRecordKey(e.id))).toMatchObject({ status: 'created' });
});
