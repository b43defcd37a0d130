/**
 * Sharing Jira's rate limits politely (FORGE-FACTS.md "Jira REST rate limits"):
 * the 65,000 points an hour belong to the app across every installation, so a
 * burst on one site must not empty the budget for all of them.
 *
 * - Before Jira refuses: Jira marks responses `X-RateLimit-NearLimit: true`
 *   when less than 20 % of the hour's points are left. From then on, work that
 *   can wait (the rest of a batch) goes to the queue with `delayInSeconds`,
 *   spread so the remaining points last until the hour resets.
 * - After Jira refused: wait what `Retry-After` says; for the hourly quota
 *   (`jira-quota-global-based` / `-tenant-based`) that is the next UTC hour,
 *   never a blind retry. Without `Retry-After`, Atlassian's advice: 2 s,
 *   doubling, jitter ×0.7–1.3.
 *
 * Pure functions over an injected clock value and random source, so tests
 * need no timers.
 */
import type { RateLimitSignal } from '../jira/http';
import type { JiraRequest, JiraResponse, JiraTransport } from '../ports';

/** Forge's longest queue delay and `InvocationError.retryAfter` (FORGE-FACTS.md "Async events"). */
export const MAX_DELAY_SECONDS = 900;
export const BACKOFF_BASE_MS = 2_000;
/** Requests one queued event costs on average (create 1, PR opened 2, status change 1). */
export const REQUESTS_PER_EVENT = 1.5;
const HOUR_MS = 3_600_000;
/** Spread over this many seconds after an hourly reset, so deferred work does not stampede at hh:00:00. */
const RESET_SPREAD_SECONDS = 30;

const QUOTA_REASONS = new Set(['jira-quota-global-based', 'jira-quota-tenant-based']);

/** What Jira said when it refused a request (429) or failed (5xx). */
export interface Refusal {
  status: number;
  retryAfterSeconds?: number;
  /** `RateLimit-Reason` header. */
  reason?: string;
  /** `X-RateLimit-Reset` (epoch ms) when Jira sent it. */
  resetAt?: number;
}

export const isQuotaRefusal = (refusal: Refusal): boolean => refusal.status === 429 && refusal.reason !== undefined && QUOTA_REASONS.has(refusal.reason);

/** Milliseconds until the next UTC hour (when Jira's hourly points budget resets). */
export function msUntilNextHour(now: number): number {
  return HOUR_MS - (now % HOUR_MS);
}

/** Atlassian's backoff: 2 s × 2^attempt × jitter 0.7–1.3 (attempt 0 = the first retry). */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return BACKOFF_BASE_MS * 2 ** Math.max(0, attempt) * (0.7 + random() * 0.6);
}

/**
 * How long to wait before trying again after `refusal`. Hourly quota: until
 * the reset (Retry-After, else X-RateLimit-Reset, else the next UTC hour),
 * plus a few seconds of spread. Other refusals: Retry-After when Jira gave
 * one, else the backoff for `attempt`.
 */
export function retryDelayMs(refusal: Refusal, attempt: number, now: number, random: () => number = Math.random): number {
  if (isQuotaRefusal(refusal)) {
    const untilReset =
      refusal.retryAfterSeconds !== undefined ? refusal.retryAfterSeconds * 1000 : refusal.resetAt !== undefined ? Math.max(0, refusal.resetAt - now) : msUntilNextHour(now);
    return untilReset + random() * RESET_SPREAD_SECONDS * 1000;
  }
  if (refusal.retryAfterSeconds !== undefined && refusal.retryAfterSeconds > 0) return refusal.retryAfterSeconds * 1000;
  return backoffMs(attempt, random);
}

/** The same, in whole seconds within Forge's 1–900 s for a queue retry or delay. */
export function retryDelaySeconds(refusal: Refusal, attempt: number, now: number, random: () => number = Math.random): number {
  return clampSeconds(retryDelayMs(refusal, attempt, now, random) / 1000);
}

export function clampSeconds(seconds: number): number {
  return Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil(seconds)));
}

/**
 * How long `pendingEvents` that can wait should be deferred, given the last
 * rate-limit headers: 0 while Jira does not say the budget is nearly spent;
 * near the limit, long enough that the remaining points spread over what is
 * left of the hour (at least 1 s, at most 900 s); nothing left: until the reset.
 */
export function paceDelaySeconds(signal: RateLimitSignal, pendingEvents: number, now: number): number {
  if (!signal.nearLimit && signal.remaining !== 0) return 0;
  const untilReset = msUntilNextHour(now) / 1000;
  if (signal.remaining === undefined || signal.remaining <= 0) return clampSeconds(untilReset);
  const share = (pendingEvents * REQUESTS_PER_EVENT) / signal.remaining;
  return clampSeconds(untilReset * Math.min(1, share));
}

/**
 * Remembers the last refusal Jira answered (every raw attempt, below the
 * retrying transport), so the queue consumer can wait what Jira asked for.
 */
export class RefusalRecorder implements JiraTransport {
  lastRefusal: Refusal | undefined;

  constructor(private readonly inner: JiraTransport) {}

  async request(request: JiraRequest): Promise<JiraResponse> {
    const response = await this.inner.request(request);
    if (response.status === 429 || response.status >= 500) this.lastRefusal = refusalOf(response);
    return response;
  }
}

export function refusalOf(response: JiraResponse): Refusal {
  const retryAfter = Number(response.headers['retry-after']);
  const reason = response.headers['ratelimit-reason'];
  const reset = response.headers['x-ratelimit-reset'];
  const resetAt = reset === undefined ? Number.NaN : /^\d+$/.test(reset) ? Number(reset) * 1000 : Date.parse(reset);
  return {
    status: response.status,
    ...(response.headers['retry-after'] !== undefined && Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterSeconds: retryAfter } : {}),
    ...(reason ? { reason } : {}),
    ...(Number.isFinite(resetAt) ? { resetAt } : {}),
  };
}
