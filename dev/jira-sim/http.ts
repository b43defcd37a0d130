/** Small HTTP vocabulary shared by the simulator's handlers. */
import type { SimUser } from './types';

/** Points a read response adds to the hourly budget (FORGE-FACTS.md "Jira REST rate limits"). */
export interface ReadCost {
  /** Core objects returned (issues, projects, …): 1 point each. */
  core?: number;
  /** Identity / permission objects returned (users, permission grants): 2 points each. */
  identity?: number;
}

export interface SimResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Set by read handlers; writes always cost 1 point in total. */
  cost?: ReadCost;
  /** The issue a write touched (for the per-issue write limit, checked before the handler runs). */
  issueId?: string;
  /** Raw (non-JSON) body, e.g. the browse page. */
  text?: string;
  contentType?: string;
}

/** Jira's error body: `{"errorMessages":[...],"errors":{...}}`. */
export interface ErrorCollection {
  errorMessages: string[];
  errors: Record<string, string>;
}

/** Thrown by handlers for a refusal; the router turns it into Jira's error body. */
export class JiraError extends Error {
  constructor(
    readonly status: number,
    readonly errorMessages: string[],
    readonly errors: Record<string, string> = {},
  ) {
    super(errorMessages.join('; ') || Object.values(errors).join('; '));
  }

  toResult(): SimResult {
    return { status: this.status, body: { errorMessages: this.errorMessages, errors: this.errors } satisfies ErrorCollection };
  }
}

export const notFound = (message: string): JiraError => new JiraError(404, [message]);
export const badRequest = (message: string): JiraError => new JiraError(400, [message]);
export const fieldErrors = (errors: Record<string, string>): JiraError => new JiraError(400, [], errors);

export const ISSUE_NOT_FOUND = 'Issue does not exist or you do not have permission to see it.';

export interface RequestContext {
  method: string;
  url: URL;
  /** Path params by OpenAPI name, decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body (undefined when none). */
  body: unknown;
  caller: SimUser;
  /** True when no `x-sim-account-id` was given: the app itself (`asApp`). */
  asApp: boolean;
}

/** Comma- or repeat-separated list query parameter (`fields=a,b` or `fields=a&fields=b`). */
export function listParam(query: URLSearchParams, name: string): string[] | undefined {
  const all = query.getAll(name);
  if (all.length === 0) return undefined;
  return all.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v.length > 0);
}

export function intParam(query: URLSearchParams, name: string, fallback: number): number {
  const v = query.get(name);
  if (v === null || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n)) throw badRequest(`The '${name}' parameter must be an integer.`);
  return n;
}

export function boolParam(query: URLSearchParams, name: string, fallback: boolean): boolean {
  const v = query.get(name);
  if (v === null) return fallback;
  return v === 'true';
}
