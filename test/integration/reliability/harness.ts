/**
 * The reliability harness: the real local runtime (dev/server.ts) on a temp
 * STATE_DIR, talking to ONE Jira simulator that outlives runtime restarts (a
 * crash of the app must not reset Jira), signed requests over HTTP, and the
 * invariants every fault-injection run ends with.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createJiraSimulator, type JiraSimulator } from '../../../dev/jira-sim';
import { adfToText } from '../../../dev/jira-sim/adf';
import type { SimIssue } from '../../../dev/jira-sim/types';
import { simulatorBackend } from '../../../dev/forge-host';
import { startLocalRuntime, type LocalRuntime } from '../../../dev/server';
import { sign } from '../../../dev/sign';

export const SECRET = 'whsec_reliability_test_secret_0123456789';
export const SIM_BASE = 'http://jira.reliability.test/jira';
export const OPENAPI = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'jira', 'jira-platform-openapi.json');

// ---------------------------------------------------------------------------
// Time: the app, the KVS stand-in and the simulator all read Date.now, so a test
// can jump wall time forward (a crashed invocation's claim going stale after 90 s,
// a web trigger passing its deadline) without waiting for it.

const realNow = Date.now.bind(Date);
let offsetMs = 0;
export function installClock(): void {
  Date.now = () => realNow() + offsetMs;
}
export function jumpClock(ms: number): void {
  offsetMs += ms;
}
export function restoreClock(): void {
  Date.now = realNow;
  offsetMs = 0;
}

// ---------------------------------------------------------------------------

/** One answer the simulator gave the app (status 0: no answer, the connection dropped). */
export interface JiraAnswer {
  method: string;
  path: string;
  status: number;
}

/**
 * Every answer the app got from Jira, and event-driven waits on them: a test waits
 * for "the consumer was refused by the quota" instead of sleeping and hoping.
 */
export class JiraAnswers {
  readonly all: JiraAnswer[] = [];
  private waiters: Array<{ from: number; count: number; match: (answer: JiraAnswer) => boolean; resolve: () => void }> = [];
  private listeners = new Set<(answer: JiraAnswer) => void>();

