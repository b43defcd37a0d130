/**
 * Every wait the sync engine makes for Jira, computed here (docs/platform-limits.md
 * "Jira REST rate limits"; docs/performance.md "Pacing"). Jira applies three limits
 * at once, and each gets its own wait:
 *
 * - **Burst** (`jira-burst-based`, per endpoint per second) and **per-issue writes**
 *   (`jira-per-issue-on-write`): seconds. Wait what `Retry-After` says, else
 *   Atlassian's backoff (2 s, doubling, jitter ×0.7–1.3).
 * - **Hourly quota** (`jira-quota-global-based` / `-tenant-based`): until the quota
 *   resets (`Retry-After`, else `X-RateLimit-Reset`, else the `RateLimit` header's
 *   `t=`, else the next UTC hour), plus a few seconds of spread.
 * - **Before Jira refuses**: Jira marks answers `X-RateLimit-NearLimit: true` when
 *   little of the hour's quota is left. From then on, work that can wait (the rest
 *   of a batch) goes to the queue, spread so the quota's remaining points
 *   (`RateLimit: r=`) last until its reset (`t=`).
 *
 * `retryDelayMs` is the one rule for "Jira refused, when do we try again" (the
 * inline retry in retry.ts, the processor's queue deferral, the queue consumer's
 * retry); `paceDelaySeconds` is the one rule for slowing down before a refusal.
 * Pure functions over an injected clock value and random source: tests need no timers.
 */
import type { RateLimitInfo } from '../jira/http';

/** Forge's longest queue delay and `InvocationError.retryAfter` (docs/platform-limits.md "Async events"). */
export const MAX_DELAY_SECONDS = 900;
export const BACKOFF_BASE_MS = 2_000;
/** Requests one queued event costs on average (create 1, PR opened 2, status change 1). */
export const REQUESTS_PER_EVENT = 1.5;
const HOUR_MS = 3_600_000;
/** Spread over this many seconds after an hourly reset, so deferred work does not stampede at hh:00:00. */
const RESET_SPREAD_SECONDS = 30;

const QUOTA_REASONS = new Set(['jira-quota-global-based', 'jira-quota-tenant-based']);

/** What Jira said when it refused a request (429) or failed (5xx), parsed once in src/core/jira/http.ts. */
export type Refusal = RateLimitInfo;

export const isQuotaRefusal = (refusal: Refusal): boolean => refusal.status === 429 && refusal.reason !== undefined && QUOTA_REASONS.has(refusal.reason);

/** Milliseconds until the next UTC hour (when Jira's hourly points budget resets, if Jira did not say). */
export function msUntilNextHour(now: number): number {
  return HOUR_MS - (now % HOUR_MS);
}

/** Atlassian's backoff: 2 s × 2^attempt × jitter 0.7–1.3 (attempt 0 = the first retry). */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return BACKOFF_BASE_MS * 2 ** Math.max(0, attempt) * (0.7 + random() * 0.6);
}

/** When the hourly quota resets, as ms from `now`, from the best figure Jira gave. */
export function msUntilQuotaReset(refusal: Refusal, now: number): number {
  if (refusal.retryAfterSeconds !== undefined) return refusal.retryAfterSeconds * 1000;
  if (refusal.resetAt !== undefined) return Math.max(0, refusal.resetAt - now);
  if (refusal.quota?.resetInSeconds !== undefined) return refusal.quota.resetInSeconds * 1000;
  return msUntilNextHour(now);
}

/**
 * How long to wait before trying again after `refusal` (undefined: no answer at
 * all, e.g. a timeout or a storage error). Hourly quota: until the reset, plus a
 * spread. Burst, per-issue and 5xx: `Retry-After` when Jira gave one, else the
 * backoff for `attempt` (0 = the first retry).
 */
export function retryDelayMs(refusal: Refusal | undefined, attempt: number, now: number, random: () => number = Math.random): number {
  if (refusal && isQuotaRefusal(refusal)) return msUntilQuotaReset(refusal, now) + random() * RESET_SPREAD_SECONDS * 1000;
  if (refusal?.retryAfterSeconds !== undefined && refusal.retryAfterSeconds > 0) return refusal.retryAfterSeconds * 1000;
  return backoffMs(attempt, random);
}

/** The same, in whole seconds within Forge's 1–900 s for a queue retry or delay. */
export function retryDelaySeconds(refusal: Refusal | undefined, attempt: number, now: number, random: () => number = Math.random): number {
  return clampSeconds(retryDelayMs(refusal, attempt, now, random) / 1000);
}

export function clampSeconds(seconds: number): number {
  return Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil(seconds)));
}

/**
 * How long `pendingEvents` that can wait should be deferred, given the last
 * answer's rate-limit headers: 0 while Jira does not say the hour's quota is
 * nearly spent; near the limit, long enough that the quota's remaining points
 * spread over the time to its reset (at least 1 s, at most 900 s); nothing left,
 * or no figure for what is left: until the reset. The burst bucket
 * (`X-RateLimit-Remaining`) never paces a batch: it refills within seconds, and
 * a burst refusal is retried inline after its `Retry-After`.
 */
export function paceDelaySeconds(signal: RateLimitInfo, pendingEvents: number, now: number): number {
  const quota = signal.quota;
  if (!signal.nearLimit && (quota === undefined || quota.remaining > 0)) return 0;
  const untilReset = quota?.resetInSeconds ?? msUntilNextHour(now) / 1000;
  if (quota === undefined || quota.remaining <= 0) return clampSeconds(untilReset);
  const share = (pendingEvents * REQUESTS_PER_EVENT) / quota.remaining;
  return clampSeconds(untilReset * Math.min(1, share));
}

/**
 * The queue delay (s) for an event that stopped on `error`: what Jira asked for when
 * it refused (`lastRefusal`), else what the error itself asks (a busy finding: 2 s),
 * else the backoff for `attempt`. The processor's deferral and the consumer's retry
 * both ask here.
 */
export function queueDelaySeconds(error: { code: string; retryAfterSeconds?: number }, lastRefusal: Refusal | undefined, attempt: number, now: number, random: () => number = Math.random): number {
  const refusal = error.code === 'JIRA_UNAVAILABLE' ? lastRefusal : undefined;
  const asked: Refusal | undefined = error.retryAfterSeconds !== undefined ? { status: 503, nearLimit: false, retryAfterSeconds: error.retryAfterSeconds } : undefined;
  return retryDelaySeconds(refusal ?? asked, attempt, now, random);
}
