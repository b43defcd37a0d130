import { CountingTransport, parseQuotaHeader, readRateLimit, type RateLimitInfo } from '../../../src/core/jira/http';
import type { JiraResponse } from '../../../src/core/ports';
import {
  MAX_DELAY_SECONDS,
  backoffMs,
  msUntilNextHour,
  paceDelaySeconds,
  queueDelaySeconds,
  retryDelayMs,
  retryDelaySeconds,
} from '../../../src/core/sync/pacing';

// A fake clock: 10:45:00 UTC, so the hourly budget resets in 15 minutes when Jira does not say.
const NOW = Date.UTC(2026, 10, 28, 10, 45, 0);
const low = () => 0; // jitter ×0.7
const high = () => 1; // jitter ×1.3
const mid = () => 0.5; // jitter ×1.0

const refused = (status: number, extra: Partial<RateLimitInfo> = {}): RateLimitInfo => ({ status, nearLimit: false, ...extra });
const answer = (extra: Partial<RateLimitInfo> = {}): RateLimitInfo => ({ status: 200, nearLimit: false, ...extra });

describe('retry delays after Jira refused', () => {
  it('without Retry-After, backs off from 2 s, doubling, with jitter ×0.7–1.3', () => {
    expect(backoffMs(0, mid)).toBe(2_000);
    expect(backoffMs(1, mid)).toBe(4_000);
    expect(backoffMs(3, mid)).toBe(16_000);
    expect(backoffMs(0, low)).toBeCloseTo(1_400);
    expect(backoffMs(0, high)).toBeCloseTo(2_600);
    expect(retryDelayMs(refused(503), 2, NOW, mid)).toBe(8_000);
    // No answer at all (timeout, storage): the same backoff.
    expect(retryDelayMs(undefined, 1, NOW, mid)).toBe(4_000);
  });

  it('a burst or per-issue 429 waits seconds (its Retry-After), never the hour', () => {
    expect(retryDelayMs(refused(429, { retryAfterSeconds: 7, reason: 'jira-burst-based' }), 0, NOW, high)).toBe(7_000);
    expect(retryDelayMs(refused(429, { retryAfterSeconds: 2, reason: 'jira-per-issue-on-write' }), 5, NOW, high)).toBe(2_000);
    // A burst refusal with an empty burst bucket and no Retry-After: the backoff, not the quota's reset.
    expect(retryDelaySeconds(refused(429, { reason: 'jira-burst-based', burst: { limit: 100, remaining: 0 } }), 0, NOW, mid)).toBe(2);
  });

  it('the hourly quota waits until it resets: Retry-After, else X-RateLimit-Reset, else RateLimit t=, else the next hour', () => {
    expect(retryDelayMs(refused(429, { reason: 'jira-quota-global-based', retryAfterSeconds: 900 }), 0, NOW, low)).toBe(900_000);
    expect(retryDelayMs(refused(429, { reason: 'jira-quota-global-based', resetAt: NOW + 60_000 }), 0, NOW, low)).toBe(60_000);
    expect(retryDelayMs(refused(429, { reason: 'jira-quota-tenant-based', quota: { remaining: 0, resetInSeconds: 120 } }), 0, NOW, low)).toBe(120_000);
    expect(retryDelayMs(refused(429, { reason: 'jira-quota-tenant-based' }), 0, NOW, low)).toBe(15 * 60_000);
    // Spread over 30 s after the reset so deferred work does not stampede.
    expect(retryDelayMs(refused(429, { reason: 'jira-quota-global-based' }), 0, NOW, high)).toBe(15 * 60_000 + 30_000);
    expect(retryDelayMs(refused(429, { reason: 'jira-quota-global-based' }), 0, NOW, low)).toBeGreaterThan(backoffMs(8, high));
  });

  it('in seconds, within Forge’s 1–900 s', () => {
    expect(retryDelaySeconds(refused(429, { reason: 'jira-quota-global-based', retryAfterSeconds: 3_000 }), 0, NOW, low)).toBe(MAX_DELAY_SECONDS);
    expect(retryDelaySeconds(refused(429, { retryAfterSeconds: 0 }), 0, NOW, low)).toBe(2);
    expect(retryDelaySeconds(refused(500), 20, NOW, high)).toBe(MAX_DELAY_SECONDS);
  });

  it('a queued event waits what Jira asked when Jira refused it, else what the error asks, else the backoff', () => {
    const burst = refused(429, { reason: 'jira-burst-based', retryAfterSeconds: 3 });
    expect(queueDelaySeconds({ code: 'JIRA_UNAVAILABLE' }, burst, 0, NOW, mid)).toBe(3);
    // A busy finding (another delivery holds it) asks for 2 s, whatever Jira said earlier.
    expect(queueDelaySeconds({ code: 'IN_PROGRESS', retryAfterSeconds: 2 }, burst, 0, NOW, mid)).toBe(2);
    expect(queueDelaySeconds({ code: 'STORAGE_UNAVAILABLE' }, undefined, 3, NOW, mid)).toBe(16);
  });

  it('knows when the hour resets', () => {
    expect(msUntilNextHour(NOW)).toBe(15 * 60_000);
    expect(msUntilNextHour(Date.UTC(2026, 10, 28, 11, 0, 0))).toBe(3_600_000);
  });
});

