import {
  MAX_DELAY_SECONDS,
  RefusalRecorder,
  backoffMs,
  msUntilNextHour,
  paceDelaySeconds,
  refusalOf,
  retryDelayMs,
  retryDelaySeconds,
} from '../../../src/core/sync/pacing';
import type { JiraResponse } from '../../../src/core/ports';

// A fake clock: 10:45:00 UTC, so the hourly budget resets in 15 minutes.
const NOW = Date.UTC(2026, 10, 28, 10, 45, 0);
const low = () => 0; // jitter ×0.7
const high = () => 1; // jitter ×1.3
const mid = () => 0.5; // jitter ×1.0

describe('retry delays after Jira refused', () => {
  it('without Retry-After, backs off from 2 s, doubling, with jitter ×0.7–1.3', () => {
    expect(backoffMs(0, mid)).toBe(2_000);
    expect(backoffMs(1, mid)).toBe(4_000);
    expect(backoffMs(3, mid)).toBe(16_000);
    expect(backoffMs(0, low)).toBeCloseTo(1_400);
    expect(backoffMs(0, high)).toBeCloseTo(2_600);
    expect(retryDelayMs({ status: 503 }, 2, NOW, mid)).toBe(8_000);
  });

  it('waits what Retry-After says for a burst or per-issue refusal, whatever the attempt', () => {
    expect(retryDelayMs({ status: 429, retryAfterSeconds: 7, reason: 'jira-burst-based' }, 0, NOW, high)).toBe(7_000);
    expect(retryDelayMs({ status: 429, retryAfterSeconds: 2, reason: 'jira-per-issue-on-write' }, 5, NOW, high)).toBe(2_000);
  });

  it('waits for the hourly quota to reset instead of retrying blindly', () => {
    // Retry-After from Jira wins.
    expect(retryDelayMs({ status: 429, reason: 'jira-quota-global-based', retryAfterSeconds: 900 }, 0, NOW, low)).toBe(900_000);
    // Else X-RateLimit-Reset.
    expect(retryDelayMs({ status: 429, reason: 'jira-quota-global-based', resetAt: NOW + 60_000 }, 0, NOW, low)).toBe(60_000);
    // Else the next UTC hour: 15 min from 10:45, plus at most 30 s of spread.
    expect(retryDelayMs({ status: 429, reason: 'jira-quota-tenant-based' }, 0, NOW, low)).toBe(15 * 60_000);
    expect(retryDelayMs({ status: 429, reason: 'jira-quota-global-based' }, 0, NOW, high)).toBe(15 * 60_000 + 30_000);
    // A quota wait never shrinks to a backoff, even on the first attempt.
    expect(retryDelayMs({ status: 429, reason: 'jira-quota-global-based' }, 0, NOW, low)).toBeGreaterThan(backoffMs(8, high));
  });

  it('fits queue delays in Forge’s 1–900 s', () => {
    expect(retryDelaySeconds({ status: 429, reason: 'jira-quota-global-based', retryAfterSeconds: 3_000 }, 0, NOW, low)).toBe(MAX_DELAY_SECONDS);
    expect(retryDelaySeconds({ status: 429, retryAfterSeconds: 0 }, 0, NOW, low)).toBe(2);
    expect(retryDelaySeconds({ status: 500 }, 20, NOW, high)).toBe(MAX_DELAY_SECONDS);
  });

  it('knows when the hour resets', () => {
    expect(msUntilNextHour(NOW)).toBe(15 * 60_000);
    expect(msUntilNextHour(Date.UTC(2026, 10, 28, 11, 0, 0))).toBe(3_600_000);
  });
});

describe('pacing before Jira refuses', () => {
  it('does not slow down while Jira does not say the budget is nearly spent', () => {
    expect(paceDelaySeconds({ nearLimit: false, remaining: 40_000 }, 100, NOW)).toBe(0);
    expect(paceDelaySeconds({ nearLimit: false }, 100, NOW)).toBe(0);
  });

  it('near the limit, spreads the remaining points over what is left of the hour', () => {
    // 10 events ≈ 15 requests of 1,000 points left, 900 s to the reset: 13.5 s.
    expect(paceDelaySeconds({ nearLimit: true, remaining: 1_000 }, 10, NOW)).toBe(14);
    // More work than points left: wait for the reset (capped at Forge's 900 s delay).
    expect(paceDelaySeconds({ nearLimit: true, remaining: 10 }, 100, NOW)).toBe(900);
    // Some delay, always: at least 1 s.
    expect(paceDelaySeconds({ nearLimit: true, remaining: 60_000 }, 1, NOW)).toBe(1);
  });

  it('with nothing left, waits for the reset', () => {
    expect(paceDelaySeconds({ nearLimit: false, remaining: 0 }, 1, NOW)).toBe(900);
    expect(paceDelaySeconds({ nearLimit: true, remaining: 0 }, 1, Date.UTC(2026, 10, 28, 10, 59, 30))).toBe(30);
  });
});

describe('reading refusals from Jira responses', () => {
  const response = (status: number, headers: Record<string, string>): JiraResponse => ({ status, headers, body: undefined });

  it('parses Retry-After, RateLimit-Reason and X-RateLimit-Reset (ISO or epoch seconds)', () => {
    expect(refusalOf(response(429, { 'retry-after': '1800', 'ratelimit-reason': 'jira-quota-global-based', 'x-ratelimit-reset': '2026-11-28T11:00:00Z' }))).toEqual({
      status: 429,
      retryAfterSeconds: 1800,
      reason: 'jira-quota-global-based',
      resetAt: Date.UTC(2026, 10, 28, 11, 0, 0),
    });
    expect(refusalOf(response(429, { 'x-ratelimit-reset': String(NOW / 1000) })).resetAt).toBe(NOW);
    expect(refusalOf(response(503, { 'retry-after': 'soon' }))).toEqual({ status: 503 });
  });

  it('remembers the last 429/5xx, not successes', async () => {
    const answers = [response(429, { 'retry-after': '3', 'ratelimit-reason': 'jira-burst-based' }), response(200, {})];
    const recorder = new RefusalRecorder({ request: async () => answers.shift() as JiraResponse });
    expect(recorder.lastRefusal).toBeUndefined();
    await recorder.request({ method: 'GET', path: '/rest/api/3/myself' });
    await recorder.request({ method: 'GET', path: '/rest/api/3/myself' });
    expect(recorder.lastRefusal).toEqual({ status: 429, retryAfterSeconds: 3, reason: 'jira-burst-based' });
  });
});
