/**
 * A write Jira refused for the hourly quota was not saved (Jira limits before
 * doing the work: docs/platform-limits.md "Jira REST rate limits"), so its retry
 * makes the same write again and reads nothing; a write answered 5xx may have
 * been saved, and the retry looks for it first (docs/sync.md "Saved, then
 * failed"). The refusal is the simulator's own: its pool spent
 * (`_sim/quota`), answered 429 with `RateLimit-Reason: jira-quota-global-based`.
 */
import { findingClaimKey } from '../../../src/core/sync/idempotency';
import { adfPlainText } from '../../../src/core/jira/issue-types';
import type { JiraRequest, JiraTransport } from '../../../src/core/ports';
import { event, finding, pr, setup } from './harness';

type Harness = Awaited<ReturnType<typeof setup>>;

const at = (minute: number) => `2026-11-28T13:${String(minute).padStart(2, '0')}:00Z`;

/** Every point of the hour spent: the next request is refused for the quota. */
async function spendPool(h: Harness): Promise<void> {
  const { points } = (await h.control('GET', '/_sim/stats')) as { points: number };
  await h.control('POST', '/_sim/quota', { pointsPerHour: points });
}

const refillPool = (h: Harness) => h.control('POST', '/_sim/quota', { pointsPerHour: 1_000_000 });

/** A harness with warm caches (create metadata, workflow, site URL, link store marker). */
async function warm(): Promise<Harness> {
  const h = await setup({ mode: 'consumer' });
  const [warmed] = await h.run(event('finding.created', { finding: finding('fnd_warm') }, at(0)));
  expect(warmed?.status).toBe('created');
  return h;
}

/** The platform REST requests (the Security tab's submits are counted apart, as in docs/performance.md). */
const restRoutes = async (h: Harness) => Object.fromEntries(Object.entries((await h.stats()).byRoute).filter(([route]) => route.includes('/rest/api/')));

const mine = async (h: Harness, findingId: string) => (await h.issues()).filter((i) => i.properties?.backline?.findingId === findingId);

it('a create refused for the quota is retried as exactly the create: no issue read, no comment read, no search; one issue', async () => {
  const h = await warm();
  await spendPool(h);
  await h.control('POST', '/_sim/stats/reset');
  const created = event('finding.created', { finding: finding('fnd_quota') }, at(1));
  const [refused] = await h.run(created);
  expect(refused?.status).toBe('failed');
  expect(refused?.error).toMatchObject({ code: 'JIRA_UNAVAILABLE', retryable: true });
  expect(await restRoutes(h)).toEqual({ 'POST /rest/api/3/issue': 1 });
  // Nothing to recover: the claim is released, not handed over.
  expect(await h.platform.store.get(findingClaimKey('fnd_quota', 0))).toBeUndefined();

  await refillPool(h);
  await h.control('POST', '/_sim/stats/reset');
  const [retried] = await h.run(created);
  expect(retried?.status).toBe('created');
  expect(await restRoutes(h)).toEqual({ 'POST /rest/api/3/issue': 1 });
  expect(await mine(h, 'fnd_quota')).toHaveLength(1);
});

it('a create answered 504 may have been saved: the retry looks for the issue first and creates none', async () => {
  const h = await warm();
  await h.control('POST', '/_sim/faults', { status: 504, count: 1, after: 'commit', match: { method: 'POST', path: '/rest/api/3/issue' } });
  const created = event('finding.created', { finding: finding('fnd_504') }, at(1));
  const [failed] = await h.run(created);
  expect(failed?.status).toBe('failed');
  expect(await h.platform.store.get(findingClaimKey('fnd_504', 0))).toMatchObject({ recover: true });

  await h.control('POST', '/_sim/stats/reset');
  const [retried] = await h.run(created);
  expect(retried?.status).not.toBe('failed');
  const { byRoute } = await h.stats();
  expect(byRoute['POST /rest/api/3/search/jql']).toBeGreaterThanOrEqual(1);
  expect(byRoute['POST /rest/api/3/issue']).toBeUndefined();
  expect(await mine(h, 'fnd_504')).toHaveLength(1);
});

