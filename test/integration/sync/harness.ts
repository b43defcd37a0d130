import { createJiraSimulator } from '../../../dev/jira-sim';
import { seedDemoConfiguration } from '../../../dev/demo-config';
import type { BacklineEvent } from '../../../src/core/events/schema';
import { eventSchema } from '../../../src/core/events/schema';
import { CountingTransport } from '../../../src/core/jira/http';
import { createAppProcessor } from '../../../src/core/engine';
import type { JiraTransport } from '../../../src/core/ports';
import { createSyncConsumer } from '../../../src/core/sync/consumer';
import type { ProcessorOptions } from '../../../src/core/sync/processor';
import { SIM_BASE_URL, makeTestPlatform, simControl, simTransport, type TestPlatform } from '../../fakes';

/** `wrap`: a transport between the app and the simulator (a test's stand-in for a refusal the simulator lacks). */
export async function setup(options: ProcessorOptions = {}, wrap: (transport: JiraTransport) => JiraTransport = (transport) => transport) {
  const sim = createJiraSimulator({ baseUrl: SIM_BASE_URL });
  const direct = wrap(simTransport(sim));
  const counting = new CountingTransport(direct);
  // `counting` counts the platform REST API requests; the Security tab's and development panel's
  // (src/core/devops, docs/security-tab.md) go past it and are counted by their own tests.
  const jira: JiraTransport = { request: (request) => (/^\/rest\/(security|devinfo)\//.test(request.path) ? direct : counting).request(request) };
  const platform: TestPlatform = makeTestPlatform({ jira, siteUrl: 'https://acme.atlassian.net' });
  await seedDemoConfiguration(platform);
  const processorOptions: ProcessorOptions = { sleep: async () => undefined, ...options };
  const processor = () => createAppProcessor(platform, processorOptions);
  const run = async (...events: BacklineEvent[]) => processor().process(events, { deadlineAt: platform.clock.now() + 25_000 });
  const control = (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) => simControl(sim, method, path, body);
  const stats = async () => (await control('GET', '/_sim/stats')) as { requests: number; byRoute: Record<string, number>; contractViolations: number };
  const issues = async () => (await control('GET', '/_sim/issues')) as Array<{ key: string; fields: Record<string, any>; properties?: Record<string, any>; remoteLinks: unknown[] }>;
  const issue = async (key: string) => {
    const response = await counting.request({ method: 'GET', path: `/rest/api/3/issue/${key}?fields=status,resolution,comment,priority,summary` });
    return response.body as { fields: Record<string, any> };
  };
  return { sim, platform, processor, run, control, stats, issues, issue, counting };
}

let n = 0;
export function event(type: string, data: unknown, occurredAt = '2026-11-28T10:00:00Z', id = `evt_${++n}_${type.replace(/\./g, '_')}`): BacklineEvent {
  return eventSchema.parse({ id, type, occurredAt, data });
}

export const finding = (id = 'fnd_lodash_api', extra: Record<string, unknown> = {}) => ({
  id,
  title: 'Prototype Pollution in lodash',
  severity: 'high',
  category: 'sca',
  cvssScore: 7.4,
  cveIds: ['CVE-2020-8203'],
  scanner: 'snyk',
  url: `https://app.backline.ai/findings/${id}`,
  repository: { name: 'acme/payments-api' },
  slaDueDate: '2026-12-28',
  description: 'Versions of `lodash` before 4.17.19 are vulnerable to **prototype pollution**.',
  ...extra,
});

export const pr = (number = 311) => ({
  remediation: { id: 'rem_42', title: 'Upgrade lodash to 4.17.21', mode: 'automated' },
  pullRequest: { url: `https://github.com/acme/payments-api/pull/${number}`, number, title: 'fix: upgrade lodash' },
});

export type Harness = Awaited<ReturnType<typeof setup>>;

/**
 * Spends 200 points (another app's work on the shared pool), then leaves 40 of the hour:
 * under 20 %, so Jira marks every answer X-RateLimit-NearLimit (docs/performance.md "Under pressure").
 */
export async function leaveFortyPoints(h: Harness): Promise<void> {
  for (let i = 0; i < 200; i++) await h.counting.request({ method: 'GET', path: '/rest/api/3/myself' });
  const { points } = (await h.control('GET', '/_sim/stats')) as { points: number };
  await h.control('POST', '/_sim/quota', { pointsPerHour: points + 40 });
}

/** Runs every queued message through the queue consumer, in the order of their waits, until none is left (no dead letter allowed). */
export async function drainQueue(h: Harness): Promise<void> {
  const consumer = createSyncConsumer(h.platform, { keepDeadLetter: async (letter) => void expect(letter).toBeUndefined(), sleep: async () => undefined });
  while (h.platform.queue.pushes.length > 0) {
    const messages = h.platform.queue.pushes.flat().sort((a, b) => (a.delayInSeconds ?? 0) - (b.delayInSeconds ?? 0));
    h.platform.queue.pushes.length = 0;
    for (const message of messages) await consumer.handle(message.body);
  }
}
