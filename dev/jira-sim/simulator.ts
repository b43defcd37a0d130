/**
 * The request pipeline: control API, browse pages and REST. For REST:
 * contract check → faults/latency → rate limits → handler → points and
 * headers. Everything runs on WHATWG Request/Response so the local runtime can
 * both mount it on its HTTP server and call it in-process for `requestJira`.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { handleControl, type ControlTarget, type Fault, type RequestLogEntry, type Stats, type Violation } from './control';
import { SimEvents } from './events';
import { JiraError, type RequestContext, type SimResult } from './http';
import { IssueService } from './issues';
import { JqlEngine } from './jql';
import { OpenApiContract, TemplateMatcher } from './openapi';
import { withAdfReporter } from './adf';
import { RateLimiter } from './ratelimit';
import { manifestIndexedProperties, manifestScopes, type IndexedProperty } from './manifest';
import { missingDevopsScopes, missingScopes, SCOPE_MISMATCH_BODY } from './scopes';
import { renderIssuePage, renderNotFoundPage } from './render';
import { Repr } from './repr';
import { SearchIndex } from './search-index';
import { issueRoutes } from './routes/issues';
import { metaRoutes } from './routes/meta';
import { DevopsSimStore, devopsRoutes, isDevopsApiPath } from './routes/devops';
import { renderDevelopmentPanel } from './routes/devops-panel';
import type { Route, SimEnv } from './routes/route';
import { SIM_USERS } from './seed';
import { SimStore, type SeedName } from './store';
import type { SimData, SimUser } from './types';

export interface JiraSimulatorOptions {
  /** Where the simulator lives, e.g. `http://localhost:8080/jira`. */
  baseUrl: string;
  /** The Jira platform OpenAPI document; default `process.env.JIRA_OPENAPI`. Without it the contract check is off. */
  openapiPath?: string;
  /** Hourly points budget (Jira's default tier: 65,000). */
  pointsPerHour?: number;
  /** Millisecond clock; `POST _sim/clock` moves the simulator's time ahead of it. */
  now?: () => number;
  /**
   * How many simulator milliseconds pass per millisecond of `now` (default 1).
   * 3600 makes an hour of Jira's points windows pass in a second, so a storm
   * that needs hours of quota runs in minutes (`SIM_CLOCK_SPEED`, bench --storm).
   */
  clockSpeed?: number;
  seed?: SeedName;
  /** Extra HTML appended to the browse page of an issue (the app's issue panel, later). */
  renderIssueExtras?: (issueKey: string) => Promise<string>;
  /** Where the one-line "OpenAPI check is off" notice goes (default console.warn). */
  log?: (line: string) => void;
  /**
   * The OAuth scopes the app holds; every REST call is checked against the
   * scopes its operation requires (needs the OpenAPI document). Default: the
   * `permissions.scopes` of the repository's manifest.yml.
   */
  scopes?: string[];
  /**
   * The issue property paths JQL can search (`jira:entityProperty`). Default:
   * the repository's manifest.yml; without one, every path is searchable.
   */
  indexedProperties?: IndexedProperty[];
  /**
   * This simulator is provoked into contract, scope or ADF schema violations on
   * purpose by a test that asserts them itself; the suite-wide check
   * (`test/setup/sim-violations.ts`) leaves it out.
   */
  violationsExpected?: boolean;
}

/** Every simulator created in this module registry (one jest test file), for the suite-wide violation check. */
const created: JiraSimulator[] = [];

export function simulatorsCreated(): readonly JiraSimulator[] {
  return created;
}

/** The caller header: the account a request acts as. Absent = the app (`asApp`). */
export const SIM_ACCOUNT_HEADER = 'x-sim-account-id';

const DEFAULT_POINTS_PER_HOUR = 65000;
const LOG_LIMIT = 1000;
let warnedNoContract = false;

/**
 * Where the OpenAPI document is found when JIRA_OPENAPI is unset: the copy in
 * ../shared beside the repository, then `npm run fetch-openapi`'s download.
 * The contract check is on whenever a copy exists, so a plain `npm test` or
 * `npm start` is as strict as CI.
 */
const DEFAULT_OPENAPI_PATHS = [
  path.resolve(__dirname, '..', '..', '..', 'shared', 'jira', 'jira-platform-openapi.json'),
  path.resolve(__dirname, '..', '..', '.local', 'jira-platform-openapi.json'),
];

