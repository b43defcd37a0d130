/**
 * Jira saves a write and then answers 5xx or drops the connection (the simulator's
 * `after: "commit"` faults), while its search lags writes by 0, 5 or 60 s
 * (`_sim/search-lag`); Backline may deliver everything again. Every route the app
 * writes through (create, bulk create, comment, transition with its comment) ends
 * with one issue per finding, no comment twice, no event lost, and the status the
 * policy says (docs/sync.md "Saved, then failed").
 *
 * One process, one fake clock for the app, the queue and the simulator: the queue
 * consumer's delays move the clock, so a 60 s search lag costs no real time.
 */
import { createJiraSimulator } from '../../../dev/jira-sim';
import { adfToText } from '../../../dev/jira-sim/adf';
import { seedDemoConfiguration } from '../../../dev/demo-config';
import { createAppConsumer, createAppProcessor } from '../../../src/core/engine';
import { eventSchema, type BacklineEvent } from '../../../src/core/events/schema';
import { DEAD_LETTER_PREFIX } from '../../../src/core/failures/dead-letters';
import { eventRecordKey } from '../../../src/core/sync/idempotency';
import { FakeClock, SIM_BASE_URL, makeTestPlatform, simControl } from '../../fakes';

type Route = 'create' | 'bulk' | 'comment' | 'transition';
const ROUTES: Route[] = ['create', 'bulk', 'comment', 'transition'];
const LAGS = [0, 5_000, 60_000];

let n = 0;
const event = (type: string, data: unknown): BacklineEvent =>
  eventSchema.parse({ id: `evt_stf_${++n}`, type, occurredAt: new Date(Date.parse('2026-11-28T10:00:00Z') + n * 1000).toISOString(), data });
const finding = (id: string) => ({ id, title: `Finding ${id}`, severity: 'high', category: 'sca', repository: { name: 'acme/payments-api' } });
const prOpened = (findingId: string, pr: number) =>
  event('remediation.pr_opened', { remediation: { id: `rem_${pr}`, title: 'Upgrade' }, pullRequest: { url: `https://github.com/acme/payments-api/pull/${pr}`, number: pr }, findings: [{ id: findingId }] });

async function setup() {
  const clock = new FakeClock();
  const sim = createJiraSimulator({ baseUrl: SIM_BASE_URL, now: () => clock.now(), log: () => undefined });
  const platform = makeTestPlatform({ sim, clock, siteUrl: 'https://acme.atlassian.net' });
  await seedDemoConfiguration(platform);
  // Inline retry waits move the same clock.
  const options = { sleep: async (ms: number) => clock.advance(ms) };
  const control = (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) => simControl(sim, method, path, body);
  const run = (...events: BacklineEvent[]) => createAppProcessor(platform, options).process(events, { deadlineAt: clock.now() + 25_000 });
  const consumer = createAppConsumer(platform, options);
  const drain = () => platform.queue.drain((body, context) => consumer.handle(body, context), { clock, maxAttempts: 12 });
  const issuesOf = (findingId: string) => [...sim.state.issues.values()].filter((issue) => (issue.properties.backline as { findingId?: string } | undefined)?.findingId === findingId);
  return { clock, sim, platform, control, run, drain, issuesOf };
}

type Env = Awaited<ReturnType<typeof setup>>;

