/**
 * Calling Jira through the `JiraTransport` port: status checks, Jira's error
 * format, rate-limit signals, and request counting (every Jira request costs
 * points from the app's shared hourly budget, so each one is counted per event).
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
  readonly retryAfterSeconds?: number;
  readonly rateLimitReason?: string;

  constructor(request: JiraRequest, response: JiraResponse) {
    const parsed = parseJiraErrorBody(response.body);
    const summary = [...parsed.errorMessages, ...Object.entries(parsed.errors).map(([field, message]) => `${field}: ${message}`)].join('; ');
    super(`Jira answered ${response.status} to ${request.method} ${stripQuery(request.path)}${summary ? `: ${summary}` : ''}`);
    this.name = 'JiraError';
    this.status = response.status;
    this.errorMessages = parsed.errorMessages;
    this.errors = parsed.errors;
    const retryAfter = Number(response.headers['retry-after']);
    if (Number.isFinite(retryAfter) && retryAfter >= 0) this.retryAfterSeconds = retryAfter;
    const reason = response.headers['ratelimit-reason'];
    if (reason) this.rateLimitReason = reason;
  }

  /** 429 and 5xx are worth retrying later; other 4xx are final until something changes. */
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
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

/** Rate-limit headroom Jira reported on the last response (FORGE-FACTS.md "Jira REST rate limits"). */
export interface RateLimitSignal {
  remaining?: number;
  nearLimit: boolean;
}

/**
 * A transport decorator that counts requests and remembers the last rate-limit
 * headers, so results can report "Jira calls used" and the queue can slow down
 * before Jira refuses.
 */
export class CountingTransport implements JiraTransport {
  private requestCount = 0;
  private readonly byRoute = new Map<string, number>();
  lastRateLimit: RateLimitSignal = { nearLimit: false };

  constructor(private readonly inner: JiraTransport) {}

  async request(request: JiraRequest): Promise<JiraResponse> {
    this.requestCount += 1;
    const route = `${request.method} ${stripQuery(request.path)}`;
    this.byRoute.set(route, (this.byRoute.get(route) ?? 0) + 1);
    const response = await this.inner.request(request);
    const remaining = Number(response.headers['x-ratelimit-remaining']);
    this.lastRateLimit = {
      ...(Number.isFinite(remaining) ? { remaining } : {}),
      nearLimit: response.headers['x-ratelimit-nearlimit'] === 'true',
    };
    return response;
  }

  get count(): number {
    return this.requestCount;
  }

  routes(): Record<string, number> {
    return Object.fromEntries(this.byRoute);
  }
}

/**
 * Sends a request and returns the body of a 2xx answer; anything else throws a
 * JiraError. `acceptStatuses` lets a caller treat e.g. 404 as a normal answer.
 */
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
