/** Fair shares of the app-wide points pool (src/core/sync/fair-share.ts): the spacing rule and what it leads to. */
import { readRateLimit, type RateLimitInfo } from '../../../src/core/jira/http';
import { afterResetSeconds, fairDelays, fairGapSeconds, JITTER } from '../../../src/core/sync/fair-share';
import { REQUESTS_PER_EVENT } from '../../../src/core/sync/pacing';

const NOW = Date.UTC(2026, 11, 4, 10, 45, 0);
const near = (remaining: number | undefined, resetInSeconds?: number): RateLimitInfo => ({
  status: 200,
  nearLimit: true,
  ...(remaining !== undefined ? { quota: { remaining, ...(resetInSeconds !== undefined ? { resetInSeconds } : {}) } } : {}),
});

describe('the fair gap', () => {
  it('is the gap at which the points left would last until the reset', () => {
    expect(fairGapSeconds(near(600, 1_800), NOW)).toBe((REQUESTS_PER_EVENT * 1_800) / 600);
    // Plenty left: a short gap; never longer than the time to the reset.
    expect(fairGapSeconds(near(60_000, 60), NOW)).toBeCloseTo(0.0015);
    expect(fairGapSeconds(near(1, 100), NOW)).toBe(100);
  });

  it('nothing left, or no figure: the whole time to the reset (else the next UTC hour)', () => {
    expect(fairGapSeconds(near(0, 40), NOW)).toBe(40);
    expect(fairGapSeconds(near(undefined), NOW)).toBe(15 * 60);
  });
});

describe('spacing waiting events', () => {
  it('one jittered gap after another, in whole seconds, never decreasing', () => {
    expect(fairDelays(near(600, 1_800), 4, NOW, {}, () => 0.5)).toEqual([5, 9, 14, 18]);
    const low = fairDelays(near(600, 1_800), 4, NOW, {}, () => 0);
    const high = fairDelays(near(600, 1_800), 4, NOW, {}, () => 1);
    expect(low).toEqual([4, 8, 11, 15]); // 3.6 s gaps (×0.8)
    expect(high).toEqual([6, 11, 17, 22]); // 5.4 s gaps (×1.2)
    expect(JITTER).toBe(0.2);
    const random = fairDelays(near(50, 3_000), 200, NOW);
    expect(random.every((d, i) => i === 0 || d >= (random[i - 1] ?? 0))).toBe(true);
    // Past Forge's 900 s delay: the queue carries the rest (defer.ts holdSeconds).
    expect(random.at(-1)).toBeGreaterThan(900);
  });

  it('starts after an earlier group and stretches the gap by a factor', () => {
    expect(fairDelays(near(600, 1_800), 2, NOW, { after: 18, factor: 3 }, () => 0.5)).toEqual([32, 45]);
    expect(fairDelays(near(600, 1_800), 0, NOW)).toEqual([]);
  });
});

