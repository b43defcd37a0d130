/** Shared set-up for the local runtime and Forge adapter tests: a Forge host on a temp STATE_DIR with a movable clock. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { installForgeHost, loadManifest, simulatorBackend, type ForgeHost, type ForgeHostOptions } from '../../../dev/forge-host';
import type { LocalQueueOptions } from '../../../dev/forge-host/queue';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const manifest = loadManifest(path.join(REPO_ROOT, 'manifest.yml'));

export function tempStateDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'backline-state-'));
}

export class FakeClock {
  constructor(public t = Date.UTC(2026, 10, 28, 12, 0, 0)) {}
  now = () => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Headers;
  body: string;
}

/** A tiny stand-in for the Jira simulator: records requests, answers serverInfo and echoes everything else. */
export function fakeJira(baseUrl = 'http://localhost:9999/jira') {
  const requests: RecordedRequest[] = [];
  const handler = {
    async handle(request: Request): Promise<Response> {
      const body = await request.text();
      requests.push({ method: request.method, url: request.url, headers: request.headers, body });
      const url = new URL(request.url);
      // `?plain` stands for a gateway page in place of Jira's JSON (a 502 from a proxy, say).
      if (url.searchParams.has('plain')) return new Response('not json', { status: 502, headers: { 'X-Thing': 'y' } });
      // `?limited` stands for Jira's rate limiter refusing the request.
      if (url.searchParams.has('limited')) return Response.json({ errorMessages: ['Rate limit exceeded.'] }, { status: 429, headers: { 'Retry-After': '5' } });
      if (url.pathname.endsWith('/rest/api/3/serverInfo')) return Response.json({ baseUrl, deploymentType: 'Cloud' });
      return Response.json(
        { method: request.method, path: url.pathname + url.search, asUser: request.headers.get('x-sim-account-id'), body: body ? (JSON.parse(body) as unknown) : null },
        { headers: { 'X-RateLimit-Remaining': '99' } },
      );
    },
  };
  return { handler, requests, backend: simulatorBackend(handler, baseUrl) };
}

export function startHost(
  options: { stateDir?: string; clock?: FakeClock; reset?: boolean; queue?: Omit<LocalQueueOptions, 'file' | 'reset'>; kvs?: ForgeHostOptions['kvs'] } = {},
): ForgeHost & { stateDir: string } {
  const stateDir = options.stateDir ?? tempStateDir();
  const host = installForgeHost({
    stateDir,
    manifest,
    reset: options.reset ?? false,
    ...(options.clock ? { now: options.clock.now } : {}),
    ...(options.queue ? { queue: options.queue } : {}),
    ...(options.kvs ? { kvs: options.kvs } : {}),
  });
  return Object.assign(host, { stateDir });
}
