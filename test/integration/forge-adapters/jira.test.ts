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
  await expect(forgeUserJira().request({ method: 'GET', path: '/rest/api/3/serverInfo' })).rejects.toThrow(/Authentication Required/);
});

it('passes non-JSON bodies through as text', async () => {
  const response = await forgeAppJira().request({ method: 'GET', path: '/rest/api/3/resolution/search?plain=1' });
  expect(response).toEqual({ status: 502, headers: expect.objectContaining({ 'x-thing': 'y' }), body: 'not json' });
});

it('sends each call through its route table entry: segments as the core encoded them, the query as built', async () => {
  await forgeAppJira().request({ method: 'PUT', path: '/rest/api/3/issue/SEC-1/properties/backline', body: { a: 1 } });
  await forgeAppJira().request({ method: 'GET', path: `/rest/api/3/issue/createmeta/${encodeURIComponent('A B')}/issuetypes/10001?startAt=0&maxResults=50` });
  await forgeAppJira().request({ method: 'POST', path: '/rest/api/3/search/jql', body: { jql: 'project = SEC' } });
  expect(jira.requests.map((r) => `${r.method} ${new URL(r.url).pathname}${new URL(r.url).search}`)).toEqual([
    'PUT /jira/rest/api/3/issue/SEC-1/properties/backline',
    'GET /jira/rest/api/3/issue/createmeta/A%20B/issuetypes/10001?startAt=0&maxResults=50',
    'POST /jira/rest/api/3/search/jql',
  ]);
});

it('refuses a call the route table does not know, so every call stays visible to forge lint', async () => {
  await expect(forgeAppJira().request({ method: 'GET', path: '/rest/api/3/priority/search' })).rejects.toThrow(/No Jira route for GET \/rest\/api\/3\/priority\/search/);
  await expect(forgeAppJira().request({ method: 'DELETE', path: '/rest/api/3/issue/SEC-1' })).rejects.toThrow(/No Jira route/);
  // `route` itself refuses a segment that could climb out of the path, encoded slashes or not.
  await expect(forgeAppJira().request({ method: 'GET', path: '/rest/api/3/issue/SEC-1%2F..%2F..%2Fadmin' })).rejects.toThrow(/path manipulation/);
  expect(jira.requests).toHaveLength(0);
});

it('refuses paths outside the REST API before sending anything', async () => {
  for (const path of ['/secure/admin', 'https://evil.example/rest/api/3', '/rest/api/3/../../admin', '/rest/api/3/%2e%2e/x']) {
    await expect(forgeAppJira().request({ method: 'GET', path })).rejects.toThrow(/outside \/rest\//);
  }
  expect(jira.requests).toHaveLength(0);
});
