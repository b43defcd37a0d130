/**
 * The local Forge platform: installs `globalThis.__forge_fetch__` (and the
 * minimal `__forge_runtime__` the SDK reads) so the app's real @forge/api,
 * @forge/kvs and @forge/events calls run unchanged against local stand-ins.
 * See ../../../shared/forge/TOOLCHAIN.md "Running the Forge SDK outside Forge";
 * this is an internal SDK interface, pinned by the SDK versions in
 * package.json and covered by test/integration/forge-adapters.
 */
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
// First: installs the egress fetch wrapper before anything loads @forge/api (see egress.ts).
import './egress';
import { KvsError, KvsStore, type KvsStoreOptions } from './kvs-store';
import { LocalQueue, type LocalQueueOptions } from './queue';
import { currentInvocation } from './invocation';
import type { JiraBackend } from './jira';
import type { AppManifest } from './manifest';

export { runInvocation, currentInvocation, type Invocation } from './invocation';
export { loadManifest, type AppManifest } from './manifest';
export { simulatorBackend, realJiraBackend, realJiraFromEnv, SIM_ACCOUNT_HEADER, type JiraBackend } from './jira';
export type { AsyncEvent } from './queue';
export { installEgress, manifestEgressHosts } from './egress';

export const LOCAL_CLOUD_ID = '00000000-0000-4000-8000-0000000c10d0';
export const LOCAL_ENVIRONMENT_ID = 'local';

export interface ForgeHostOptions {
  stateDir: string;
  manifest: AppManifest;
  reset?: boolean;
  /** Clock for KVS TTLs (tests move it); default Date.now. */
  now?: () => number;
  jira?: JiraBackend;
  /** Base URL of the local server, for `webTrigger.getUrl`. */
  baseUrl?: string;
  queue?: Omit<LocalQueueOptions, 'file' | 'reset'>;
  /** KVS limits that are off by default (see KvsStoreOptions). */
  kvs?: Omit<KvsStoreOptions, 'reset'>;
  /**
   * Milliseconds every KVS call waits before it is answered (default 0): Forge
   * storage is a network round trip from the function, so a local store that
   * answers instantly hides how many calls an event makes (`KVS_LATENCY_MS`).
   */
  kvsLatencyMs?: number;
}

export interface ForgeHost {
  readonly kvs: KvsStore;
  readonly queue: LocalQueue;
  readonly cloudId: string;
  /** Changes the wait before each KVS answer (see ForgeHostOptions.kvsLatencyMs). */
  setKvsLatency(ms: number): void;
  setJira(backend: JiraBackend): void;
  /**
   * Whether a user has allowed the app to act for them (Forge's "Allow access"
   * prompt). Everyone has, by default; a user without consent makes every
   * `asUser()` call fail the way Forge does (`forge-proxy-error:
   * NEEDS_AUTHENTICATION_ERR`, which @forge/api turns into `NeedsAuthenticationError`).
   */
  setConsent(accountId: string, granted: boolean): void;
  setBaseUrl(url: string): void;
  webtriggerUrl(moduleKey: string): string;
  /** What the app counted through `@forge/metrics`, by the name Forge records (`internalAppMetrics.<name>`). */
  metrics(): Record<string, number>;
  waitForQueueIdle(): Promise<void>;
  /** Flushes state, stops the queue and removes the globals. */
  close(): void;
}

type ForgeFetch = (target: Record<string, unknown>, path: string, init?: RequestInit) => Promise<Response>;
type Globals = { __forge_fetch__?: ForgeFetch; __forge_runtime__?: unknown };

const MAX_PUSH_EVENTS = 50;
const MAX_PUSH_BYTES = 200 * 1024;

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
  });

async function bodyText(init: RequestInit | undefined): Promise<string> {
  const body = init?.body;
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  return new Response(body as BodyInit).text();
}

/**
 * What `@forge/metrics` reaches when the runtime has no `api.internalMetrics`:
 * `__forge_runtime__.metrics.counter('internalAppMetrics.<name>')` and the like
 * (`@forge/metrics` out/internal/metrics.js). Counters are kept so tests and
 * the local runtime can read what the app counted.
 */