describe('pacing before Jira refuses', () => {
  it('does not slow down while Jira does not say the quota is nearly spent', () => {
    expect(paceDelaySeconds(answer({ quota: { remaining: 40_000, resetInSeconds: 1_800 } }), 100, NOW)).toBe(0);
    expect(paceDelaySeconds(answer(), 100, NOW)).toBe(0);
  });

  it('an empty burst bucket (X-RateLimit-Remaining: 0) never defers a batch', () => {
    expect(paceDelaySeconds(answer({ burst: { limit: 350, remaining: 0 } }), 100, NOW)).toBe(0);
  });

  it('near the limit, spreads the quota’s remaining points over the time to its reset', () => {
    // Issue 13's case: 30 minutes left, 100 pending events, ~13,000 points left: ~21 s, not 774 s.
    expect(paceDelaySeconds(answer({ nearLimit: true, burst: { limit: 350, remaining: 349 }, quota: { remaining: 13_000, resetInSeconds: 1_800 } }), 100, NOW)).toBe(21);
    // 10 events ≈ 15 requests of 1,000 points left, 900 s to the reset: 13.5 s.
    expect(paceDelaySeconds(answer({ nearLimit: true, quota: { remaining: 1_000, resetInSeconds: 900 } }), 10, NOW)).toBe(14);
    // More work than points left: wait for the reset (capped at Forge's 900 s delay).
    expect(paceDelaySeconds(answer({ nearLimit: true, quota: { remaining: 10, resetInSeconds: 3_000 } }), 100, NOW)).toBe(900);
    // Some delay, always: at least 1 s.
    expect(paceDelaySeconds(answer({ nearLimit: true, quota: { remaining: 60_000 } }), 1, NOW)).toBe(1);
  });

  it('with nothing left, or no figure for what is left, waits for the reset', () => {
    expect(paceDelaySeconds(answer({ quota: { remaining: 0, resetInSeconds: 40 } }), 1, NOW)).toBe(40);
    expect(paceDelaySeconds(answer({ nearLimit: true }), 1, Date.UTC(2026, 10, 28, 10, 59, 30))).toBe(30);
  });
});

describe('reading rate-limit headers from Jira answers (once, in the transport)', () => {
  const response = (status: number, headers: Record<string, string>): JiraResponse => ({ status, headers, body: undefined });

  it('parses Retry-After, RateLimit-Reason and X-RateLimit-Reset (ISO or epoch seconds)', () => {
    expect(readRateLimit(response(429, { 'retry-after': '1800', 'ratelimit-reason': 'jira-quota-global-based', 'x-ratelimit-reset': '2026-11-28T11:00:00Z' }))).toEqual({
      status: 429,
      retryAfterSeconds: 1800,
      reason: 'jira-quota-global-based',
      resetAt: Date.UTC(2026, 10, 28, 11, 0, 0),
      nearLimit: false,
    });
    expect(readRateLimit(response(429, { 'x-ratelimit-reset': String(NOW / 1000) })).resetAt).toBe(NOW);
    expect(readRateLimit(response(503, { 'retry-after': 'soon' }))).toEqual({ status: 503, nearLimit: false });
  });

  it('reads the burst bucket from X-RateLimit-* and the hourly quota from RateLimit, else Beta-RateLimit', () => {
    const limits = readRateLimit(
      response(200, { 'x-ratelimit-limit': '350', 'x-ratelimit-remaining': '349', 'x-ratelimit-nearlimit': 'true', 'beta-ratelimit': '"tenant-app-quota";r=12000;t=1800' }),
    );
    expect(limits).toEqual({ status: 200, nearLimit: true, burst: { limit: 350, remaining: 349 }, quota: { remaining: 12_000, resetInSeconds: 1_800 } });
    expect(readRateLimit(response(200, { ratelimit: '"global-app-quota";r=5;t=60', 'beta-ratelimit': '"x";r=9;t=9' })).quota).toEqual({ remaining: 5, resetInSeconds: 60 });
  });

  it('takes the first list item that says r=, and ignores what is not a number', () => {
    expect(parseQuotaHeader('"burst";q=100, "tenant-app-quota";r=300;t=20')).toEqual({ remaining: 300, resetInSeconds: 20 });
    expect(parseQuotaHeader('"tenant-app-quota";r=lots')).toBeUndefined();
    expect(parseQuotaHeader(undefined)).toBeUndefined();
  });

  it('the counting transport keeps the last answer’s headers and the last refusal', async () => {
    const answers = [response(429, { 'retry-after': '3', 'ratelimit-reason': 'jira-burst-based' }), response(200, { ratelimit: '"q";r=10;t=5' })];
    const counting = new CountingTransport({ request: async () => answers.shift() ?? response(200, {}) });
    expect(counting.lastRefusal).toBeUndefined();
    await counting.request({ method: 'GET', path: '/rest/api/3/myself' });
    await counting.request({ method: 'GET', path: '/rest/api/3/myself' });
    expect(counting.lastRefusal).toEqual({ status: 429, retryAfterSeconds: 3, reason: 'jira-burst-based', nearLimit: false });
    expect(counting.lastRateLimit.quota).toEqual({ remaining: 10, resetInSeconds: 5 });
  });
});