/** The events of a scenario, the fault that hits its route, and the status its issue must end in. */
async function scenario(env: Env, route: Route, tag: string): Promise<{ events: BacklineEvent[]; findings: string[]; status: string }> {
  const a = `fnd_${tag}_a`;
  const b = `fnd_${tag}_b`;
  const fault = (path: string) => env.control('POST', '/_sim/faults', { status: tag.includes('drop') ? 0 : 503, count: 1, after: 'commit', match: { method: 'POST', path } });
  if (route === 'create') {
    await fault('/rest/api/3/issue');
    return { events: [event('finding.created', { finding: finding(a) })], findings: [a], status: 'To Do' };
  }
  if (route === 'bulk') {
    await fault('/rest/api/3/issue/bulk');
    return { events: [event('finding.created', { finding: finding(a) }), event('finding.created', { finding: finding(b) })], findings: [a, b], status: 'To Do' };
  }
  // Comment and transition routes act on an issue that exists.
  const created = await env.run(event('finding.created', { finding: finding(a) }));
  const issueId = created[0]?.issues?.[0]?.id ?? '';
  if (route === 'comment') {
    // The first PR moves the issue (transition with comment); the second one only comments.
    await env.run(prOpened(a, 1));
    await fault(`/rest/api/3/issue/${issueId}/comment`);
    return { events: [prOpened(a, 2)], findings: [a], status: 'In Progress' };
  }
  await fault(`/rest/api/3/issue/${issueId}/transitions`);
  return { events: [prOpened(a, 1)], findings: [a], status: 'In Progress' };
}

async function expectKeptPromises(env: Env, events: BacklineEvent[], findings: string[], status: string): Promise<void> {
  const report = await env.drain();
  expect(report.failed).toEqual([]);
  for (const findingId of findings) {
    const issues = env.issuesOf(findingId);
    // One issue per finding (a healed duplicate would no longer carry the finding's property, so also count open ones).
    expect(issues.map((issue) => issue.key)).toHaveLength(1);
    const issue = issues[0];
    expect(env.sim.state.statuses.find((s) => s.id === issue?.statusId)?.name).toBe(status);
    const texts = (issue?.comments ?? []).map((comment) => adfToText(comment.body));
    expect(texts.filter((text, index) => texts.indexOf(text) !== index)).toEqual([]);
  }
  // No duplicate was created at all (none to heal): every issue in Jira is some finding's one issue.
  expect(env.sim.state.issues.size).toBe(findings.length);
  // No event lost: each one recorded as applied, no dead letter.
  for (const e of events) expect(await env.platform.store.get(eventRecordKey(e.id))).toBeDefined();
  expect((await env.platform.store.list(DEAD_LETTER_PREFIX, { limit: 10 })).items).toEqual([]);
}

describe.each(ROUTES)('saved, then failed: %s', (route) => {
  test.each(LAGS.flatMap((lag) => [false, true].flatMap((redeliver) => ['5xx', 'drop'].map((kind) => [lag, redeliver, kind] as const))))(
    'search lag %d ms, redelivered %s, %s',
    async (lag, redeliver, kind) => {
      const env = await setup();
      await env.control('POST', '/_sim/search-lag', { ms: lag });
      const tag = `${route}_${lag}_${redeliver ? 'again' : 'once'}_${kind}`;
      const { events, findings, status } = await scenario(env, route, tag);
      const before = env.sim.stats.requests;
      const first = await env.run(...events);
      // The fault fired: the write was saved and answered with an error (or not at all).
      expect(env.sim.log.filter((entry) => entry.method === 'POST' && entry.status === (kind === 'drop' ? 0 : 503))).toHaveLength(1);
      // Never reported created by the failed attempt: queued for a later look, or found at once and applied.
      expect(first.every((r) => r.status === 'queued' || r.status === 'updated')).toBe(true);
      // Backline delivers the same events again right away (any answer but a second issue).
      if (redeliver) await env.run(...events);
      await expectKeptPromises(env, events, findings, status);
      if (redeliver) {
        // Backline delivers once more after everything settled: all duplicates, no Jira call.
        const settled = env.sim.stats.requests;
        expect((await env.run(...events)).map((r) => r.status)).toEqual(events.map(() => 'duplicate'));
        expect(env.sim.stats.requests).toBe(settled);
      }
      if (route === 'create' && !redeliver && kind === '5xx') console.log(`ambiguous create, search lag ${lag} ms: ${env.sim.stats.requests - before} Jira requests in all`);
    },
  );
});