/**
 * Between the app and the simulator: the first request matching `refuse` is answered as Jira answers a
 * spent pool (429, `RateLimit-Reason: jira-quota-global-based`), before the simulator sees it.
 */
const refusingOnce = (refuse: (request: JiraRequest) => boolean) => (inner: JiraTransport): JiraTransport => {
  let fired = false;
  return {
    request: async (request) => {
      if (fired || !refuse(request)) return inner.request(request);
      fired = true;
      return { status: 429, headers: { 'ratelimit-reason': 'jira-quota-global-based', 'retry-after': '600' }, body: { errorMessages: ['Rate limit exceeded.'], errors: {} } };
    },
  };
};

const commentsOf = async (h: Harness, key: string) =>
  ((await h.issue(key)).fields.comment.comments as Array<{ body: unknown }>).map((c) => adfPlainText(c.body as never));

it('an issue created before a transition refused for the quota stays "maybe saved": the retry finds it, no second issue, one PR comment', async () => {
  let armed = false;
  const h = await setup({ mode: 'consumer' }, refusingOnce((request) => armed && request.method === 'POST' && request.path.endsWith('/transitions')));
  await h.run(event('finding.created', { finding: finding('fnd_warm') }, at(0)));
  armed = true;
  // A PR event that carries the whole finding creates its issue, links the PR and moves it (with the comment).
  const opened = event('remediation.pr_opened', { ...pr(703), findings: [finding('fnd_pr_new')] }, at(1));
  const [refused] = await h.run(opened);
  expect(refused?.status).toBe('failed');
  expect(await h.platform.store.get(findingClaimKey('fnd_pr_new', 0))).toMatchObject({ recover: true });

  const [retried] = await h.run(opened);
  expect(retried?.status).not.toBe('failed');
  const issues = await mine(h, 'fnd_pr_new');
  expect(issues).toHaveLength(1);
  expect(issues[0]?.fields.status?.name).toBe('In Progress');
  expect((await commentsOf(h, issues[0].key)).filter((text) => text.includes('#703'))).toHaveLength(1);
});

it('a comment refused for the quota after idempotent writes: the claim is released, and the retry reads nothing and comments once', async () => {
  let armed = false;
  const h = await setup({ mode: 'consumer' }, refusingOnce((request) => armed && request.method === 'POST' && request.path.endsWith('/comment')));
  await h.run(event('finding.created', { finding: finding('fnd_warm') }, at(0)));
  // The first PR moves the issue to In Progress; the second one links, updates the property and comments.
  await h.run(event('remediation.pr_opened', { ...pr(701), findings: [{ id: 'fnd_warm' }] }, at(1)));
  armed = true;
  const second = event('remediation.pr_opened', { ...pr(702), findings: [{ id: 'fnd_warm' }] }, at(2));
  const [refused] = await h.run(second);
  expect(refused?.status).toBe('failed');
  // Its link is at version 2 after two stored events: their claims are kept, done; the refused one's is gone.
  expect(await h.platform.store.get(findingClaimKey('fnd_warm', 1))).toMatchObject({ done: true });
  expect(await h.platform.store.get(findingClaimKey('fnd_warm', 2))).toBeUndefined();

  await h.control('POST', '/_sim/stats/reset');
  const [retried] = await h.run(second);
  expect(retried?.status).toBe('updated');
  const reads = Object.keys(await restRoutes(h)).filter((route) => route.startsWith('GET ') || route.endsWith('/search/jql'));
  expect(reads).toEqual([]);
  const [issue] = await mine(h, 'fnd_warm');
  expect((await commentsOf(h, issue.key)).filter((text) => text.includes('#702'))).toHaveLength(1);
  expect(issue?.remoteLinks).toHaveLength(2);
});