function recordingMetrics(counters: Map<string, number>) {
  const stopper = { stop: () => undefined };
  const add = (name: string, by: number) => counters.set(name, (counters.get(name) ?? 0) + by);
  return {
    counter: (name: string) => ({
      incr: () => add(name, 1),
      incrBy: (by: number) => add(name, by),
      decr: () => add(name, -1),
      decrBy: (by: number) => add(name, -by),
    }),
    timing: () => ({ measure: () => stopper }),
    gauge: () => ({ set: () => undefined }),
  };
}

function checkLatency(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`KVS latency must be a number of milliseconds ≥ 0, got ${ms}`);
  return ms;
}

export function installForgeHost(options: ForgeHostOptions): ForgeHost {
  const now = options.now ?? Date.now;
  const kvs = new KvsStore(path.join(options.stateDir, 'kvs.json'), options.manifest.entities, now, { ...options.kvs, reset: options.reset ?? false });
  const queue = new LocalQueue({ ...options.queue, file: path.join(options.stateDir, 'queue.json'), reset: options.reset ?? false });
  let jira = options.jira;
  let kvsLatencyMs = checkLatency(options.kvsLatencyMs ?? 0);
  let kvsInFlight = 0;
  const withoutConsent = new Set<string>();
  const counters = new Map<string, number>();
  let baseUrl = options.baseUrl ?? 'http://localhost:8080';
  const appId = options.manifest.appId.split('/').pop() ?? 'local';
  const webtriggerUrl = (moduleKey: string) => `${baseUrl}/webtrigger/${moduleKey}`;

  const forgeFetch: ForgeFetch = async (target, requestPath, init) => {
    if (target.type === 'kvs') {
      // A call made while none is in flight makes the function wait one more round trip.
      const newRoundTrip = kvsInFlight++ === 0;
      if (newRoundTrip) kvs.counters.roundTrips += 1;
      try {
        const text = await bodyText(init);
        // KVS_TRACE=1: every storage call on stderr, a new round trip marked (to see what an event reads).
        if (process.env.KVS_TRACE) process.stderr.write(`kvs ${newRoundTrip ? '↻' : ' '} ${requestPath} ${text.slice(0, 160)}\n`);
        if (kvsLatencyMs > 0) await new Promise((resolve) => setTimeout(resolve, kvsLatencyMs));
        const result = kvs.handle(requestPath, text ? (JSON.parse(text) as Record<string, unknown>) : {});
        return json(result.status, result.body);
      } catch (error) {
        if (error instanceof KvsError) return json(error.status, { code: error.code, message: error.message });
        return json(500, { code: 'INTERNAL_SERVER_ERROR', message: String(error) });
      } finally {
        kvsInFlight -= 1;
      }
    }
    if (target.type === 'fpp' && target.remote === 'jira') {
      if (!jira) return json(503, { errorMessages: ['The local runtime has no Jira backend yet'] });
      let accountId: string | undefined;
      if (target.provider === 'user') {
        accountId = typeof target.accountId === 'string' ? target.accountId : currentInvocation()?.accountId;
        // Forge has no user in web triggers, consumers and scheduled triggers: asUser() fails there,
        // as it does for a user who has not yet allowed the app to act for them.
        if (!accountId) return json(401, { message: 'asUser() needs an invoking user' }, { 'forge-proxy-error': 'NEEDS_AUTHENTICATION_ERR' });
        if (withoutConsent.has(accountId)) return json(401, { message: 'The user has not allowed the app access' }, { 'forge-proxy-error': 'NEEDS_AUTHENTICATION_ERR' });
      }
      return jira.request(requestPath, init ?? {}, accountId);
    }
    if (target.type === 'fpp' && target.remote === 'stargate') return stargate(requestPath, init);
    return json(501, { message: `The local runtime does not support ${JSON.stringify(target)} ${requestPath}` }, { 'forge-proxy-error': 'UNSUPPORTED' });
  };

  async function stargate(requestPath: string, init: RequestInit | undefined): Promise<Response> {
    const text = await bodyText(init);
    if (requestPath.startsWith('/webhook/queue/publish/')) {
      const push = JSON.parse(text) as { queueName: string; jobId: string; payload: Array<{ body: Record<string, unknown>; delayInSeconds?: number }> };
      if (push.payload.length > MAX_PUSH_EVENTS) return json(400, { message: `At most ${MAX_PUSH_EVENTS} events a push` });
      if (Buffer.byteLength(JSON.stringify(push.payload)) > MAX_PUSH_BYTES) return json(413, { errorMessage: 'The maximum payload size is 200KB.' });
      if (push.payload.some((e) => (e.delayInSeconds ?? 0) > 900 || (e.delayInSeconds ?? 0) < 0)) return json(400, { message: 'delayInSeconds must be between 0 and 900' });
      queue.push(push.queueName, push.payload, push.jobId || undefined);
      return json(201, {});
    }
    if (requestPath === '/graphql') {
      const { query, variables } = JSON.parse(text) as { query: string; variables?: { input?: { triggerKey?: string } } };
      if (query.includes('createWebTriggerUrl')) {
        return json(200, { data: { createWebTriggerUrl: { url: webtriggerUrl(variables?.input?.triggerKey ?? '') } } });
      }
      if (query.includes('webTriggerUrlsByAppContext')) {
        const list = options.manifest.webtriggers.map((w) => ({ triggerKey: w.key, url: webtriggerUrl(w.key) }));
        return json(200, { data: { webTriggerUrlsByAppContext: list } });
      }
    }
    return json(404, { message: `The local runtime does not implement ${requestPath}` }, { 'forge-proxy-error': 'UNSUPPORTED' });
  }

  // The SDK reads appContext/metrics from here; values follow the current invocation.
  const runtime = {
    get appContext() {
      const invocation = currentInvocation();
      return {
        appId,
        appVersion: 'local',
        environmentId: LOCAL_ENVIRONMENT_ID,
        environmentType: 'DEVELOPMENT',
        invocationId: invocation?.invocationId ?? randomUUID(),
        installationId: 'local-installation',
        moduleKey: invocation?.moduleKey ?? '',
        license: undefined,
        installation: undefined,
        permissions: undefined,
      };
    },
    contextAri: `ari:cloud:jira::site/${LOCAL_CLOUD_ID}`,
    metrics: recordingMetrics(counters),
    tracing: { traceId: 'local', spanId: 'local' },
    lambdaContext: { getRemainingTimeInMillis: () => 55_000 },
  };

  const globals = globalThis as unknown as Globals;
  const previous = { fetch: globals.__forge_fetch__, runtime: globals.__forge_runtime__ };
  globals.__forge_fetch__ = forgeFetch;
  globals.__forge_runtime__ = runtime;

  const flushOnExit = () => {
    kvs.flush();
    queue.close();
  };
  process.once('exit', flushOnExit);

  return {
    kvs,
    queue,
    cloudId: LOCAL_CLOUD_ID,
    setKvsLatency: (ms) => {
      kvsLatencyMs = checkLatency(ms);
    },
    setJira: (backend) => {
      jira = backend;
    },
    setConsent: (accountId, granted) => {
      if (granted) withoutConsent.delete(accountId);
      else withoutConsent.add(accountId);
    },
    setBaseUrl: (url) => {
      baseUrl = url.replace(/\/$/, '');
    },
    webtriggerUrl,
    metrics: () => Object.fromEntries(counters),
    waitForQueueIdle: () => queue.waitForIdle(),
    close: () => {
      process.removeListener('exit', flushOnExit);
      queue.close();
      kvs.flush();
      if (globals.__forge_fetch__ === forgeFetch) {
        globals.__forge_fetch__ = previous.fetch;
        globals.__forge_runtime__ = previous.runtime;
      }
    },
  };
}