  /** Calls `listener` on every answer from now on; answers the unsubscribe. */
  onAnswer(listener: (answer: JiraAnswer) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  record(answer: JiraAnswer): void {
    this.all.push(answer);
    for (const listener of this.listeners) listener(answer);
    this.waiters = this.waiters.filter((waiter) => {
      if (this.countSince(waiter.from, waiter.match) < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  }

  countSince(from: number, match: (answer: JiraAnswer) => boolean): number {
    return this.all.slice(from).filter(match).length;
  }

  count(match: (answer: JiraAnswer) => boolean): number {
    return this.countSince(0, match);
  }

  /** Resolves once `count` answers matching `match` arrived after `from` (an index into `all`; default: now). */
  next(match: (answer: JiraAnswer) => boolean, count = 1, from = this.all.length): Promise<void> {
    if (this.countSince(from, match) >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ from, count, match, resolve }));
  }
}

function recordingBackend(sim: JiraSimulator, answers: JiraAnswers) {
  return simulatorBackend(
    {
      async handle(request: Request): Promise<Response> {
        const { pathname } = new URL(request.url);
        const path = pathname.slice(new URL(SIM_BASE).pathname.length);
        try {
          const response = await sim.handle(request);
          answers.record({ method: request.method, path, status: response.status });
          return response;
        } catch (error) {
          answers.record({ method: request.method, path, status: 0 });
          throw error;
        }
      },
    },
    SIM_BASE,
  );
}

export interface Env {
  sim: JiraSimulator;
  stateDir: string;
  runtime: LocalRuntime;
  /** What Jira answered the app, across restarts. */
  answers: JiraAnswers;
  restart(): Promise<LocalRuntime>;
  close(): Promise<void>;
}

export async function startEnv(options: { queueDelayScale?: number; contract?: boolean } = {}): Promise<Env> {
  const sim = createJiraSimulator({
    baseUrl: SIM_BASE,
    now: () => Date.now(),
    log: () => undefined,
    ...(options.contract !== false && fs.existsSync(OPENAPI) ? { openapiPath: OPENAPI } : {}),
  });
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-reliability-'));
  const answers = new JiraAnswers();
  const start = async (reset: boolean) => {
    const runtime = await startLocalRuntime({
      port: 0,
      reset,
      stateDir,
      quiet: true,
      signingSecret: SECRET,
      housekeepingIntervalMs: 0,
      queueDelayScale: options.queueDelayScale ?? 0.002,
      now: () => Date.now(),
    });
    // Jira is the shared simulator, not the runtime's own: it survives the app's restarts.
    runtime.host.setJira(recordingBackend(sim, answers));
    return runtime;
  };
  const env: Env = {
    sim,
    stateDir,
    answers,
    runtime: await start(true),
    async restart() {
      env.runtime = await start(false);
      return env.runtime;
    },
    async close() {
      await env.runtime.close();
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
  return env;
}

// ---------------------------------------------------------------------------
// Events

let seq = 0;
export const uid = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${++seq}`;

export type Json = Record<string, unknown>;

export function finding(id: string, extra: Json = {}): Json {
  return {
    id,
    title: `Prototype Pollution in lodash (${id})`,
    severity: 'high',
    category: 'sca',
    cvssScore: 7.4,
    cveIds: ['CVE-2020-8203'],
    scanner: 'snyk',
    url: `https://app.backline.ai/findings/${id}`,
    repository: { name: 'acme/payments-api' },
    slaDueDate: '2026-12-28',
    description: `Versions of \`lodash\` before 4.17.19 are vulnerable to **prototype pollution** (${id}).`,
    ...extra,
  };
}

export function event(type: string, data: Json, occurredAt = '2026-11-28T10:00:00Z', id = uid('evt')): Json {
  return { id, type, occurredAt, data };
}

export const created = (findingId: string, at?: string) => event('finding.created', { finding: finding(findingId) }, at);

export function prEvent(type: 'remediation.pr_opened' | 'remediation.pr_merged' | 'remediation.pr_closed', findingIds: string[], prNumber: number, at?: string): Json {
  return event(
    type,
    {
      remediation: { id: `rem_${prNumber}`, title: 'Upgrade lodash', mode: 'automated' },
      pullRequest: { url: `https://github.com/acme/payments-api/pull/${prNumber}`, number: prNumber, title: `fix: upgrade lodash (#${prNumber})` },
      findings: findingIds.map((id) => ({ id })),
    },
    at,
  );
}

export interface Answer {
  status: number;
  body: { results?: Array<{ eventId: string; status: string; error?: { code: string; retryable?: boolean } }>; error?: { code: string } };
  text: string;
}

/** POSTs a body signed with the test secret to the runtime's web trigger. */
export async function send(runtime: LocalRuntime, body: unknown, options: { secret?: string; t?: number; raw?: string } = {}): Promise<Answer> {
  const raw = options.raw ?? JSON.stringify(body);
  const response = await fetch(runtime.webtriggerUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-backline-signature': sign(options.secret ?? SECRET, raw, options.t ?? Math.floor(Date.now() / 1000)) },
    body: raw,
  });
  const text = await response.text();
  let parsed: Answer['body'] = {};
  try {
    parsed = JSON.parse(text) as Answer['body'];
  } catch {
    // non-JSON answers stay in `text`
  }
  return { status: response.status, body: parsed, text };
}

/** Backline's behaviour: retry the whole body until it is accepted (2xx); 503 and network errors are retried. */
export async function deliver(env: Env, body: unknown, maxAttempts = 20): Promise<Answer> {
  let last: Answer | undefined;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    try {
      const signedAt = Date.now();
      last = await send(env.runtime, body);
      if (last.status === 200 || last.status === 202) return last;
      // A test moved the clock (past the search lag) while this request was in flight, so its signature's
      // timestamp looks minutes old: Backline signs each delivery afresh, so deliver again.
      if (last.status === 401 && Date.now() - signedAt > 60_000) continue;
      if (last.status !== 503) throw new Error(`unexpected ${last.status}: ${last.text.slice(0, 500)}`);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('unexpected')) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`not accepted after ${maxAttempts} attempts: ${last?.status} ${last?.text.slice(0, 300)}`);
}

