/** forgePlatform(): everything wired, and the site URL read from serverInfo once per invocation. */
import { forgePlatform } from '../../../src/forge/adapters/platform';
import type { ForgeHost } from '../../../dev/forge-host';
import { fakeJira, startHost } from '../runtime/helpers';

let host: ForgeHost;
let jira: ReturnType<typeof fakeJira>;
beforeEach(() => {
  host = startHost();
  jira = fakeJira('https://acme.atlassian.net/');
  host.setJira(jira.backend);
});
afterEach(() => host.close());

it('answers the site URL from serverInfo, asking Jira once per platform', async () => {
  const platform = forgePlatform();
  expect(await platform.siteUrl()).toBe('https://acme.atlassian.net');
  expect(await platform.siteUrl()).toBe('https://acme.atlassian.net');
  expect(jira.requests.filter((r) => new URL(r.url).pathname.endsWith('/rest/api/3/serverInfo'))).toHaveLength(1);
  expect(jira.requests[0].headers.get('x-sim-account-id')).toBeNull();
});

it('wires storage, secrets and the queue to Forge', async () => {
  const platform = forgePlatform();
  await platform.store.set('a', 1);
  await platform.secrets.set('s', 'v');
  await platform.queue.push([{ body: { n: 1 } }]);
  expect(await platform.store.get('a')).toBe(1);
  expect(await platform.secrets.get('s')).toBe('v');
  expect(host.queue.pending.map((e) => e.queueName)).toEqual(['backline-sync']);
  expect(platform.http).toBeDefined();
});
