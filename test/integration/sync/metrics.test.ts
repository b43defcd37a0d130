/**
 * The engine counts what each event came to (docs/observability.md): applied,
 * failed, queued. The counters feed the vendor's dashboards through Forge
 * custom metrics; here a recording `Metrics` stands in.
 */
import type { MetricName, Metrics } from '../../../src/core/ports';
import { event, finding, setup } from './harness';

function recording(): Metrics & { counts: Partial<Record<MetricName, number>> } {
  const counts: Partial<Record<MetricName, number>> = {};
  return { counts, count: (name, by = 1) => void (counts[name] = (counts[name] ?? 0) + by) };
}

it('applied and queued events are counted; a redelivery (answered from the record) and a skipped event are not', async () => {
  const h = await setup();
  const metrics = recording();
  h.platform.metrics = metrics;
  const created = event('finding.created', { finding: finding('fnd_metrics') });
  expect((await h.run(created))[0]?.status).toBe('created');
  expect((await h.run(created))[0]?.status).toBe('duplicate');
  expect((await h.run(event('remediation.resolved', { remediation: { id: 'rem_unknown' }, findings: [{ id: 'fnd_never_seen' }] })))[0]?.status).toBe('skipped');
  expect(metrics.counts).toEqual({ 'events-applied': 1 });

  // Jira keeps answering 503: the event is queued for a later attempt.
  await h.control('POST', '/_sim/faults', { status: 503, count: 50, match: { method: 'POST', path: '/rest/api/3/issue' } });
  expect((await h.run(event('finding.created', { finding: finding('fnd_refused') })))[0]?.status).toBe('queued');
  expect(metrics.counts).toEqual({ 'events-applied': 1, 'events-queued': 1 });
  await h.control('DELETE', '/_sim/faults');
  // Jira rate-limits: the event is queued for later.
  await h.control('POST', '/_sim/faults', { status: 429, count: 50, retryAfter: 30, match: { method: 'POST', path: '/rest/api/3/issue' } });
  expect((await h.run(event('finding.created', { finding: finding('fnd_limited') })))[0]?.status).toBe('queued');
  expect(metrics.counts).toEqual({ 'events-applied': 1, 'events-queued': 2 });
});

it('an event Jira refuses for good counts as failed', async () => {
  const h = await setup();
  const metrics = recording();
  h.platform.metrics = metrics;
  await h.control('POST', '/_sim/permissions', { accountId: '557058:sim-app-backline', project: 'SEC', remove: ['CREATE_ISSUES'] });
  const result = (await h.run(event('finding.created', { finding: finding('fnd_forbidden') })))[0];
  expect(result).toMatchObject({ status: 'failed', error: { retryable: false } });
  expect(metrics.counts).toEqual({ 'events-failed': 1 });
});

it('a platform without metrics counts nothing and applies the same', async () => {
  const h = await setup();
  expect((await h.run(event('finding.created', { finding: finding('fnd_plain') })))[0]?.status).toBe('created');
});
