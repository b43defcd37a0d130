/**
 * Fair shares of the app's hourly points pool between installations
 * (docs/performance.md "Fair sharing"). On Jira's default tier every
 * installation of the app draws on one pool; each sees the same figures in
 * Jira's answers (`RateLimit: r=` points left for the whole app, `t=` seconds
 * to the reset) and none knows how many others there are, or how much work
 * they hold.
 *
 * The rule: under pressure an installation spaces its waiting events so that
 * it alone would spend what is left exactly at the reset,
 *
 *     gap = REQUESTS_PER_EVENT × t / r     (per event, jittered ×0.8–1.2)
 *
 * N installations with work each take that same rate, so each gets the same
 * share whatever its backlog (a large backlog waits longer, it does not take
 * more). Together they spend N times faster, so `r` falls, the next answers
 * carry a smaller `r`, and every gap grows: the pool shrinks as (τ/τ₀)^N of
 * the time τ to the reset and reaches 0 only at the reset. No installation
 * needs to know N, and no one races the others into Jira's refusals. The jitter
 * keeps installations that read the same header from waking in lockstep.
 *
 * Pure functions over an injected clock value and random source.
 */
import type { RateLimitInfo } from '../jira/http';
import { msUntilNextHour, REQUESTS_PER_EVENT } from './pacing';

/** Each gap is the fair gap times a factor in [1 - JITTER, 1 + JITTER]. */
export const JITTER = 0.2;

/**
 * Seconds between two of this installation's waiting events under pressure:
 * the gap at which the points left would last until the reset. Nothing left
 * (or no figure for it): the whole time to the reset.
 */
export function fairGapSeconds(signal: RateLimitInfo, now: number): number {
  const untilReset = signal.quota?.resetInSeconds ?? msUntilNextHour(now) / 1000;
  const remaining = signal.quota?.remaining;
  if (remaining === undefined || remaining <= 0) return untilReset;
  return Math.min(untilReset, (REQUESTS_PER_EVENT * untilReset) / remaining);
}

export interface SpacingOptions {
  /** The first event waits one gap after this (s): 0, or where an earlier group ends. */
  after?: number;
  /** Gaps this many times the fair gap (low and info findings: pressure.ts). Default 1. */
  factor?: number;
}

/**
 * The wait (whole seconds, ≥ 1) of each of `count` waiting events, in order:
 * each a jittered fair gap after the one before. The gap holds until the
 * quota's reset; what does not fit before it goes after it (past the first
 * half-minute, which is for critical and high findings: `AFTER_RESET_SPREAD`),
 * at the gap a full window gives (`RateLimit-Policy` q=, w=), never the gap of
 * the nearly spent window stretched over hours. Never decreasing, so events
 * of one finding, queued in order, stay in order. A wait may pass Forge's
 * 900 s longest queue delay: the queue carries the rest (defer.ts `holdSeconds`).
 */
export function fairDelays(signal: RateLimitInfo, count: number, now: number, options: SpacingOptions = {}, random: () => number = Math.random): number[] {
  const factor = options.factor ?? 1;
  const untilReset = signal.quota?.resetInSeconds ?? msUntilNextHour(now) / 1000;
  const gap = fairGapSeconds(signal, now) * factor;
  const nextGap = (signal.pool ? (REQUESTS_PER_EVENT * signal.pool.windowSeconds) / signal.pool.points : fairGapSeconds(signal, now)) * factor;
  const delays: number[] = [];
  let at = options.after ?? 0;
  for (let i = 0; i < count; i++) {
    const jitter = 1 - JITTER + random() * 2 * JITTER;
    if (at + gap * jitter < untilReset) at += gap * jitter;
    else at = Math.max(at, untilReset + (AFTER_RESET_SPREAD.normal[0])) + nextGap * jitter;
    delays.push(Math.max(1, Math.ceil(at)));
  }
  return delays;
}

/** Seconds after the reset a refused event tries again: critical first, then high, then the rest, low and info last. */
export const AFTER_RESET_SPREAD: Readonly<Record<'critical' | 'urgent' | 'normal' | 'low', readonly [number, number]>> = {
  critical: [0, 15],
  urgent: [15, 30],
  normal: [30, 90],
  low: [90, 210],
};

/** When an event Jira refused for the hour's quota tries again: at the reset, in its priority's slot, jittered. */
export function afterResetSeconds(untilResetSeconds: number, priority: keyof typeof AFTER_RESET_SPREAD, random: () => number = Math.random): number {
  const [from, to] = AFTER_RESET_SPREAD[priority];
  return Math.max(1, Math.ceil(untilResetSeconds + from + random() * (to - from)));
}
