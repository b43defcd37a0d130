/**
 * A Jira administrator's permission decision is remembered per user for at
 * most five minutes (src/core/admin/access.ts): stored data (Activity, Dead
 * letters) stays readable while Jira answers 503 or 429, a refusal is never
 * remembered, and one user's grant never lets another in.
 */
import { SIM_USERS } from '../../../dev/jira-sim';
import { ACCESS_GRANT_TTL_MS } from '../../../src/core/admin/access';
import { dispatchFailureCall } from '../../../src/core/failures/services';
import { simTransport } from '../../fakes';
import { setup } from '../failures/harness';

type Harness = Awaited<ReturnType<typeof setup>>;

function caller(h: Harness, user: keyof typeof SIM_USERS) {
  return { accountId: SIM_USERS[user].accountId, jiraAsUser: simTransport(h.sim, SIM_USERS[user].accountId) };
}

async function permissionChecks(h: Harness): Promise<number> {
  const log = (await h.control('GET', '/_sim/requests')) as { requests?: Array<{ path: string }> } | Array<{ path: string }>;
  const requests = Array.isArray(log) ? log : (log.requests ?? []);
  return requests.filter((r) => r.path.includes('/mypermissions')).length;
}

test('an administrator who opened the page reads Activity and Dead letters while Jira answers 503, then 429', async () => {
  const h = await setup();
  const admin = caller(h, 'siteAdmin');
  expect(await dispatchFailureCall('activity/list', {}, h.platform, admin)).toMatchObject({ ok: true });
  expect(await permissionChecks(h)).toBe(1);

  await h.control('POST', '/_sim/faults', { status: 503, count: 100 });
  expect(await dispatchFailureCall('activity/list', {}, h.platform, admin)).toMatchObject({ ok: true });
  expect(await dispatchFailureCall('deadletters/list', {}, h.platform, admin)).toMatchObject({ ok: true, data: { total: 0 } });
  await h.control('DELETE', '/_sim/faults');
  await h.control('POST', '/_sim/faults', { status: 429, count: 100, retryAfter: 120 });
  expect(await dispatchFailureCall('deadletters/list', {}, h.platform, admin)).toMatchObject({ ok: true });
  // Every one of those answered from the remembered grant: Jira was asked once.
  expect(await permissionChecks(h)).toBe(1);
});

test('the grant ends after five minutes: Jira is asked again, and its refusal to answer says when to come back', async () => {
  const h = await setup();
  const admin = caller(h, 'siteAdmin');
  expect(await dispatchFailureCall('activity/list', {}, h.platform, admin)).toMatchObject({ ok: true });
  h.platform.clock.advance(ACCESS_GRANT_TTL_MS - 1);
  expect(await dispatchFailureCall('activity/list', {}, h.platform, admin)).toMatchObject({ ok: true });
  expect(await permissionChecks(h)).toBe(1);

  h.platform.clock.advance(1);
  await h.control('POST', '/_sim/faults', { status: 429, count: 100, retryAfter: 180 });
  const refused = await dispatchFailureCall('activity/list', {}, h.platform, admin);
  expect(refused).toMatchObject({ ok: false, error: { code: 'JIRA_UNAVAILABLE', message: expect.stringContaining('in about 3 minutes') } });
  expect(refused.ok ? undefined : refused.error.retryAt).toBe(new Date(h.platform.clock.now() + 180_000).toISOString());
});

test('a refusal is not remembered, and one user’s grant never covers another', async () => {
  const h = await setup();
  expect(await dispatchFailureCall('activity/list', {}, h.platform, caller(h, 'siteAdmin'))).toMatchObject({ ok: true });
  const plain = caller(h, 'plainUser');
  expect(await dispatchFailureCall('activity/list', {}, h.platform, plain)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  expect(await dispatchFailureCall('activity/list', {}, h.platform, plain)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  // Asked each time: the admin once, the plain user twice.
  expect(await permissionChecks(h)).toBe(3);
  // With Jira down, the plain user gets no data either.
  await h.control('POST', '/_sim/faults', { status: 503, count: 100 });
  expect(await dispatchFailureCall('deadletters/list', {}, h.platform, plain)).toMatchObject({ ok: false, error: { code: 'JIRA_UNAVAILABLE' } });
});
