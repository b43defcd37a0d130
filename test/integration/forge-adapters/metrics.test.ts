/**
 * Counters through the real `@forge/metrics` over the local host, which
 * records what the package hands the Forge runtime
 * (`internalAppMetrics.<name>`); and Jira's 429s counted by the Jira adapter.
 */
import { runInvocation, type ForgeHost } from '../../../dev/forge-host';
import { forgeAppJira } from '../../../src/forge/adapters/jira';
import { forgeMetrics } from '../../../src/forge/adapters/metrics';
import { fakeJira, startHost } from '../runtime/helpers';

let host: ForgeHost;
beforeEach(() => {
  host = startHost();
  host.setJira(fakeJira().backend);
});
afterEach(() => host.close());

const inInvocation = <T>(fn: () => Promise<T>) => runInvocation({ functionKey: 'webtrigger', moduleKey: 'backline-events', invocationId: 'i1' }, fn);

it('counts reach the Forge runtime under the names registered in the developer console', async () => {
  const metrics = forgeMetrics();
  await inInvocation(async () => {
    metrics.count('events-applied');
    metrics.count('events-applied', 2);
    metrics.count('events-failed');
  });
  expect(host.metrics()).toEqual({ 'internalAppMetrics.events-applied': 3, 'internalAppMetrics.events-failed': 1 });
});

it('a 429 from Jira is counted once per refused request; other answers are not', async () => {
  const metrics = forgeMetrics();
  const jira = forgeAppJira(metrics);
  await inInvocation(async () => {
    expect((await jira.request({ method: 'GET', path: '/rest/api/3/resolution/search?limited=1' })).status).toBe(429);
    expect((await jira.request({ method: 'GET', path: '/rest/api/3/resolution/search' })).status).toBe(200);
  });
  expect(host.metrics()).toEqual({ 'internalAppMetrics.jira-rate-limited': 1 });
});
