/**
 * The local runtime: one Node HTTP server hosting the app's Forge functions
 * exactly as Forge calls them, on the local platform of ./forge-host, with the
 * Jira simulator mounted at /jira. See ../../shared/spec/local-runtime.md.
 *
 * Routes:
 *   ANY  /webtrigger/<moduleKey>     the web trigger (Forge request/response shapes)
 *   POST /bridge/invoke              a resolver call `{ functionKey, payload, context: { moduleKey, extension } }`
 *   GET  /admin, /project-settings/<KEY>   the Custom UI with the bridge shim (`?as=<user>` to act as someone, `?theme=dark`)
 *   ANY  /jira/...                   the Jira simulator
 *   GET  /_local/queue               queued and dead-lettered events (inspection)
 *   /backline/_sim/...               the Backline receiver stand-in for outbound events (runtime/backline-receiver.ts)
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { installForgeHost, loadManifest, realJiraBackend, realJiraFromEnv, runInvocation, simulatorBackend, type ForgeHost } from './forge-host';
import { INTERVAL_MS } from './forge-host/manifest';
import { installEgress, manifestEgressHosts } from './forge-host/egress';
import { AppFunctions, ForgeLimitError } from './runtime/functions';
import { BacklineReceiver, RECEIVE_PREFIX } from './runtime/backline-receiver';
import { TriggerDelivery } from './runtime/triggers';
import { createSimulator, type JiraSimulator } from './runtime/simulator';
import { contentType, findAsset, renderPage } from './runtime/ui';
import { DEFAULT_ACCOUNT_ID, LOCAL_USERS, actingAsLabel, requestAccountId, resolveAccountId } from './runtime/users';
import { localIssuePanelExtras } from './issue-panel-html';
import { forgePlatform } from '../src/forge/adapters/platform';
import { forgeSecretStore } from '../src/forge/adapters/secrets';
import { acceptedSigningSecrets, ensureSigningSecret } from '../src/core/secrets/signing-secret';
import { seedDemoConfiguration } from './demo-config';
import { systemClock, type Platform } from '../src/core/ports';

export type { JiraSimulator } from './runtime/simulator';

export const REPO_ROOT = path.resolve(__dirname, '..');
const WEBTRIGGER_MAX_BYTES = 5 * 1024 * 1024; // Forge's web trigger payload limit
const INVOKE_MAX_BYTES = 500 * 1024; // Forge's front-end invoke request limit

export interface LocalRuntimeOptions {
  /** 0 = a free port. Default 8080. */
  port?: number;
  /** Default `.local/` in the repository. */
  stateDir?: string;
  /** Start from empty state. */
  reset?: boolean;
  /** The web trigger signing secret; default: the stored one, or a new one on first start. */
  signingSecret?: string;
  jiraOpenapiPath?: string;
  /** Clock for the simulator and KVS TTLs. */
  now?: () => number;
  /** No console output. */
  quiet?: boolean;
  /** Scheduled trigger period; default the manifest's interval. 0 disables it. */
  housekeepingIntervalMs?: number;
  /** Multiplies queue delays and backoff (tests). Default 1. */
  queueDelayScale?: number;
  /**
   * Where the manifest's handler modules load from: default `src/` (tsx); the
   * Forge bundle `build/forge/backend` (`npm run forge:bundle`) runs what would ship.
   */
  functionsDir?: string;
  /** App egress redirects, host → base URL (tests: `{ 'hooks.slack.com': 'http://127.0.0.1:<port>' }`); see forge-host/egress.ts. */
  egressRedirects?: Record<string, string>;
  /**
   * Milliseconds each KVS call waits before its answer, like Forge storage's
   * network round trip; default `KVS_LATENCY_MS` from the environment, else 0.
   */
  kvsLatencyMs?: number;
  /** The built admin UI to serve; default static/admin/build (what `forge deploy` ships). Tests build their own. */
  uiBuildDir?: string;
}

export interface LocalRuntime {
  url: string;
  webtriggerUrl: string;
  signingSecret: string;
  simulator: JiraSimulator;
  host: ForgeHost;
  /** The app's functions as the runtime calls them (scheduled triggers, direct consumer deliveries). */
  functions: AppFunctions;
  /** The Backline receiver stand-in (also at /backline/_sim/inbox). */
  backline: BacklineReceiver;
  stateDir: string;
  /** Runs `fn` inside an app invocation with the Forge platform, as a consumer would. */
  withPlatform<T>(fn: (platform: Platform) => Promise<T>): Promise<T>;
  waitForQueueIdle(): Promise<void>;
  close(): Promise<void>;
}