export class JiraSimulator implements ControlTarget {
  readonly store: SimStore;
  readonly issues: IssueService;
  readonly contract?: OpenApiContract;
  /** Jira Software's security and development information (routes/devops.ts). */
  readonly devops = new DevopsSimStore();
  readonly baseUrl: string;
  /** Forge product events when issues change (events.ts): `sim.events.subscribe(listener)`. */
  readonly events: SimEvents;
  stats: Stats = emptyStats();
  violations: Violation[] = [];
  adfViolations: Violation[] = [];
  scopeViolations: Violation[] = [];
  /** The app's OAuth scopes (manifest.yml by default); undefined = the scope check is off. */
  readonly scopes?: ReadonlySet<string>;
  log: RequestLogEntry[] = [];
  faults: Fault[] = [];
  latencyMs = 0;

  private readonly basePath: string;
  private readonly repr: Repr;
  private readonly routes = new TemplateMatcher<Partial<Record<string, Route>>>();
  private readonly limiter: RateLimiter;
  private clockOffset = 0;
  /** The base clock's reading when the simulator started: the simulator clock runs `clockSpeed` times faster from here. */
  private readonly clockStart: number;
  private readonly env: SimEnv;
  readonly searchIndex: SearchIndex;

  constructor(private readonly options: JiraSimulatorOptions) {
    created.push(this);
    const speed = options.clockSpeed ?? 1;
    if (!Number.isFinite(speed) || speed <= 0) throw new Error(`clockSpeed must be a positive number, got ${speed}`);
    this.clockStart = (options.now ?? Date.now)();
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.basePath = new URL(this.baseUrl).pathname.replace(/\/+$/, '');
    this.store = new SimStore(options.seed ?? 'demo');
    this.repr = new Repr(this.baseUrl);
    const now = (): number => this.now();
    this.issues = new IssueService(this.store, this.repr, now);
    this.searchIndex = new SearchIndex(() => this.store.data.issues);
    this.store.onIssueChange((change) => this.searchIndex.record(change, this.now()));
    this.events = new SimEvents(this.store, this.repr);
    this.env = { store: this.store, repr: this.repr, issues: this.issues, jql: new JqlEngine(this.store, options.indexedProperties ?? manifestIndexedProperties()), searchIndex: this.searchIndex, now };
    this.limiter = new RateLimiter(options.pointsPerHour ?? DEFAULT_POINTS_PER_HOUR);

    const byTemplate = new Map<string, Partial<Record<string, Route>>>();
    for (const r of [...metaRoutes(this.env), ...issueRoutes(this.env), ...devopsRoutes(this.env, this.devops)]) {
      const entry = byTemplate.get(r.template) ?? {};
      entry[r.method] = r;
      byTemplate.set(r.template, entry);
    }
    for (const [template, methods] of byTemplate) this.routes.add(template, methods);

    const scopes = options.scopes ?? manifestScopes();
    if (scopes) this.scopes = new Set(scopes);
    const openapiPath = options.openapiPath ?? process.env.JIRA_OPENAPI ?? DEFAULT_OPENAPI_PATHS.find((candidate) => existsSync(candidate));
    if (openapiPath && existsSync(openapiPath)) {
      this.contract = new OpenApiContract(openapiPath);
    } else if (!warnedNoContract) {
      warnedNoContract = true;
      (options.log ?? console.warn)(
        `[jira-sim] OpenAPI contract check is OFF (${openapiPath ? `${openapiPath} not found` : 'JIRA_OPENAPI not set'}); field and workflow validation still apply. Run \`npm run fetch-openapi\` (it writes .local/jira-platform-openapi.json, found by default) or set JIRA_OPENAPI to turn it on.`,
      );
    }
  }

  /** The simulator's data (projects, fields, workflows, `issues` map …) for tests to inspect or change. */
  get state(): SimData {
    return this.store.data;
  }

  get violationsExpected(): boolean {
    return this.options.violationsExpected ?? false;
  }

  /** Same as `POST _sim/reset`. */
  reset(): void {
    this.resetAll();
  }

  now(): number {
    const base = (this.options.now ?? Date.now)();
    const speed = this.options.clockSpeed ?? 1;
    return (speed === 1 ? base : this.clockStart + (base - this.clockStart) * speed) + this.clockOffset;
  }

  advanceClock(ms: number): void {
    this.clockOffset += ms;
  }

  setQuota(pointsPerHour: number): void {
    this.limiter.pointsPerHour = pointsPerHour;
  }

  quota(): { pointsPerHour: number; remaining: number } {
    return { pointsPerHour: this.limiter.pointsPerHour, remaining: this.limiter.remaining(this.now()) };
  }

