/**
 * Calling Jira through the `JiraTransport` port: status checks, Jira's error
 * format, rate-limit headers (parsed here once, into `RateLimitInfo`), and
 * request counting (every Jira request costs points from the app's shared
 * hourly budget, so each one is counted per event).
 */
import type { HttpMethod, JiraRequest, JiraResponse, JiraTransport } from '../ports';

/** Jira's error body: `{ errorMessages: string[], errors: { field: message } }`. */
export interface JiraErrorBody {
  errorMessages: string[];
  errors: Record<string, string>;
}

/** A non-2xx answer from Jira, with what the app needs to decide: retry, report, or fix config. */
export class JiraError extends Error {
  readonly status: number;
  readonly errorMessages: string[];
  readonly errors: Record<string, string>;
  /** The answer's rate-limit headers (what a retry must wait for). */
  readonly limits: RateLimitInfo;

  constructor(request: JiraRequest, response: JiraResponse) {
    const parsed = parseJiraErrorBody(response.body);
    const summary = [...parsed.errorMessages, ...Object.entries(parsed.errors).map(([field, message]) => `${field}: ${message}`)].join('; ');
    super(`Jira answered ${response.status} to ${request.method} ${stripQuery(request.path)}${summary ? `: ${summary}` : ''}`);
    this.name = 'JiraError';
    this.status = response.status;
    this.errorMessages = parsed.errorMessages;
    this.errors = parsed.errors;
    this.limits = readRateLimit(response);
  }

  get retryAfterSeconds(): number | undefined {
    return this.limits.retryAfterSeconds;
  }

  get rateLimitReason(): string | undefined {
    return this.limits.reason;
  }

  /** 429 and 5xx are worth retrying later; other 4xx are final until something changes. */
  get retryable(): boolean {
    return isRefusal(this.status);
  }
}

/** 429 (rate limited) and 5xx (unavailable): Jira refused for now, not for good. */
export const isRefusal = (status: number): boolean => status === 429 || status >= 500;

/**
 * Jira's rate-limit headers on one answer (docs/platform-limits.md "Jira REST rate
 * limits"). Three limits, each with its own figures:
 * - the burst bucket (per endpoint, per second): `X-RateLimit-Limit` / `-Remaining`;
 * - the hourly points quota: `RateLimit` / `Beta-RateLimit` (`r=<remaining>;t=<s to reset>`),
 *   and `X-RateLimit-NearLimit: true` when little of it is left;
 * - on a refusal: `Retry-After` (s), `RateLimit-Reason` (which limit), `X-RateLimit-Reset`.
 */
export interface RateLimitInfo {
  status: number;
  retryAfterSeconds?: number;
  /** `RateLimit-Reason`: `jira-quota-global-based`, `jira-quota-tenant-based`, `jira-burst-based`, `jira-per-issue-on-write`. */
  reason?: string;
  /** `X-RateLimit-Reset` as epoch ms. */
  resetAt?: number;
  nearLimit: boolean;
  /** The per-second request bucket (`X-RateLimit-Limit` / `X-RateLimit-Remaining`). */
  burst?: { limit?: number; remaining?: number };
  /** The hourly points quota (`RateLimit`, else `Beta-RateLimit`). */
  quota?: { remaining: number; resetInSeconds?: number };
  /** The hourly quota's size (`RateLimit-Policy: "global-app-quota";q=65000;w=3600`): points per window of `windowSeconds`. */
  pool?: { points: number; windowSeconds: number };
}

const wholeNumber = (value: string | undefined): number | undefined => {
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Number(value);
};

/** `"tenant-app-quota";r=12000;t=1800` → { remaining: 12000, resetInSeconds: 1800 } (the first item that has `r=`). */
export function parseQuotaHeader(value: string | undefined): RateLimitInfo['quota'] {
  if (!value) return undefined;
  for (const item of value.split(',')) {
    const params = new Map(item.split(';').slice(1).map((part) => {
      const [name = '', raw = ''] = part.split('=');
      return [name.trim().toLowerCase(), raw.trim()] as const;
    }));
    const remaining = wholeNumber(params.get('r'));
    if (remaining === undefined) continue;
    const reset = wholeNumber(params.get('t'));
    return { remaining, ...(reset !== undefined ? { resetInSeconds: reset } : {}) };
  }
  return undefined;
}

/** `"global-app-quota";q=65000;w=3600` → { points: 65000, windowSeconds: 3600 } (the first item that has `q=` and `w=`). */
export function parsePolicyHeader(value: string | undefined): RateLimitInfo['pool'] {
  for (const item of value?.split(',') ?? []) {
    const params = new Map(item.split(';').slice(1).map((part) => [part.split('=')[0]?.trim().toLowerCase() ?? '', part.split('=')[1]?.trim()] as const));
    const points = wholeNumber(params.get('q'));
    const windowSeconds = wholeNumber(params.get('w'));
    if (points !== undefined && points > 0 && windowSeconds !== undefined && windowSeconds > 0) return { points, windowSeconds };
  }
  return undefined;
}

