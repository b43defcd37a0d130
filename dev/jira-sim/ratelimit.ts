/**
 * Jira Cloud's rate limits for apps (docs/platform-limits.md): an hourly
 * points budget (UTC hour), a burst limit per endpoint per second and
 * per-issue write limits. All windows run on the simulator's clock, so tests
 * can roll the hour over without waiting.
 *
 * Headers as Atlassian's rate-limiting page describes them ("Current headers
 * (enforcement active)" and the structured `RateLimit` headers):
 * - `X-RateLimit-Limit` / `X-RateLimit-Remaining`: the request rate of the
 *   current scope, i.e. the endpoint's per-second burst bucket, on every response;
 * - `RateLimit-Policy: "global-app-quota";q=<points>;w=3600` and
 *   `RateLimit: "global-app-quota";[r=<remaining>;]t=<seconds to reset>`: the
 *   hourly points quota; `r` only once less than ~20 % is left;
 * - `X-RateLimit-NearLimit: true` when less than 20 % of the quota is left;
 * - on 429 only: `Retry-After`, `X-RateLimit-Reset` (ISO 8601), `RateLimit-Reason`.
 */

export type RateLimitReason = 'jira-quota-global-based' | 'jira-burst-based' | 'jira-per-issue-on-write';

export interface Refusal {
  reason: RateLimitReason;
  /** Seconds until a retry can succeed. */
  retryAfter: number;
  /** When the limit resets (ms). */
  resetAt: number;
}

const HOUR = 3600_000;
/** The policy name of the hourly points quota of the global pool (Tier 1), as the `RateLimit` headers name it. */
const QUOTA_POLICY = 'global-app-quota';
/** Below this share of the quota left, Jira says so (`X-RateLimit-NearLimit`, `r=` in `RateLimit`). */
const NEAR_LIMIT_SHARE = 0.2;
const BURST_WINDOW = 1000;
const BURST_LIMIT = { read: 100, write: 50 };
const PER_ISSUE = [
  { windowMs: 2000, limit: 20 },
  { windowMs: 30_000, limit: 100 },
];

export class RateLimiter {
  private hour = -1;
  private used = 0;
  private readonly burst = new Map<string, number[]>();
  private readonly issueWrites = new Map<string, number[]>();

  constructor(public pointsPerHour: number) {}

  private roll(now: number): void {
    const hour = Math.floor(now / HOUR);
    if (hour !== this.hour) {
      this.hour = hour;
      this.used = 0;
    }
  }

  /**
   * Checks the three limits before a request runs. Answers the refusal, or
   * null and records the request in the burst and per-issue windows.
   */
  admit(now: number, route: string, method: string, issueId: string | undefined): Refusal | null {
    this.roll(now);
    const nextHour = (this.hour + 1) * HOUR;
    if (this.used >= this.pointsPerHour) {
      return { reason: 'jira-quota-global-based', retryAfter: Math.max(1, Math.ceil((nextHour - now) / 1000)), resetAt: nextHour };
    }
    // Burst: GET/POST ~100/s, PUT/DELETE ~50/s, per endpoint.
    const limit = burstLimitOf(method);
    const hits = prune(this.burst.get(route), now - BURST_WINDOW);
    if (hits.length >= limit) {
      const resetAt = (hits[0]) + BURST_WINDOW;
      return { reason: 'jira-burst-based', retryAfter: Math.max(1, Math.ceil((resetAt - now) / 1000)), resetAt };
    }
    if (issueId !== undefined) {
      const writes = prune(this.issueWrites.get(issueId), now - PER_ISSUE[1].windowMs);
      for (const w of PER_ISSUE) {
        const inWindow = writes.filter((t) => t > now - w.windowMs);
        if (inWindow.length >= w.limit) {
          const resetAt = (inWindow[0]) + w.windowMs;
          return { reason: 'jira-per-issue-on-write', retryAfter: Math.max(1, Math.ceil((resetAt - now) / 1000)), resetAt };
        }
      }
      writes.push(now);
      this.issueWrites.set(issueId, writes);
    }
    hits.push(now);
    this.burst.set(route, hits);
    return null;
  }

  charge(now: number, points: number): void {
    this.roll(now);
    this.used += points;
  }

  remaining(now: number): number {
    this.roll(now);
    return Math.max(0, this.pointsPerHour - this.used);
  }

  /** The headers Jira puts on every response to a request of `route` (`METHOD /template`). */
  headers(now: number, route: string, method: string): Record<string, string> {
    const remaining = this.remaining(now);
    const near = remaining < this.pointsPerHour * NEAR_LIMIT_SHARE;
    const burstLimit = burstLimitOf(method);
    const burstUsed = prune(this.burst.get(route), now - BURST_WINDOW).length;
    const untilReset = Math.max(1, Math.ceil(((this.hour + 1) * HOUR - now) / 1000));
    return {
      'X-RateLimit-Limit': String(burstLimit),
      'X-RateLimit-Remaining': String(Math.max(0, burstLimit - burstUsed)),
      'RateLimit-Policy': `"${QUOTA_POLICY}";q=${this.pointsPerHour};w=3600`,
      RateLimit: `"${QUOTA_POLICY}";${near ? `r=${remaining};` : ''}t=${untilReset}`,
      ...(near ? { 'X-RateLimit-NearLimit': 'true' } : {}),
    };
  }

  reset(): void {
    this.hour = -1;
    this.used = 0;
    this.burst.clear();
    this.issueWrites.clear();
  }
}

function burstLimitOf(method: string): number {
  return method === 'PUT' || method === 'DELETE' ? BURST_LIMIT.write : BURST_LIMIT.read;
}

function prune(list: number[] | undefined, after: number): number[] {
  return (list ?? []).filter((t) => t > after);
}
