/** A core platform on the in-process Jira simulator with the demo configuration, and a fake Slack. */
import { createJiraSimulator } from '../../../dev/jira-sim';
import { seedDemoConfiguration } from '../../../dev/demo-config';
import { eventSchema, type BacklineEvent } from '../../../src/core/events/schema';
import type { HttpPoster } from '../../../src/core/ports';
import { createAppProcessor } from '../../../src/core/engine';
import { SIM_BASE_URL, makeTestPlatform, simControl } from '../../fakes';

export class FakeSlack implements HttpPoster {
  readonly posts: Array<{ url: string; text: string }> = [];
  async postJson(url: string, body: unknown): Promise<number> {
    this.posts.push({ url, text: (body as { text: string }).text });
    return 200;
  }
}

export async function setup() {
  const sim = createJiraSimulator({ baseUrl: SIM_BASE_URL });
  const slack = new FakeSlack();
  const platform = makeTestPlatform({ sim, http: slack });
  await seedDemoConfiguration(platform);
  const run = (...events: BacklineEvent[]) => createAppProcessor(platform, { sleep: async () => undefined }).process(events, { deadlineAt: platform.clock.now() + 25_000 });
  const control = (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) => simControl(sim, method, path, body);
  return { sim, platform, slack, run, control };
}

let n = 0;
export function event(type: string, data: unknown, id = `evt_f${++n}`): BacklineEvent {
  return eventSchema.parse({ id, type, occurredAt: new Date(Date.parse('2026-11-28T10:00:00Z') + n * 1000).toISOString(), data });
}

export const finding = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  title: `Finding ${id}`,
  severity: 'high',
  category: 'sca',
  cveIds: ['CVE-2020-8203'],
  repository: { name: 'acme/payments-api' },
  ...extra,
});

export const prData = (findingIds: string[], number = 311) => ({
  remediation: { id: 'rem_42', title: 'Upgrade lodash' },
  pullRequest: { url: `https://github.com/acme/payments-api/pull/${number}`, number },
  findings: findingIds.map((id) => ({ id })),
});