async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(res: http.ServerResponse, status: number, body: string | Buffer, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

const sendJson = (res: http.ServerResponse, status: number, body: unknown) =>
  send(res, status, JSON.stringify(body), { 'content-type': 'application/json' });

function multiValueHeaders(req: http.IncomingMessage): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    (headers[name] ??= []).push(req.rawHeaders[i + 1]);
  }
  return headers;
}

function kvsLatencyFromEnv(): number {
  const raw = process.env.KVS_LATENCY_MS;
  if (raw === undefined || raw === '') return 0;
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`KVS_LATENCY_MS must be a number of milliseconds ≥ 0, got ${JSON.stringify(raw)}`);
  return ms;
}

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const stateDir = path.resolve(options.stateDir ?? path.join(REPO_ROOT, '.local'));
  const log = options.quiet ? () => undefined : (line: string) => console.log(line);
  const manifest = loadManifest(path.join(REPO_ROOT, 'manifest.yml'));
  const markerFile = path.join(stateDir, 'runtime.json');
  if (options.reset) fs.rmSync(markerFile, { force: true });
  const marker = fs.existsSync(markerFile) ? (JSON.parse(fs.readFileSync(markerFile, 'utf8')) as { demoSeededAt?: string }) : {};

  const host = installForgeHost({
    stateDir,
    manifest,
    reset: options.reset ?? false,
    ...(options.now ? { now: options.now } : {}),
    kvsLatencyMs: options.kvsLatencyMs ?? kvsLatencyFromEnv(),
    queue: {
      delayScale: options.queueDelayScale ?? 1,
      onError: (event, error) => log(`queue: consumer failed for event ${event.id} (retry ${event.retryContext?.retryCount ?? 0}): ${error instanceof Error ? error.message : String(error)}`),
    },
  });
  let removeEgress = installEgress({ allowedHosts: manifestEgressHosts(path.join(REPO_ROOT, 'manifest.yml')), ...(options.egressRedirects ? { redirects: options.egressRedirects } : {}) });
  const functions = new AppFunctions(manifest, options.functionsDir ?? path.join(REPO_ROOT, 'src'));
  const backline = new BacklineReceiver(() =>
    runInvocation({ functionKey: 'local-runtime', moduleKey: 'local-runtime', invocationId: 'backline-receiver' }, () => acceptedSigningSecrets(forgeSecretStore(), systemClock)),
  );
  const triggers = new TriggerDelivery(manifest.productTriggers, functions, log);
  // Created once the port is known (its base URL needs it); requests before that get a 503.
  const simulatorRef: { current?: JiraSimulator } = {};
  let baseUrl = '';

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else if (error instanceof ForgeLimitError) sendJson(res, error.status, { error: { code: error.code, message: error.message } });
      else sendJson(res, 500, { error: { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) } });
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl);
    const method = req.method ?? 'GET';

    if (url.pathname === '/jira' || url.pathname.startsWith('/jira/')) return proxyToSimulator(req, res, url);

    const trigger = /^\/webtrigger\/([A-Za-z0-9_-]+)(\/.*)?$/.exec(url.pathname);
    if (trigger) {
      const body = await readBody(req, WEBTRIGGER_MAX_BYTES);
      if (!body) return sendJson(res, 413, { message: 'Payload exceeds the 5 MB web trigger limit' });
      const queryParameters: Record<string, string[]> = {};
      for (const [k, v] of url.searchParams) (queryParameters[k] ??= []).push(v);
      const result = await functions.webtrigger(trigger[1], {
        method,
        path: url.pathname,
        userPath: trigger[2] ?? '',
        headers: multiValueHeaders(req),
        body: body.toString('utf8'),
        queryParameters,
      });
      // Node joins repeated values itself when given an array.
      return send(res, result.statusCode, result.body, result.headers);
    }

    if (url.pathname === '/bridge/invoke') {
      if (method !== 'POST') return send(res, 405, '', { allow: 'POST' });
      const raw = await readBody(req, INVOKE_MAX_BYTES);
      if (!raw) return sendJson(res, 413, { error: { message: 'invoke payload exceeds 500 KB' } });
      let input: { functionKey?: unknown; payload?: unknown; context?: { moduleKey?: unknown; extension?: unknown } };
      try {
        input = JSON.parse(raw.toString('utf8')) as typeof input;
      } catch {
        return sendJson(res, 400, { error: { message: 'invalid JSON' } });
      }
      if (typeof input.functionKey !== 'string') return sendJson(res, 400, { error: { message: 'functionKey is required' } });
      const moduleKey =
        typeof input.context?.moduleKey === 'string' ? input.context.moduleKey : (manifest.uiModules.find((m) => m.type === 'jira:adminPage')?.key ?? '');
      const extension = input.context?.extension && typeof input.context.extension === 'object' ? input.context.extension : { type: 'jira:adminPage' };
      const accountId = requestAccountId(req);
      try {
        const result = await functions.resolve({
          moduleKey,
          functionKey: input.functionKey,
          payload: input.payload ?? {},
          accountId,
          context: {
            accountId,
            accountType: 'licensed',
            cloudId: host.cloudId,
            siteUrl: simulatorBase(),
            localId: `ari:cloud:ecosystem::extension/local/${moduleKey}`,
            environmentId: 'local',
            environmentType: 'DEVELOPMENT',
            extension,
          },
        });
        // Which account the call ran as, so a caller (and the page's network log) can see it.
        if (result === undefined) return send(res, 204, '', { 'x-local-acting-as': accountId });
        return send(res, 200, JSON.stringify(result), { 'content-type': 'application/json', 'x-local-acting-as': accountId });
      } catch (error) {
        // Forge refused or stopped the call (rate limit, timeout, answer too large).
        if (error instanceof ForgeLimitError) return sendJson(res, error.status, { error: { code: error.code, message: error.message } });
        // @forge/api's NeedsAuthenticationError: on Forge the page shows the "Allow access" prompt.
        if (error instanceof Error && error.name === 'NEEDS_AUTHENTICATION_ERR') {
          return sendJson(res, 401, { error: { code: 'NEEDS_AUTHENTICATION_ERR', message: error.message } });
        }
        // Forge rejects the front end's invoke() promise with the error message.
        return sendJson(res, 500, { error: { message: error instanceof Error ? error.message : String(error) } });
      }
    }

    if (url.pathname.startsWith('/backline/_sim/')) return serveBackline(req, res, url, method);

    if (url.pathname === '/_local/queue') {
      return sendJson(res, 200, { pending: host.queue.pending, deadLetters: host.queue.deadLetters });
    }

    if (method === 'GET' && (url.pathname === '/admin' || url.pathname === '/admin/' || /^\/project-settings\/[A-Za-z][A-Za-z0-9_]*\/?$/.test(url.pathname))) {
      return servePage(req, res, url);
    }

    if (method === 'GET') {
      if (url.pathname === '/') return send(res, 302, '', { location: '/admin' });
      const asset = findAsset(buildDir(), url.pathname);
      if (asset) return send(res, 200, fs.readFileSync(asset), { 'content-type': contentType(asset) });
    }
    return sendJson(res, 404, { error: { message: `Nothing at ${method} ${url.pathname}` } });
  }

  async function serveBackline(req: http.IncomingMessage, res: http.ServerResponse, url: URL, method: string): Promise<void> {
    if (url.pathname === '/backline/_sim/inbox' && method === 'GET') return sendJson(res, 200, { events: backline.inbox });
    if (url.pathname === '/backline/_sim/inbox/reset' && method === 'POST') {
      backline.reset();
      return send(res, 204, '');
    }
    if (url.pathname === '/backline/_sim/outage' && method === 'POST') {
      const raw = (await readBody(req, 1024))?.toString('utf8') ?? '';
      const status = Number((JSON.parse(raw || '{}') as { status?: unknown }).status ?? 503);
      if (!Number.isInteger(status) || (status !== 0 && (status < 400 || status > 599))) return sendJson(res, 400, { message: 'status: 0 (up) or 400–599' });
      backline.outageStatus = status;
      return sendJson(res, 200, { outageStatus: status });
    }
    if ((url.pathname === RECEIVE_PREFIX || url.pathname.startsWith(`${RECEIVE_PREFIX}/`)) && method === 'POST') {
      const raw = await readBody(req, WEBTRIGGER_MAX_BYTES);
      if (!raw) return sendJson(res, 413, { message: 'too large' });
      const answer = await backline.receive(url.pathname.slice(RECEIVE_PREFIX.length) || '/', multiValueHeaders(req), raw.toString('utf8'));
      return sendJson(res, answer.status, answer.body);
    }
    return sendJson(res, 404, { error: { message: `Nothing at ${method} ${url.pathname}` } });
  }

  const buildDir = () => options.uiBuildDir ?? path.join(REPO_ROOT, 'static', 'admin', 'build');
  const simulatorBase = () => `${baseUrl}/jira`;

  async function servePage(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };
    // Who the page acts as: `?as=` on this URL, else the site admin. Never remembered: the bar on the page says who it is.
    let accountId: string = DEFAULT_ACCOUNT_ID;
    const as = url.searchParams.get('as');
    if (as !== null) {
      const resolved = resolveAccountId(as);
      if (!resolved) return send(res, 400, `Unknown user "${as}": use admin, sec-admin, app-admin, user or an accountId`, { 'content-type': 'text/plain' });
      accountId = resolved;
    }
    const settings = /^\/project-settings\/([A-Za-z][A-Za-z0-9_]*)/.exec(url.pathname);
    let moduleKey: string;
    let extension: Record<string, unknown>;
    if (settings) {
      const key = settings[1].toUpperCase();
      const project = await lookupProject(key);
      if (!project) return send(res, 404, `No Jira project ${key} on the local site`, { 'content-type': 'text/plain' });
      moduleKey = manifest.uiModules.find((m) => m.type === 'jira:projectSettingsPage')?.key ?? 'project-settings';
      extension = { type: 'jira:projectSettingsPage', project: { key: project.key, id: project.id, type: project.projectTypeKey ?? 'software' } };
    } else {
      moduleKey = manifest.uiModules.find((m) => m.type === 'jira:adminPage')?.key ?? 'admin';
      extension = { type: 'jira:adminPage' };
    }
    // `?theme=dark`: the page as a user with Jira's dark theme sees it.
    const colorMode = url.searchParams.get('theme') === 'dark' ? 'dark' : 'light';
    const page = renderPage(buildDir(), {
      moduleKey,
      extension,
      accountId,
      cloudId: host.cloudId,
      siteUrl: simulatorBase(),
      colorMode,
      actingAs: { label: actingAsLabel(accountId), users: LOCAL_USERS.map((u) => ({ accountId: u.accountId, alias: u.alias, label: u.label })) },
    });
    return send(res, page.status, page.html, headers);
  }

  async function lookupProject(key: string): Promise<{ key: string; id: string; projectTypeKey?: string } | undefined> {
    const response = await runInvocation({ functionKey: 'local', moduleKey: 'local', invocationId: 'page' }, () =>
      forgePlatform().jira.request({ method: 'GET', path: `/rest/api/3/project/${encodeURIComponent(key)}` }),
    );
    const body = response.body as { key?: unknown; id?: unknown; projectTypeKey?: unknown } | undefined;
    if (response.status !== 200 || typeof body?.key !== 'string' || typeof body.id !== 'string') return undefined;
    return { key: body.key, id: body.id, ...(typeof body.projectTypeKey === 'string' ? { projectTypeKey: body.projectTypeKey } : {}) };
  }

  async function proxyToSimulator(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req, 20 * 1024 * 1024);
    const headers = new Headers();
    for (const [name, values] of Object.entries(multiValueHeaders(req))) for (const v of values) headers.append(name, v);
    const simulator = simulatorRef.current;
    if (!simulator) return sendJson(res, 503, { errorMessages: ['The Jira simulator is starting'] });
    const response = await simulator.handle(new Request(url, { method: req.method ?? 'GET', headers, ...(body ? { body: new Uint8Array(body) } : {}) }));
    const out: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (name !== 'content-length' && name !== 'content-encoding' && name !== 'transfer-encoding') out[name] = value;
    });
    return send(res, response.status, Buffer.from(await response.arrayBuffer()), out);
  }

  // Listen first: the simulator and the web trigger URL need the real port.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://localhost:${port}`;
  host.setBaseUrl(baseUrl);
  // The app's egress to Backline (`*.backline.ai`) lands on the receiver stand-in; tests may point it elsewhere.
  removeEgress();
  removeEgress = installEgress({
    allowedHosts: manifestEgressHosts(path.join(REPO_ROOT, 'manifest.yml')),
    redirects: { '*.backline.ai': `${baseUrl}${RECEIVE_PREFIX}`, ...(options.egressRedirects ?? {}) },
  });

  const simulator = createSimulator({
    baseUrl: simulatorBase(),
    ...(options.quiet ? { log: () => undefined } : {}),
    ...(options.jiraOpenapiPath ? { openapiPath: options.jiraOpenapiPath } : {}),
    ...(options.now ? { now: options.now } : {}),
    // The issue page shows the app's issue panel (same view model as the UI Kit panel), as the site admin.
    renderIssueExtras: localIssuePanelExtras(functions, DEFAULT_ACCOUNT_ID),
  });
  simulatorRef.current = simulator;
  // Issue changes reach the app's product-event triggers, as Forge delivers them (runtime/triggers.ts).
  const unsubscribeTriggers = simulator.events.subscribe((event) => triggers.deliver(event));
  const real = realJiraFromEnv(process.env);
  host.setJira(real ? realJiraBackend(real) : simulatorBackend(simulator, simulatorBase()));

  const withPlatform = <T>(fn: (platform: Platform) => Promise<T>) =>
    runInvocation({ functionKey: 'local-runtime', moduleKey: 'local-runtime', invocationId: `local-${Date.now()}` }, () => fn(forgePlatform()));

  // The signing secret goes through the app's own code and secret storage, as the admin page would store it.
  const signingSecret = await runInvocation({ functionKey: 'local-runtime', moduleKey: 'local-runtime', invocationId: 'secret' }, () =>
    ensureSigningSecret(forgeSecretStore(), systemClock, options.signingSecret),
  );

  let demo: 'seeded' | 'unavailable' | 'kept' = 'kept';
  if (!marker.demoSeededAt) {
    try {
      await withPlatform(seedDemoConfiguration);
      demo = 'seeded';
      fs.writeFileSync(markerFile, JSON.stringify({ demoSeededAt: new Date().toISOString() }));
    } catch (error) {
      log(`demo configuration: not seeded (${error instanceof Error ? error.message : String(error)})`);
      demo = 'unavailable';
    }
  }

  for (const consumer of manifest.consumers) {
    host.queue.setConsumer(consumer.queue, (event) => functions.consume(consumer.key, event));
  }

  const timers: NodeJS.Timeout[] = [];
  for (const trigger of manifest.scheduledTriggers) {
    const period = options.housekeepingIntervalMs ?? INTERVAL_MS[trigger.interval] ?? INTERVAL_MS.hour;
    if (period <= 0) continue;
    const timer = setInterval(() => {
      functions
        .scheduled(trigger.key)
        .then((answer) => {
          if (answer.statusCode >= 400) log(`scheduled trigger ${trigger.key} answered ${answer.statusCode}: ${answer.body.slice(0, 500)}`);
        })
        .catch((error: unknown) => log(`scheduled trigger ${trigger.key} failed: ${error instanceof Error ? error.message : String(error)}`));
    }, period);
    timer.unref();
    timers.push(timer);
  }

  const problems = functions.check();
  const webtriggerUrl = host.webtriggerUrl(manifest.webtriggers[0]?.key ?? 'backline-events');
  const firstProject = 'SEC';
  log('Backline for Jira, local runtime');
  log(`  Web trigger URL:   ${webtriggerUrl}`);
  log(`  Signing secret:    ${signingSecret}`);
  log(`  Admin page:        ${baseUrl}/admin   (act as someone: ?as=admin|sec-admin|app-admin|user; dark theme: ?theme=dark)`);
  log(`  Project settings:  ${baseUrl}/project-settings/${firstProject}`);
  log(`  Jira simulator:    ${simulatorBase()}${real ? `   (the app talks to ${real.baseUrl})` : ''}`);
  log(`  State:             ${stateDir}`);
  if (demo === 'seeded') log('  Demo:              SEC connected with the default configuration');
  if (demo === 'unavailable') log('  Demo:              not seeded (see the error above)');
  for (const problem of problems) log(`  Warning:           ${problem}`);
  log(`Backline local runtime ready on ${baseUrl}`);

  return {
    url: baseUrl,
    webtriggerUrl,
    signingSecret,
    simulator,
    host,
    functions,
    backline,
    stateDir,
    withPlatform,
    async waitForQueueIdle() {
      // A trigger may queue work and a queued job may change an issue (and fire a trigger): wait until both rest.
      while (!triggers.idle || host.queue.pending.some((e) => manifest.consumers.some((c) => c.queue === e.queueName))) {
        await triggers.waitForIdle();
        await host.waitForQueueIdle();
      }
    },
    async close() {
      unsubscribeTriggers();
      await triggers.waitForIdle();
      for (const timer of timers) clearInterval(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      host.close();
      removeEgress();
    },
  };
}
