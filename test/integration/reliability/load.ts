/** The load run shared by `npm run load` (scripts/load.ts) and its CI-sized jest variant. */
import { createJiraSimulator } from '../../../dev/jira-sim';
import { simulatorBackend } from '../../../dev/forge-host';
import { startLocalRuntime } from '../../../dev/server';
import { sign } from '../../../dev/sign';

export interface LoadFigures {
  ok: boolean;
  findings: number;
  batches: number;
  httpStatuses: Record<string, number>;
  resultStatuses: Record<string, number>;
  issues: number;
  findingsWithoutExactlyOneIssue: number;
  jiraRequests: number;
  rateLimited: number;
  seconds: number;
  findingsPerSecond: number;
  rssMiB: { start: number; max: number; end: number };
  heapUsedMiB: { start: number; max: number; end: number };
}

const mib = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;

export async function runLoad(options: { total: number; stateDir: string; batchSize?: number; log?: (line: string) => void }): Promise<LoadFigures> {
  const log = options.log ?? (() => undefined);
  const batchSize = options.batchSize ?? 100;
  const secret = 'whsec_load_0123456789';
  const base = 'http://jira.load.test/jira';
  const sim = createJiraSimulator({ baseUrl: base, log: () => undefined });
  const runtime = await startLocalRuntime({ port: 0, reset: true, stateDir: options.stateDir, quiet: true, signingSecret: secret, housekeepingIntervalMs: 0, queueDelayScale: 0.01 });
  runtime.host.setJira(simulatorBackend(sim, base));
  // Jira's own rate limits stay on; the budget is raised as a site with a higher tier would have it.
  sim.setQuota(1_000_000);
  const rss = { start: process.memoryUsage().rss, max: 0 };
  const heap = { start: process.memoryUsage().heapUsed, max: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    rss.max = Math.max(rss.max, m.rss);
    heap.max = Math.max(heap.max, m.heapUsed);
  };
  const sampler = setInterval(sample, 100);
  const httpStatuses: Record<string, number> = {};
  const resultStatuses: Record<string, number> = {};
  const started = Date.now();
  const run = `ld${started.toString(36)}`;
  try {
    for (let b = 0; b * batchSize < options.total; b++) {
      const events = [];
      for (let i = b * batchSize; i < Math.min(options.total, (b + 1) * batchSize); i++) {
        events.push({
          id: `evt_${run}_${i}`,
          type: 'finding.created',
          occurredAt: '2026-11-28T10:00:00Z',
          data: { finding: { id: `fnd_${run}_${i}`, title: `Finding ${i}`, severity: (['critical', 'high', 'medium', 'low'] as const)[i % 4], category: 'sca', cveIds: [`CVE-2026-${1000 + (i % 9000)}`], repository: { name: 'acme/payments-api' }, description: `Finding **${i}** in \`lodash\`.` } },
        });
      }
      const raw = JSON.stringify({ events });
      for (let attempt = 0; ; attempt++) {
        const response = await fetch(runtime.webtriggerUrl, { method: 'POST', headers: { 'x-backline-signature': sign(secret, raw) }, body: raw });
        const body = (await response.json()) as { results?: Array<{ status: string }> };
        httpStatuses[response.status] = (httpStatuses[response.status] ?? 0) + 1;
        if (response.status === 200 || response.status === 202) {
          for (const r of body.results ?? []) resultStatuses[r.status] = (resultStatuses[r.status] ?? 0) + 1;
          break;
        }
        if (attempt > 20) throw new Error(`batch ${b}: HTTP ${response.status}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      if (b % 10 === 9) log(`sent ${(b + 1) * batchSize} findings, rss ${mib(process.memoryUsage().rss)} MiB`);
    }
    await runtime.waitForQueueIdle();
    sample();
    const counts = new Map<string, number>();
    for (const issue of sim.state.issues.values()) {
      const id = (issue.properties.backline as { findingId?: string } | undefined)?.findingId;
      if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    let wrong = 0;
    for (let i = 0; i < options.total; i++) if (counts.get(`fnd_${run}_${i}`) !== 1) wrong++;
    const seconds = (Date.now() - started) / 1000;
    const end = process.memoryUsage();
    return {
      ok: wrong === 0 && sim.state.issues.size === options.total && runtime.host.queue.deadLetters.length === 0,
      findings: options.total,
      batches: Math.ceil(options.total / batchSize),
      httpStatuses,
      resultStatuses,
      issues: sim.state.issues.size,
      findingsWithoutExactlyOneIssue: wrong,
      jiraRequests: sim.stats.requests,
      rateLimited: sim.stats.rateLimited,
      seconds: Math.round(seconds * 10) / 10,
      findingsPerSecond: Math.round(options.total / seconds),
      rssMiB: { start: mib(rss.start), max: mib(rss.max), end: mib(end.rss) },
      heapUsedMiB: { start: mib(heap.start), max: mib(heap.max), end: mib(end.heapUsed) },
    };
  } finally {
    clearInterval(sampler);
    await runtime.close();
  }
}
