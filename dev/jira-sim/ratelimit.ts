/**
 * Jira Cloud's rate limits for apps (FORGE-FACTS.md "Jira REST rate limits"):
 * an hourly points budget (UTC hour), a burst limit per endpoint per second and
 * per-issue write limits. All windows run on the simulator's clock, so tests
 * can roll the hour over without waiting.
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
    const limit = method === 'PUT' || method === 'DELETE' ? BURST_LIMIT.write : BURST_LIMIT.read;
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

  /** The headers Jira puts on every response. */
  headers(now: number): Record<string, string> {
    const remaining = this.remaining(now);
    const h: Record<string, string> = {
      'X-RateLimit-Limit': String(this.pointsPerHour),
      'X-RateLimit-Remaining': String(remaining),
    };
    if (remaining < this.pointsPerHour * 0.2) h['X-RateLimit-NearLimit'] = 'true';
    return h;
  }

  reset(): void {
    this.hour = -1;
    this.used = 0;
    this.burst.clear();
    this.issueWrites.clear();
  }
}

function prune(list: number[] | undefined, after: number): number[] {
  return (list ?? []).filter((t) => t > after);
}
