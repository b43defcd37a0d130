/**
 * Shared by the simulator's tests: one in-process simulator per test file, a
 * `call` helper that checks every response against the OpenAPI response
 * schema of its operation, and ADF builders.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createJiraSimulator, OpenApiContract, type JiraSimulator, type JiraSimulatorOptions, type Violation } from '../../../dev/jira-sim';

export const BASE = 'http://sim.test/jira';

/** `JIRA_OPENAPI`, else `../shared/jira/jira-platform-openapi.json` beside the repo. */
export function openapiPath(): string | undefined {
  const fromEnv = process.env.JIRA_OPENAPI;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const shared = join(__dirname, '../../../../shared/jira/jira-platform-openapi.json');
  return existsSync(shared) ? shared : undefined;
}

export const OPENAPI = openapiPath();
/** Contract-dependent tests run only with the document (always in CI). */
export const describeWithContract = OPENAPI ? describe : describe.skip;

let contract: OpenApiContract | undefined;
function responseContract(): OpenApiContract | undefined {
  if (!OPENAPI) return undefined;
  contract ??= new OpenApiContract(OPENAPI);
  return contract;
}

export interface CallResult {
  status: number;
  headers: Headers;
   
  body: any;
  /** Problems of the response against the documented response schema (empty = valid). */
  responseProblems: string[];
}

export function makeSim(options: Partial<JiraSimulatorOptions> = {}): JiraSimulator {
  return createJiraSimulator({ baseUrl: BASE, openapiPath: OPENAPI, log: () => undefined, ...options });
}

export interface CallOptions {
  as?: string;
  headers?: Record<string, string>;
  /** Raw body text instead of JSON. */
  raw?: string;
}

/** Calls the simulator and validates the response against the document (successes must be documented). */
export async function call(sim: JiraSimulator, method: string, path: string, body?: unknown, opts: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = { accept: 'application/json', ...(opts.headers ?? {}) };
  if (body !== undefined || opts.raw !== undefined) headers['content-type'] = 'application/json';
  if (opts.as) headers['x-sim-account-id'] = opts.as;
  const res = await sim.handle(new Request(`${BASE}${path}`, { method, headers, body: opts.raw ?? (body === undefined ? undefined : JSON.stringify(body)) }));
  const text = await res.text();
  let parsed: unknown;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = text; }
  const responseProblems: string[] = [];
  const c = responseContract();
  if (c && path.startsWith('/rest/') && res.status !== 429 && res.status < 500) {
    const m = c.match(path.split('?')[0], method);
    if (m.kind === 'ok') responseProblems.push(...c.validateResponse(m.template, method, res.status, parsed).filter((p) => res.status < 400 || !p.startsWith('status ')));
  }
  return { status: res.status, headers: res.headers, body: parsed, responseProblems };
}

/**
 * The ADF schema violations a test provoked on purpose, taken off the
 * simulator so the suite-wide check (test/setup/sim-violations.ts) does not
 * report them.
 */
export function takeAdfViolations(sim: JiraSimulator): Violation[] {
  return sim.adfViolations.splice(0);
}

export async function control(sim: JiraSimulator, method: string, path: string, body?: unknown): Promise<CallResult> {
  return call(sim, method, `/_sim/${path}`, body);
}

// ---------------------------------------------------------------------------
// ADF

export const doc = (...paragraphs: string[]): Record<string, unknown> => ({
  type: 'doc',
  version: 1,
  content: paragraphs.map((text) => ({ type: 'paragraph', content: [{ type: 'text', text }] })),
});

export const vulnerability = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  fields: { project: { key: 'SEC' }, issuetype: { name: 'Vulnerability' }, summary: 'SQL injection in /login', ...extra },
});