describe('what the rule leads to', () => {
  /**
   * Three installations with unequal backlogs share one pool on a simulated hour: each, whenever
   * it is due, spends one event's points and waits the fair gap the shared figures give.
   */
  function simulate(backlogs: number[], pool: number): { spent: number[]; left: number; refused: number; firstRefusalAt: number } {
    let left = pool;
    const spent = backlogs.map(() => 0);
    const due = backlogs.map(() => 0);
    const pending = [...backlogs];
    let refused = 0;
    let firstRefusalAt = Infinity;
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (let t = 0; t < 3_600; t += 0.25) {
      for (let i = 0; i < backlogs.length; i++) {
        if ((pending[i] ?? 0) === 0 || t < (due[i] ?? 0)) continue;
        if (left < REQUESTS_PER_EVENT) {
          // Refused: this installation waits for the reset (pacing.ts retryDelayMs).
          refused += 1;
          firstRefusalAt = Math.min(firstRefusalAt, t);
          due[i] = 3_600;
          continue;
        }
        left -= REQUESTS_PER_EVENT;
        spent[i] = (spent[i] ?? 0) + REQUESTS_PER_EVENT;
        pending[i] = (pending[i] ?? 0) - 1;
        due[i] = t + (fairDelays(near(left, 3_600 - t), 1, NOW, {}, random)[0] ?? 1);
      }
    }
    return { spent, left, refused, firstRefusalAt };
  }

  it('equal shares whatever the backlog, and the pool lasts until the reset with no refusal before its last minutes', () => {
    const { spent, left, refused, firstRefusalAt } = simulate([10_000, 10_000, 500], 3_000);
    expect(refused).toBeLessThanOrEqual(2);
    expect(firstRefusalAt).toBeGreaterThan(3_300);
    // The small backlog is served in full; the two large ones share alike.
    expect(spent[2]).toBe(500 * REQUESTS_PER_EVENT);
    expect(Math.min(spent[0] ?? 0, spent[1] ?? 0) / Math.max(spent[0] ?? 0, spent[1] ?? 1)).toBeGreaterThan(0.8);
    expect(left).toBeLessThan(3_000 * 0.1);
  });

  it('after a quota refusal, critical findings go first at the reset, then high, low and info last', () => {
    const draws = [0, 0.5, 0.999];
    const critical = draws.map((r) => afterResetSeconds(100, 'critical', () => r));
    const urgent = draws.map((r) => afterResetSeconds(100, 'urgent', () => r));
    const normal = draws.map((r) => afterResetSeconds(100, 'normal', () => r));
    const low = draws.map((r) => afterResetSeconds(100, 'low', () => r));
    expect(Math.max(...critical)).toBeLessThanOrEqual(Math.min(...urgent));
    expect(Math.max(...urgent)).toBeLessThanOrEqual(Math.min(...normal));
    expect(Math.max(...normal)).toBeLessThanOrEqual(Math.min(...low));
    expect(Math.min(...critical)).toBe(100);
  });
});

describe('waits that pass the reset', () => {
  it('what does not fit before the reset goes after it, at the gap of a full window (RateLimit-Policy), not the spent one', () => {
    // 20 points left for 300 s: a 22.5 s gap; a full window of 3,000 points an hour: 1.8 s.
    const signal: RateLimitInfo = { ...near(20, 300), pool: { points: 3_000, windowSeconds: 3_600 } };
    const delays = fairDelays(signal, 30, NOW, {}, () => 0.5);
    const before = delays.filter((d) => d <= 300);
    expect(before).toHaveLength(13); // 13 × 22.5 s = 292.5 s
    // After the reset, past the half-minute of critical and high findings, 1.8 s apart.
    expect(delays[13]).toBe(Math.ceil(300 + 30 + 1.8));
    expect((delays[29] ?? 0) - (delays[13] ?? 0)).toBeLessThanOrEqual(Math.ceil(16 * 1.8) + 1);
    // Without a policy header: the same gap goes on after the reset.
    expect(fairDelays(near(20, 300), 14, NOW, {}, () => 0.5).at(-1)).toBe(Math.ceil(330 + 22.5));
  });
});

it('reads the pool size from RateLimit-Policy (else Beta-RateLimit-Policy)', () => {
  const read = (headers: Record<string, string>) => readRateLimit({ status: 200, headers, body: undefined }).pool;
  expect(read({ 'ratelimit-policy': '"global-app-quota";q=65000;w=3600' })).toEqual({ points: 65_000, windowSeconds: 3_600 });
  expect(read({ 'beta-ratelimit-policy': '"burst";q=100;w=1, "tenant-app-quota";q=12000;w=3600' })).toEqual({ points: 100, windowSeconds: 1 });
  expect(read({ 'ratelimit-policy': '"global-app-quota";q=0;w=3600' })).toBeUndefined();
  expect(read({})).toBeUndefined();
});
