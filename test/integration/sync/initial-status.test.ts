/**
 * A workflow's initial status is read once, from the first issue created in it
 * (src/core/sync/initial-status.ts): the links of every issue created after it
 * know their status, so their first moves go without reading the issue.
 */
import { event, finding, setup } from './harness';

const at = (minute: number) => `2026-11-28T14:${String(minute).padStart(2, '0')}:00Z`;
const GET_ISSUE = 'GET /rest/api/3/issue/{issueIdOrKey}';

it('on a fresh installation the first create reads its issue once; later issues are created and moved without reading them', async () => {
  const h = await setup();
  await h.control('POST', '/_sim/stats/reset');
  const [first] = await h.run(event('finding.created', { finding: finding('fnd_init_1') }, at(1)));
  expect(first?.status).toBe('created');
  expect((await h.stats()).byRoute[GET_ISSUE]).toBe(1);

  // Created before any of them moves (a storm's first wave): each link knows its status.
  const created = await h.run(...[2, 3, 4].map((n) => event('finding.created', { finding: finding(`fnd_init_${n}`) }, at(n))));
  expect(created.map((r) => r.status)).toEqual(['created', 'created', 'created']);
  await h.control('POST', '/_sim/stats/reset');
  // The first move out of the initial status learns its transitions (one read, once per workflow); the others read nothing.
  for (const n of [2, 3, 4]) await h.run(event('finding.resolved', { finding: finding(`fnd_init_${n}`), reason: 'fixed' }, at(10 + n)));
  const { byRoute } = await h.stats();
  expect(byRoute[GET_ISSUE] ?? 0).toBeLessThanOrEqual(1);
  // The demo workflow resolves from To Do in three hops (To Do → In Progress → In Review → Done), sent unread.
  expect(byRoute['POST /rest/api/3/issue/{issueIdOrKey}/transitions']).toBe(9);
});
