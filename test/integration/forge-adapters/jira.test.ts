/** The Jira transport over the real @forge/api, routed by the local host: asApp vs asUser, path safety, response parsing. */
import { forgeAppJira, forgeUserJira } from '../../../src/forge/adapters/jira';
import { runInvocation, type ForgeHost } from '../../../dev/forge-host';
import { fakeJira, startHost } from '../runtime/helpers';

let host: ForgeHost;
let jira: ReturnType<typeof fakeJira>;

beforeEach(() => {
  host = startHost();
  jira = fakeJira();
  host.setJira(jira.backend);
});
afterEach(() => host.close());

const asUserInvocation = <T>(accountId: string, fn: () => Promise<T>) =>
  runInvocation({ functionKey: 'resolver', moduleKey: 'backline-admin', accountId, invocationId: 'i1' }, fn);

it('sends the path, method and JSON body as the app, without a user', async () => {
  const response = await forgeAppJira().request({ method: 'POST', path: '/rest/api/3/issue?updateHistory=false', body: { fields: { summary: 'x' } } });
  expect(response.status).toBe(200);
  expect(response.headers['x-ratelimit-remaining']).toBe('99');
  expect(response.body).toEqual({ method: 'POST', path: '/jira/rest/api/3/issue?updateHistory=false', asUser: null, body: { fields: { summary: 'x' } } });
  expect(jira.requests[0].headers.get('content-type')).toBe('application/json');
});

it('acts as the invoking user with asUser()', async () => {
  const response = await asUserInvocation('557058:sim-sec-admin', () => forgeUserJira().request({ method: 'GET', path: '/rest/api/3/mypermissions?projectKey=SEC&permissions=ADMINISTER_PROJECTS' }));
  expect((response.body as { asUser: string }).asUser).toBe('557058:sim-sec-admin');
});

it('fails asUser() where Forge has no user (web triggers, consumers)', async () => {
  await expect(forgeUserJira().request({ method: 'GET', path: '/rest/api/3/myself' })).rejects.toThrow(/Authentication Required/);
});

it('passes non-JSON bodies through as text', async () => {
  const response = await forgeAppJira().request({ method: 'GET', path: '/rest/api/3/plain' });
  expect(response).toEqual({ status: 502, headers: expect.objectContaining({ 'x-thing': 'y' }), body: 'not json' });
});

it('refuses paths outside the REST API before sending anything', async () => {
  for (const path of ['/secure/admin', 'https://evil.example/rest/api/3', '/rest/api/3/../../admin', '/rest/api/3/%2e%2e/x']) {
    await expect(forgeAppJira().request({ method: 'GET', path })).rejects.toThrow(/outside \/rest\//);
  }
  expect(jira.requests).toHaveLength(0);
});