export const batch = (events: Json[]) => ({ events });

export async function control(sim: JiraSimulator, method: 'GET' | 'POST' | 'DELETE', p: string, body?: unknown): Promise<unknown> {
  const response = await sim.handle(
    new Request(`${SIM_BASE}${p}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) }),
  );
  const text = await response.text();
  if (response.status >= 400) throw new Error(`_sim ${method} ${p}: ${response.status} ${text}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

// ---------------------------------------------------------------------------
// State as stored (the KVS stand-in's file) and as Jira has it.

interface StoredDoc {
  kv: Record<string, { value: unknown }>;
  entities: Record<string, Record<string, { value: unknown }>>;
}

export function storedState(runtime: LocalRuntime): StoredDoc {
  runtime.host.kvs.flush();
  return JSON.parse(fs.readFileSync(path.join(runtime.stateDir, 'kvs.json'), 'utf8')) as StoredDoc;
}

export interface ActivityRecord {
  at: number;
  projectKey: string;
  status: string;
  findingId: string;
  details: { eventId: string; type: string; issueKey?: string; error?: { code: string } };
}

export function activity(runtime: LocalRuntime): ActivityRecord[] {
  return Object.values(storedState(runtime).entities.activity ?? {}).map((item) => item.value as ActivityRecord);
}

export function backlineIssues(sim: JiraSimulator): SimIssue[] {
  return [...sim.state.issues.values()].filter((issue) => {
    const property = issue.properties.backline as { findingId?: unknown } | undefined;
    return typeof property?.findingId === 'string';
  });
}

const findingOf = (issue: SimIssue) => (issue.properties.backline as { findingId: string }).findingId;

/** The issues Jira finds for a finding by the `backline` property, through the JQL search the app itself relies on. */
export async function searchByFinding(sim: JiraSimulator, findingId: string): Promise<string[]> {
  const response = await sim.handle(
    new Request(`${SIM_BASE}/rest/api/3/search/jql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jql: `issue.property[backline].findingId = "${findingId}"`, fields: ['summary'], maxResults: 100 }),
    }),
  );
  const body = (await response.json()) as { issues?: Array<{ key: string }> };
  if (response.status !== 200) throw new Error(`search: ${response.status} ${JSON.stringify(body)}`);
  return (body.issues ?? []).map((issue) => issue.key);
}

export interface InvariantInput {
  env: Env;
  /** Event ids accepted (2xx) by the web trigger, every one of which must end applied exactly once. */
  accepted: string[];
  /** Finding ids that must each have exactly one issue. */
  findings: string[];
  /** Check each finding through JQL too (slower; off for big runs). */
  jql?: boolean;
}

/**
 * The invariants of backline-events.md §6, checked after the queue is idle:
 * - every accepted event was applied exactly once (one `evt:` record and exactly one non-failed activity entry);
 * - one issue per finding (JQL on the `backline` property), and no issue without its finding;
 * - no issue has the same comment twice or two remote links to the same PR;
 * - the activity log matches Jira (every `created` entry names an existing issue of that finding, one per issue);
 * - nothing left in the queue, no dead letters, no request that broke Jira's API contract.
 */
export async function checkInvariants({ env, accepted, findings, jql = true }: InvariantInput): Promise<{ issues: number; activity: number }> {
  const { runtime, sim } = env;
  await runtime.waitForQueueIdle();
  const state = storedState(runtime);
  const records = activity(runtime);
  const problems: string[] = [];

  for (const id of new Set(accepted)) {
    if (!state.kv[`evt:${id}`]) problems.push(`event ${id} accepted but not recorded as applied`);
    const applied = records.filter((r) => r.details.eventId === id && r.status !== 'failed');
    if (applied.length !== 1) problems.push(`event ${id} applied ${applied.length} times (${applied.map((r) => r.status).join(',')})`);
  }

  const issues = backlineIssues(sim);
  const byFinding = new Map<string, SimIssue[]>();
  for (const issue of issues) byFinding.set(findingOf(issue), [...(byFinding.get(findingOf(issue)) ?? []), issue]);
  for (const id of findings) {
    const list = byFinding.get(id) ?? [];
    if (list.length !== 1) problems.push(`finding ${id} has ${list.length} issues (${list.map((i) => i.key).join(', ')})`);
    if (jql) {
      const keys = await searchByFinding(sim, id);
      if (keys.length !== 1) problems.push(`JQL finds ${keys.length} issues for ${id}`);
    }
  }
  for (const issue of issues) {
    const texts = issue.comments.map((c) => adfToText(c.body));
    const dupes = texts.filter((t, i) => texts.indexOf(t) !== i);
    if (dupes.length > 0) problems.push(`${issue.key} has duplicated comments: ${JSON.stringify(dupes[0]).slice(0, 120)}`);
    const links = issue.remoteLinks.map((l) => l.globalId ?? String(l.object.url));
    if (new Set(links).size !== links.length) problems.push(`${issue.key} has duplicated remote links`);
  }

  const createdEntries = records.filter((r) => r.status === 'created');
  const liveKeys = new Map(issues.map((i) => [i.key, findingOf(i)]));
  for (const entry of createdEntries) {
    if (!entry.details.issueKey || !liveKeys.has(entry.details.issueKey)) problems.push(`activity says ${entry.details.eventId} created ${entry.details.issueKey}, which Jira does not have`);
    else if (entry.findingId.includes(' findings') === false && liveKeys.get(entry.details.issueKey) !== entry.findingId) problems.push(`activity: ${entry.details.issueKey} is not the issue of ${entry.findingId}`);
  }
  const createdKeys = createdEntries.filter((e) => !e.findingId.includes(' findings')).map((e) => e.details.issueKey);
  if (new Set(createdKeys).size !== createdKeys.length) problems.push('two activity entries claim to have created the same issue');
  // Every issue in Jira is accounted for by the activity log. (After a crash between Jira's create and the
  // app's record, the issue is found again by its property and reported by the next event as updated.)
  const reported = new Set(records.filter((r) => r.status !== 'failed').map((r) => r.details.issueKey));
  const multiFinding = records.some((r) => r.findingId.includes(' findings') && r.status === 'created');
  for (const issue of issues) if (!reported.has(issue.key) && !multiFinding) problems.push(`${issue.key} (${findingOf(issue)}) is in Jira but in no activity entry`);

  if (runtime.host.queue.pending.length > 0) problems.push(`${runtime.host.queue.pending.length} events still queued`);
  if (runtime.host.queue.deadLetters.length > 0) problems.push(`${runtime.host.queue.deadLetters.length} queue dead letters`);
  const deadLetters = Object.keys(state.kv).filter((k) => k.startsWith('deadletter:'));
  if (deadLetters.length > 0) problems.push(`dead letters: ${deadLetters.slice(0, 5).join(', ')}`);
  if (sim.violations.length > 0) problems.push(`Jira contract violations: ${JSON.stringify(sim.violations.slice(0, 3))}`);

  if (problems.length > 0) throw new Error(`invariants broken:\n- ${problems.slice(0, 30).join('\n- ')}`);
  return { issues: issues.length, activity: records.length };
}

/** Event ids of a body (one event or a batch). */
export const idsOf = (body: Json | { events: Json[] }): string[] =>
  'events' in body && Array.isArray(body.events) ? (body.events as Json[]).map((e) => String(e.id)) : [String((body as Json).id)];
