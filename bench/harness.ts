/**
 * The benchmark's view of the app: the local runtime in this process (the
 * app's real Forge entry points on the local Forge stand-ins, the Jira
 * simulator behind `/jira`), driven over HTTP exactly as Backline drives the
 * web trigger: signed JSON bodies. Jira calls are counted by the simulator
 * (`/jira/_sim/stats`), storage calls by the local KVS stand-in.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLocalRuntime, type LocalRuntime } from '../dev/server';
import { sign, SIGNATURE_HEADER } from '../dev/sign';

export interface SimStats {
  requests: number;
  points: number;
  byRoute: Record<string, number>;
  contractViolations: number;
  rateLimited: number;
}

export interface Sent {
  status: number;
  ms: number;
  body: { results?: Array<{ eventId: string; status: string; issues?: Array<{ findingId: string; key: string }>; error?: { code: string; message: string } }> };
}

export interface Delta {
  /** Jira platform REST API requests (`/rest/api/…`), what every figure before the Security tab counted. */
  requests: number;
  points: number;
  /** Jira Software DevOps requests (Security tab, development panel: docs/security-tab.md), 1 point each. */
  devopsRequests: number;
  byRoute: Record<string, number>;
  /** Keys read (a batch of 4 is 4), write calls, and storage round trips (dev/forge-host/kvs-store.ts KvsCounters). */
  kvsReads: number;
  kvsWrites: number;
  kvsRoundTrips: number;
  kvsBatchCalls: number;
}

export class Bench {
  private constructor(
    readonly runtime: LocalRuntime,
    private readonly stateDir: string,
  ) {}

  static async start(latencyMs: number): Promise<Bench> {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-bench-'));
    const runtime = await startLocalRuntime({ port: 0, reset: true, stateDir, quiet: true, housekeepingIntervalMs: 0, signingSecret: 'whsec_bench_secret_0123456789abcdef' });
    const bench = new Bench(runtime, stateDir);
    if (latencyMs > 0) await bench.control('POST', '/_sim/faults', { latencyMs });
    return bench;
  }

  async close(): Promise<void> {
    await this.runtime.close();
    fs.rmSync(this.stateDir, { recursive: true, force: true });
  }

  async control<T = unknown>(method: 'GET' | 'POST' | 'DELETE', simPath: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.runtime.url}/jira${simPath}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`simulator ${method} ${simPath} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }

  stats(): Promise<SimStats> {
    return this.control<SimStats>('GET', '/_sim/stats');
  }

  /** POSTs a signed body to the web trigger; answers status, parsed body and wall time. */
  async send(payload: unknown): Promise<Sent> {
    const body = JSON.stringify(payload);
    const started = performance.now();
    const response = await fetch(this.runtime.webtriggerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(this.runtime.signingSecret, body) },
      body,
    });
    const text = await response.text();
    const ms = performance.now() - started;
    return { status: response.status, ms, body: JSON.parse(text) as Sent['body'] };
  }

  /** Runs `fn` and answers the Jira requests, points and KVS calls it caused (queue work included when `idle`). */
  async measure<T>(fn: () => Promise<T>, options: { idle?: boolean } = {}): Promise<{ value: T; delta: Delta }> {
    if (options.idle) await this.runtime.waitForQueueIdle();
    const before = await this.stats();
    const kvs = this.runtime.host.kvs.counters;
    const kvsBefore = { ...kvs };
    const value = await fn();
    if (options.idle) await this.runtime.waitForQueueIdle();
    const after = await this.stats();
    const byRoute: Record<string, number> = {};
    let devopsRequests = 0;
    for (const [route, n] of Object.entries(after.byRoute)) {
      const d = n - (before.byRoute[route] ?? 0);
      if (d > 0) byRoute[route] = d;
      if (d > 0 && isDevopsRoute(route)) devopsRequests += d;
    }
    return {
      value,
      delta: {
        requests: after.requests - before.requests - devopsRequests,
        points: after.points - before.points - devopsRequests,
        devopsRequests,
        byRoute,
        kvsReads: kvs.reads - kvsBefore.reads,
        kvsWrites: kvs.writes - kvsBefore.writes,
        kvsRoundTrips: kvs.roundTrips - kvsBefore.roundTrips,
        kvsBatchCalls: kvs.batchCalls - kvsBefore.batchCalls,
      },
    };
  }
}

/** A simulator route of Jira Software's DevOps APIs (`POST /rest/security/1.0/bulk`, …). */
export function isDevopsRoute(route: string): boolean {
  return / \/rest\/(security|devinfo)\//.test(route);
}

// ---------------------------------------------------------------------------
// Event builders (docs/events.md §3–4)

let sequence = 0;
const runId = Date.now().toString(36);
const nextId = (prefix: string) => `${prefix}_${runId}_${++sequence}`;

/** A realistic SCA finding; severity and repository vary with the index so field values differ. */
export function finding(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const n = Number(/\d+$/.exec(id)?.[0] ?? 0);
  const severities = ['critical', 'high', 'medium', 'low'];
  return {
    id,
    title: `Prototype Pollution in lodash (${id})`,
    severity: severities[n % severities.length],
    category: 'sca',
    cvssScore: 7.4,
    cveIds: ['CVE-2020-8203'],
    cweIds: ['CWE-1321'],
    scanner: 'snyk',
    url: `https://app.backline.ai/findings/${id}`,
    repository: { name: `acme/service-${n % 7}`, url: `https://github.com/acme/service-${n % 7}` },
    location: { path: 'package-lock.json' },
    package: { ecosystem: 'npm', name: 'lodash', version: '4.17.15', fixedVersion: '4.17.21' },
    slaDueDate: '2026-12-28',
    description: 'Versions of `lodash` before 4.17.19 are vulnerable to **prototype pollution** via `zipObjectDeep`.',
    ...extra,
  };
}

let clockMs = Date.parse('2026-11-28T10:00:00Z');
/** Strictly increasing occurredAt, so no event is stale by accident. */
const occurredAt = () => new Date((clockMs += 1000)).toISOString();

export interface BacklineEventBody {
  id: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

export function event(type: string, data: Record<string, unknown>, id = nextId('evt')): BacklineEventBody {
  return { id, type, occurredAt: occurredAt(), data };
}

export function pullRequest(findingId: string, number: number) {
  return {
    remediation: { id: `rem_${findingId}`, title: 'Upgrade lodash to 4.17.21', mode: 'automated' },
    pullRequest: { url: `https://github.com/acme/payments-api/pull/${number}`, number, title: 'fix: upgrade lodash to 4.17.21', repository: 'acme/payments-api' },
  };
}

export const newFindingId = (prefix = 'fnd') => nextId(prefix);

/**
 * One new finding's whole lifecycle (created → PR opened → merged → resolved),
 * the events that warm every cache a steady-state event relies on: create
 * metadata, the workflow graph of every status the lifecycle visits, the site URL.
 */
/** One finding's lifecycle: created, PR opened, PR merged, remediation verified. */
export function lifecycleOf(findingId: string, prNumber: number): BacklineEventBody[] {
  const pr = pullRequest(findingId, prNumber);
  return [
    event('finding.created', { finding: finding(findingId) }),
    event('remediation.pr_opened', { ...pr, findings: [{ id: findingId }] }),
    event('remediation.pr_merged', { ...pr, findings: [{ id: findingId }] }),
    event('remediation.resolved', { remediation: pr.remediation, findings: [{ id: findingId }] }),
  ];
}

export function warmUpLifecycle(): BacklineEventBody[] {
  return lifecycleOf(newFindingId('fnd_warm'), 1);
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}