  get searchLagMs(): number {
    return this.searchIndex.lagMs;
  }

  setSearchLag(ms: number): void {
    this.searchIndex.setLag(ms);
  }

  resetStats(): void {
    this.stats = emptyStats();
    this.violations = [];
    this.adfViolations = [];
    this.scopeViolations = [];
    this.log = [];
  }

  /** Data back to the seed; counters, faults, rate-limit windows, clock offset and quota back to their start. */
  resetAll(): void {
    this.store.reset();
    this.devops.reset();
    this.resetStats();
    this.faults = [];
    this.latencyMs = 0;
    this.clockOffset = 0;
    this.limiter.reset();
    this.limiter.pointsPerHour = this.options.pointsPerHour ?? DEFAULT_POINTS_PER_HOUR;
    this.searchIndex.setLag(0);
  }

  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (!url.pathname.startsWith(this.basePath)) return text(404, 'Not under the Jira simulator base URL.');
    const rel = url.pathname.slice(this.basePath.length) || '/';
    if (rel === '/_sim' || rel.startsWith('/_sim/')) return this.control(request, rel);
    if (rel.startsWith('/browse/') && request.method === 'GET') return this.browse(decodeURIComponent(rel.slice('/browse/'.length)));
    if (rel.startsWith('/rest/')) return this.rest(request, url, rel);
    return text(404, 'Not found.');
  }

  private async control(request: Request, rel: string): Promise<Response> {
    let body: unknown;
    const raw = request.method === 'GET' ? '' : await request.text();
    if (raw.trim()) {
      try { body = JSON.parse(raw); } catch { return json(400, { errorMessages: ['Body is not JSON.'], errors: {} }); }
    }
    try {
      const r = handleControl(this, request.method.toUpperCase(), rel, body);
      return json(r.status, r.body);
    } catch (e) {
      if (e instanceof JiraError) return json(e.status, e.toResult().body);
      throw e;
    }
  }

  private async browse(key: string): Promise<Response> {
    const issue = this.store.issue(key);
    if (!issue) return new Response(renderNotFoundPage(key), { status: 404, headers: { 'content-type': 'text/html; charset=utf-8' } });
    const extras = renderDevelopmentPanel(this.devops, issue.key) + (this.options.renderIssueExtras ? await this.options.renderIssueExtras(issue.key) : '');
    return new Response(renderIssuePage(this.store, this.repr, issue, extras), { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } });
  }

  private recordViolation(method: string, path: string, problems: string[]): void {
    this.stats.contractViolations += 1;
    this.violations.push({ method, path, problems });
  }

  private async rest(request: Request, url: URL, rel: string): Promise<Response> {
    const method = request.method.toUpperCase();
    const rawBody = method === 'GET' || method === 'HEAD' ? undefined : await request.text();
    const callerId = request.headers.get(SIM_ACCOUNT_HEADER);
    const caller = callerId ? this.store.user(callerId) : this.store.user(SIM_USERS.app.accountId);

    // 1. Contract: what would Jira's API accept?
    let refusal: SimResult | undefined;
    let scopeRefusal: SimResult | undefined;
    let template: string | undefined;
    let params: Record<string, string> = {};
    let body: unknown;
    let bodyParsed = false;
    // Jira Software's DevOps APIs are not in the platform document: routes/devops.ts validates them,
    // and their scopes come from a table of their own (scopes.ts).
    const devopsMissing = this.scopes && isDevopsApiPath(rel) ? missingDevopsScopes(method, rel, this.scopes) : null;
    if (devopsMissing) {
      this.stats.scopeViolations += 1;
      this.scopeViolations.push({ method, path: rel, problems: [`${method} ${rel} needs the scope(s) ${devopsMissing.join(', ')}, which manifest.yml does not grant`] });
      scopeRefusal = { status: 401, body: SCOPE_MISMATCH_BODY };
    }
    if (this.contract && !isDevopsApiPath(rel)) {
      const m = this.contract.match(rel, method);
      if (m.kind === 'no-path') {
        this.recordViolation(method, rel, [`no operation in the OpenAPI document matches the path ${rel}`]);
        refusal = { status: 404, body: { errorMessages: [`null for uri: ${url.toString()}`], errors: {} } };
      } else if (m.kind === 'no-method') {
        template = m.template;
        this.recordViolation(method, rel, [`${method} is not an operation of ${m.template} (allowed: ${m.allowed.join(', ')})`]);
        refusal = { status: 405, body: { errorMessages: [`Method ${method} is not allowed for ${m.template}.`], errors: {} } };
      } else {
        template = m.template;
        params = m.params;
        // Scopes first: Atlassian's gateway refuses a call outside the app's scopes before Jira sees it.
        const missing = this.scopes ? missingScopes(m.operation, this.scopes) : null;
        if (missing) {
          this.stats.scopeViolations += 1;
          this.scopeViolations.push({ method, path: rel, problems: [`${method} ${m.template} needs the scope(s) ${missing.join(', ')}, which manifest.yml does not grant`] });
          scopeRefusal = { status: 401, body: SCOPE_MISMATCH_BODY };
        }
        const v = this.contract.validateRequest(m.template, method, m.operation, url.searchParams, rawBody);
        const problems = [...v.problems, ...v.unknownParams.map((p) => `unknown query parameter '${p}' (Jira ignores it)`)];
        if (problems.length) this.recordViolation(method, rel, problems);
        // Unknown query parameters are recorded but, like Jira, otherwise ignored.
        if (v.problems.length) refusal = { status: 400, body: { errorMessages: v.problems, errors: {} } };
        body = v.body;
        bodyParsed = true;
      }
    }
    const own = this.routes.match(rel).find((c) => c.value[method]) ?? this.routes.match(rel)[0];
    template ??= own?.template;
    if (!template) params = {};
    else if (own && own.template === template) params = { ...own.params, ...params };
    const routeKey = `${method} ${template ?? rel}`;
    this.stats.requests += 1;
    this.stats.byRoute[routeKey] = (this.stats.byRoute[routeKey] ?? 0) + 1;

    // 2. Injected latency and faults.
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    const fault = this.takeFault(method, rel);
    // An after-commit fault lets the request run and be saved; it replaces the answer at the end.
    const afterCommit = fault?.after === 'commit' ? fault : undefined;
    if (fault && !afterCommit) {
      if (fault.latencyMs) await sleep(fault.latencyMs);
      if (fault.status === 0) {
        this.logRequest(method, rel, routeKey, 0, 0, caller?.accountId ?? String(callerId));
        throw new TypeError('fetch failed', { cause: new Error('jira-sim: injected timeout (no response)') });
      }
      const headers: Record<string, string> = { ...this.limiter.headers(this.now(), routeKey, method) };
      if (fault.status === 429) {
        this.stats.rateLimited += 1;
        const retryAfter = fault.retryAfter ?? 1;
        headers['Retry-After'] = String(retryAfter);
        headers['X-RateLimit-Reset'] = new Date(this.now() + retryAfter * 1000).toISOString();
        headers['RateLimit-Reason'] = 'jira-burst-based';
      } else if (fault.retryAfter !== undefined) {
        headers['Retry-After'] = String(fault.retryAfter);
      }
      this.logRequest(method, rel, routeKey, fault.status, 0, caller?.accountId ?? String(callerId));
      const message = fault.status === 429 ? 'Rate limit exceeded.' : 'Injected failure (jira-sim).';
      return json(fault.status, { errorMessages: [message], errors: {} }, headers);
    }

    // 3. Rate limits (checked before the work, as Jira does).
    const route = own?.value[method];
    const issueParam = route?.kind === 'write' ? params.issueIdOrKey : undefined;
    const issueId = issueParam !== undefined ? (this.store.issue(issueParam)?.id ?? issueParam) : undefined;
    const now = this.now();
    const limited = this.limiter.admit(now, routeKey, method, issueId);
    if (limited) {
      this.stats.rateLimited += 1;
      this.logRequest(method, rel, routeKey, 429, 0, caller?.accountId ?? String(callerId));
      return json(429, { errorMessages: ['Rate limit exceeded.'], errors: {} }, {
        ...this.limiter.headers(now, routeKey, method),
        'Retry-After': String(limited.retryAfter),
        'X-RateLimit-Reset': new Date(limited.resetAt).toISOString(),
        'RateLimit-Reason': limited.reason,
      });
    }

    // 4. The answer.
    let result: SimResult;
    if (!caller) {
      result = { status: 401, body: { errorMessages: [`Unknown account '${callerId}' in ${SIM_ACCOUNT_HEADER}.`], errors: {} } };
    } else if (scopeRefusal) {
      result = scopeRefusal;
    } else if (refusal) {
      result = refusal;
    } else if (!route) {
      result = own
        ? { status: 501, body: { errorMessages: [`The Jira simulator does not implement ${method} ${own.template}.`], errors: {} } }
        : this.contract && template
          ? { status: 501, body: { errorMessages: [`The Jira simulator does not implement ${method} ${template}.`], errors: {} } }
          : { status: 404, body: { errorMessages: [`null for uri: ${url.toString()}`], errors: {} } };
    } else {
      if (!bodyParsed && rawBody !== undefined && rawBody.trim() !== '') {
        try { body = JSON.parse(rawBody); } catch { body = Symbol.for('invalid'); }
      }
      if (typeof body === 'symbol') {
        result = { status: 400, body: { errorMessages: ['Unexpected character in the request body: it is not JSON.'], errors: {} } };
      } else {
        const ctx: RequestContext = { method, url, params, query: url.searchParams, body, caller, asApp: !callerId };
        const adfProblems: string[] = [];
        const emitChanges = this.events.watch(method, template, params.issueIdOrKey, caller);
        try {
          result = await withAdfReporter((problem) => adfProblems.push(problem), () => route.handler(ctx));
          if (result.status < 400) emitChanges?.();
        } catch (e) {
          if (!(e instanceof JiraError)) throw e;
          result = e.toResult();
        }
        if (adfProblems.length > 0) {
          this.stats.adfViolations += 1;
          this.adfViolations.push({ method, path: rel, problems: adfProblems });
        }
      }
    }

    // 5. Points: 1 per request; reads add their objects; writes cost 1 in total.
    const ok = result.status < 400;
    const points = 1 + (ok && route?.kind === 'read' ? (result.cost?.core ?? 0) + 2 * (result.cost?.identity ?? 0) : 0);
    this.limiter.charge(now, points);
    this.stats.points += points;
    const installation = installationOf(request);
    this.stats.pointsByInstallation[installation] = (this.stats.pointsByInstallation[installation] ?? 0) + points;
    this.stats.pointsByRoute[routeKey] = (this.stats.pointsByRoute[routeKey] ?? 0) + points;
    if (afterCommit) {
      // Jira's gateway: the write went through, then the answer was a 5xx or never came.
      if (afterCommit.latencyMs) await sleep(afterCommit.latencyMs);
      this.logRequest(method, rel, routeKey, afterCommit.status, points, caller?.accountId ?? String(callerId));
      if (afterCommit.status === 0) throw new TypeError('fetch failed', { cause: new Error('jira-sim: injected connection reset after the request was carried out') });
      return json(afterCommit.status, { errorMessages: ['Injected failure after commit (jira-sim).'], errors: {} }, this.limiter.headers(now, routeKey, method));
    }
    this.logRequest(method, rel, routeKey, result.status, points, caller?.accountId ?? String(callerId));
    return json(result.status, result.body, { ...this.limiter.headers(now, routeKey, method), ...(result.headers ?? {}) });
  }

  private takeFault(method: string, rel: string): Fault | undefined {
    const f = this.faults.find((x) => x.remaining > 0 && (!x.match?.method || x.match.method === method) && (!x.match?.path || rel.startsWith(x.match.path)));
    if (!f) return undefined;
    f.remaining -= 1;
    if (f.remaining === 0) this.faults = this.faults.filter((x) => x !== f);
    return f;
  }

  private logRequest(method: string, path: string, route: string, status: number, points: number, caller: string): void {
    this.log.push({ at: new Date(this.now()).toISOString(), method, path, route, status, points, caller });
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
  }

  /** Test helper: the user record of a demo account. */
  user(accountId: string): SimUser | undefined {
    return this.store.user(accountId);
  }
}

function emptyStats(): Stats {
  return { requests: 0, points: 0, byRoute: {}, pointsByRoute: {}, pointsByInstallation: {}, contractViolations: 0, rateLimited: 0, adfViolations: 0, scopeViolations: 0 };
}

/**
 * Which installation of the app sent a request, for the shared pool's
 * per-installation figures: the basic-auth user of a local runtime in real-Jira
 * mode (its `JIRA_EMAIL`), else `app` (the in-process runtime, one installation).
 */
function installationOf(request: Request): string {
  const auth = request.headers.get('authorization');
  if (!auth?.startsWith('Basic ')) return 'app';
  const user = Buffer.from(auth.slice('Basic '.length), 'base64').toString('utf8').split(':')[0];
  return user || 'app';
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const noBody = status === 204 || status === 304 || body === undefined;
  return new Response(noBody ? null : JSON.stringify(body), {
    status,
    headers: { ...(noBody ? {} : { 'content-type': 'application/json;charset=UTF-8' }), ...headers },
  });
}

function text(status: number, message: string): Response {
  return new Response(message, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
