/**
 * What the admin page says about quota pressure ("Jira's hourly points are
 * nearly spent; 340 events wait; the next window opens at 14:00 UTC; critical
 * and high findings go first"): noted when an invocation saw Jira's
 * `X-RateLimit-NearLimit`, kept until the quota resets (the key's TTL), and
 * counted from the next-attempt notes of the events that wait.
 */
import type { RateLimitInfo } from '../jira/http';
import type { KeyValueStore, StoreKeyRef } from '../ports';
import { NEXT_ATTEMPT_PREFIX } from './next-attempt';
import { msUntilQuotaReset } from './pacing';

const PRESSURE_KEY = 'jira:pressure';
/** A page of the waiting count; the count stops at this many pages (the admin page says "more than"). */
const COUNT_PAGES = 10;

interface StoredPressure {
  resetAt: number;
}

export interface PressureView {
  /** When the hour's points reset, as Jira said (else the next UTC hour). */
  resetAt: number;
  /** Events waiting in the queue for a later attempt, counted up to 1,000. */
  waiting: number;
  /** True when there were more than could be counted. */
  more: boolean;
}

/** Notes that Jira said the quota is nearly spent, kept until the reset (the same figure pacing waits for). */
export async function notePressure(store: KeyValueStore, info: RateLimitInfo | undefined, now: number): Promise<void> {
  if (!info?.nearLimit) return;
  const resetAt = now + Math.max(60_000, msUntilQuotaReset(info, now));
  const value: StoredPressure = { resetAt };
  await store.set(PRESSURE_KEY, value, { ttlSeconds: Math.ceil((resetAt - now) / 1000) });
}

/** The pressure note's key, for a caller that reads it in a batch with others (`wasUnderPressure`). */
export const PRESSURE_REF: StoreKeyRef = { key: PRESSURE_KEY };

/** Whether the stored pressure note (raw): an invocation saw Jira say the quota is nearly spent, and it has not reset since. */
export function wasUnderPressure(raw: unknown, now: number): boolean {
  const resetAt = typeof raw === 'object' && raw !== null && 'resetAt' in raw ? raw.resetAt : undefined;
  return typeof resetAt === 'number' && resetAt > now;
}


/** The pressure the admin page shows, or undefined when Jira has not said so since the last reset. */
export async function readPressure(store: KeyValueStore, now: number): Promise<PressureView | undefined> {
  const stored = await store.get<StoredPressure>(PRESSURE_KEY);
  if (!stored || typeof stored.resetAt !== 'number' || stored.resetAt <= now) return undefined;
  let waiting = 0;
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.list<{ at?: number }>(NEXT_ATTEMPT_PREFIX, { limit: 100, ...(cursor ? { cursor } : {}) });
    waiting += page.items.filter((item) => typeof item.value?.at === 'number' && item.value.at > now).length;
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor && pages < COUNT_PAGES);
  return { resetAt: stored.resetAt, waiting, more: cursor !== undefined };
}
