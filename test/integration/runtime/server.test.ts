/**
 * startLocalRuntime in process: the web trigger gets Forge's request shape,
 * /bridge/invoke calls the manifest's resolver as the acting user, pages carry
 * the module context and the act-as cookie.
 */
import { startLocalRuntime, type LocalRuntime } from '../../../dev/server';
import { sign } from '../../../dev/sign';
import { tempStateDir } from './helpers';

let runtime: LocalRuntime;
beforeAll(async () => {
  runtime = await startLocalRuntime({ port: 0, stateDir: tempStateDir(), reset: true, signingSecret: 'whsec_server_test', quiet: true, housekeepingIntervalMs: 0 });
});
afterAll(() => runtime.close());

const invoke = (functionKey: string, headers: Record<string, string> = {}) =>
  fetch(`${runtime.url}/bridge/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ functionKey, payload: {}, context: { moduleKey: 'backline-admin', extension: { type: 'jira:adminPage' } } }),
  });

it('answers a signed ping, and 405 with Allow for other methods, through the app handler', async () => {
  const body = JSON.stringify({ id: 'evt_srv_1', type: 'ping', occurredAt: new Date().toISOString(), data: {} });
  const ok = await fetch(runtime.webtriggerUrl, { method: 'POST', headers: { 'x-backline-signature': sign(runtime.signingSecret, body) }, body });
  expect(ok.status).toBe(200);
  const get = await fetch(runtime.webtriggerUrl);
  expect(get.status).toBe(405);
  expect(get.headers.get('allow')).toBe('POST');
});

it('calls resolvers as the acting user: the site admin by default, another user by header', async () => {
  const asAdmin = await invoke('projects/list');
  expect(asAdmin.status).toBe(200);
  expect(await asAdmin.json()).toMatchObject({ ok: true });
  expect(asAdmin.headers.get('x-local-acting-as')).toBe('557058:sim-site-admin');
  const asUser = await invoke('projects/list', { 'x-local-account-id': 'user' });
  expect(asUser.headers.get('x-local-acting-as')).toBe('557058:sim-plain-user');
  expect(await asUser.json()).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
});

it('serves pages with the module context and the acting user, remembered nowhere', async () => {
  const page = await fetch(`${runtime.url}/project-settings/SEC?as=sec-admin`);
  expect(page.headers.get('set-cookie')).toBeNull();
  const html = await page.text();
  if (page.status === 200) {
    expect(html).toContain('"type":"jira:projectSettingsPage"');
    expect(html).toContain('"key":"SEC"');
    expect(html).toContain('"accountId":"557058:sim-sec-admin"');
  } else {
    expect(html).toContain('npm run build:ui'); // the UI is not built in this checkout
  }
  expect((await fetch(`${runtime.url}/project-settings/NOPE`)).status).toBe(404);
  expect((await fetch(`${runtime.url}/admin?as=nobody!`)).status).toBe(400);
});
