/** The failures resolvers' gate: Jira administrators only, checked as the user before anything else. */
import { SIM_USERS } from '../../../dev/jira-sim';
import { createAppConsumer } from '../../../src/core/engine';
import { dispatchFailureCall } from '../../../src/core/failures/services';
import { SLACK_SECRET_KEY } from '../../../src/core/failures/notifications';
import { simTransport } from '../../fakes';
import { event, finding, setup } from './harness';

const URL_OK = 'https://hooks.slack.com/services/T9/B9/resolver';

test('a project administrator who is not a Jira administrator is refused, and nothing runs', async () => {
  const h = await setup();
  const caller = { accountId: SIM_USERS.appAdmin.accountId, jiraAsUser: simTransport(h.sim, SIM_USERS.appAdmin.accountId) };
  expect(await dispatchFailureCall('notifications/set', { url: URL_OK }, h.platform, caller)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  expect(await h.platform.secrets.get(SLACK_SECRET_KEY)).toBeUndefined();
  expect(await dispatchFailureCall('deadletters/list', {}, h.platform, caller)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  expect(await dispatchFailureCall('activity/list', {}, h.platform, { accountId: '', jiraAsUser: caller.jiraAsUser })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
});

test('a Jira administrator sets the webhook (validated), lists and discards dead letters', async () => {
  const h = await setup();
  const admin = { accountId: SIM_USERS.siteAdmin.accountId, jiraAsUser: simTransport(h.sim, SIM_USERS.siteAdmin.accountId) };
  expect(await dispatchFailureCall('notifications/set', { url: 'https://hooks.slack.com.evil.example/services/x' }, h.platform, admin)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  const set = await dispatchFailureCall('notifications/set', { url: URL_OK }, h.platform, admin);
  expect(set).toMatchObject({ ok: true, data: { configured: true } });
  expect(JSON.stringify(set)).not.toContain('resolver');

  await h.control('POST', '/_sim/fields', { project: 'SEC', issueType: 'Vulnerability', removeFromScreen: 'Repository' });
  const [result] = await h.run(event('finding.created', { finding: finding('fnd_r1') }, 'evt_r1'));
  expect(result?.status).toBe('failed');
  const list = await dispatchFailureCall('deadletters/list', { projectKey: 'SEC' }, h.platform, admin);
  expect(list).toMatchObject({ ok: true, data: { total: 1, items: [{ eventId: 'evt_r1', projectKey: 'SEC' }] } });
  expect(h.slack.posts).toHaveLength(1);
  expect(await dispatchFailureCall('deadletters/discard', { eventIds: ['evt_r1'] }, h.platform, admin)).toMatchObject({ ok: true, data: { discarded: 1 } });
  expect(await dispatchFailureCall('deadletters/list', {}, h.platform, admin)).toMatchObject({ ok: true, data: { total: 0 } });
  expect(await dispatchFailureCall('deadletters/retry', { eventIds: ['bad id!'] }, h.platform, admin)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
});

test('the queue consumer keeps what it gives up on, even a message that is not an event, and the admin lists and discards it', async () => {
  const h = await setup();
  const admin = { accountId: SIM_USERS.siteAdmin.accountId, jiraAsUser: simTransport(h.sim, SIM_USERS.siteAdmin.accountId) };
  const consumer = createAppConsumer(h.platform, { sleep: async () => undefined });

  await consumer.handle({ kind: 'backline-event', event: { id: 'evt_garbled', type: 'finding.created', data: 'not an object' }, enqueuedAt: 0 });
  await consumer.handle({ kind: 'something-else' });
  // A final failure after the queue's retries: kept with its retry count.
  await h.control('POST', '/_sim/fields', { project: 'SEC', issueType: 'Vulnerability', removeFromScreen: 'Repository' });
  await consumer.handle({ kind: 'backline-event', event: event('finding.created', { finding: finding('fnd_q1') }, 'evt_q1'), enqueuedAt: 0 }, { retryCount: 3 });

  const list = await dispatchFailureCall('deadletters/list', {}, h.platform, admin);
  if (!list.ok) throw new Error('list refused');
  const items = (list.data as { items: Array<{ eventId: string; type: string; source: string; retries: number; error?: { code: string } }> }).items;
  expect(items).toHaveLength(3);
  expect(items).toContainEqual(expect.objectContaining({ eventId: 'evt_garbled', type: 'unreadable', source: 'consumer', error: expect.objectContaining({ code: 'INVALID_EVENT' }) }));
  expect(items).toContainEqual(expect.objectContaining({ eventId: 'evt_q1', type: 'finding.created', source: 'consumer', retries: 3 }));
  const anonymous = items.find((item) => item.eventId.startsWith('unreadable-'));
  expect(anonymous).toMatchObject({ type: 'unreadable', error: { code: 'INVALID_EVENT' } });

  // Unreadable ones cannot be retried, only discarded; discarding removes them from the list.
  expect(await dispatchFailureCall('deadletters/retry', { eventIds: ['evt_garbled'] }, h.platform, admin)).toMatchObject({ ok: true, data: { outcomes: [{ eventId: 'evt_garbled', status: 'unreadable' }] } });
  expect(await dispatchFailureCall('deadletters/discard', { eventIds: ['evt_garbled', anonymous?.eventId ?? ''] }, h.platform, admin)).toMatchObject({ ok: true, data: { discarded: 2 } });
  expect(await dispatchFailureCall('deadletters/list', {}, h.platform, admin)).toMatchObject({ ok: true, data: { total: 1 } });
});