export function readRateLimit(response: JiraResponse): RateLimitInfo {
  const h = response.headers;
  const retryAfter = wholeNumber(h['retry-after']);
  const reset = h['x-ratelimit-reset'];
  const resetAt = reset === undefined ? Number.NaN : /^\d+$/.test(reset) ? Number(reset) * 1000 : Date.parse(reset);
  const burstLimit = wholeNumber(h['x-ratelimit-limit']);
  const burstRemaining = wholeNumber(h['x-ratelimit-remaining']);
  const quota = parseQuotaHeader(h['ratelimit']) ?? parseQuotaHeader(h['beta-ratelimit']);
  const pool = parsePolicyHeader(h['ratelimit-policy']) ?? parsePolicyHeader(h['beta-ratelimit-policy']);
  return {
    status: response.status,
    ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
    ...(h['ratelimit-reason'] ? { reason: h['ratelimit-reason'] } : {}),
    ...(Number.isFinite(resetAt) ? { resetAt } : {}),
    nearLimit: h['x-ratelimit-nearlimit'] === 'true',
    ...(burstLimit !== undefined || burstRemaining !== undefined
      ? { burst: { ...(burstLimit !== undefined ? { limit: burstLimit } : {}), ...(burstRemaining !== undefined ? { remaining: burstRemaining } : {}) } }
      : {}),
    ...(quota ? { quota } : {}),
    ...(pool ? { pool } : {}),
  };
}

export function parseJiraErrorBody(body: unknown): JiraErrorBody {
  const result: JiraErrorBody = { errorMessages: [], errors: {} };
  if (typeof body === 'string' && body.trim()) result.errorMessages.push(body.slice(0, 500));
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    if (Array.isArray(record.errorMessages)) result.errorMessages = record.errorMessages.filter((m): m is string => typeof m === 'string');
    if (record.errors && typeof record.errors === 'object') {
      for (const [field, message] of Object.entries(record.errors as Record<string, unknown>)) {
        if (typeof message === 'string') result.errors[field] = message;
      }
    }
  }
  return result;
}

function stripQuery(path: string): string {
  const index = path.indexOf('?');
  return index < 0 ? path : path.slice(0, index);
}

/** The parts of a fetch `Response` that both the Forge `requestJira` answer and WHATWG `Response` have. */
export interface FetchLikeResponse {
  status: number;
  headers: { forEach(callback: (value: string, name: string) => void): void };
  text(): Promise<string>;
}

/** A fetch answer as a JiraResponse: lower-case headers, JSON body parsed (text kept when it is not JSON). */
export async function toJiraResponse(response: FetchLikeResponse): Promise<JiraResponse> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  const text = await response.text();
  let body: unknown;
  if (text.length > 0) {
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = text; // Jira answers HTML or plain text on some gateway errors
    }
  }
  return { status: response.status, headers, body };
}

/** Query string from a record, skipping undefined values; arrays become repeated parameters. */
export function query(params: Record<string, string | number | boolean | string[] | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) search.append(name, item);
    else search.append(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Encodes one path segment (issue keys, property keys, ids). */
export function segment(value: string): string {
  return encodeURIComponent(value);
}

/**
 * A transport decorator that counts requests and keeps the last rate-limit
 * headers (and the last refusal), so results can report "Jira calls used",
 * the queue can slow down before Jira refuses, and a retry waits what Jira asked.
 */
export class CountingTransport implements JiraTransport {
  private requestCount = 0;
  private readonly byRoute = new Map<string, number>();
  lastRateLimit: RateLimitInfo = { status: 200, nearLimit: false };
  /** The last 429/5xx answered (after the retrying transport below gave up). */
  lastRefusal: RateLimitInfo | undefined;

  constructor(private readonly inner: JiraTransport) {}

  async request(request: JiraRequest): Promise<JiraResponse> {
    this.requestCount += 1;
    const route = `${request.method} ${stripQuery(request.path)}`;
    this.byRoute.set(route, (this.byRoute.get(route) ?? 0) + 1);
    const response = await this.inner.request(request);
    this.lastRateLimit = readRateLimit(response);
    if (isRefusal(response.status)) this.lastRefusal = this.lastRateLimit;
    return response;
  }

  get count(): number {
    return this.requestCount;
  }

  routes(): Record<string, number> {
    return Object.fromEntries(this.byRoute);
  }
}

/** Sends a request and returns the body of a 2xx answer; anything else throws a JiraError. */
export async function callJira<T>(
  transport: JiraTransport,
  method: HttpMethod,
  path: string,
  body?: unknown,
): Promise<T> {
  const request: JiraRequest = body === undefined ? { method, path } : { method, path, body };
  const response = await transport.request(request);
  if (response.status < 200 || response.status >= 300) throw new JiraError(request, response);
  return response.body as T;
}
