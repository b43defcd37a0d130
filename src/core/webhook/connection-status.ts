/**
 * "Last event received" for the admin page's connection panel: when Backline
 * last reached the app, with which event types, and how it went. At most one KVS
 * write per authenticated, well-formed request (never for requests that fail
 * the signature or validation, so nobody can make the app write by posting
 * junk to its public URL).
 */
import type { Primed } from '../prefetch';
import { z } from 'zod';
import { EVENT_TYPES } from '../events/schema';
import type { KeyValueStore } from '../ports';
import { RESULT_STATUSES } from '../results';

export const LAST_EVENT_KEY = 'webhook:last-event';

export const LAST_EVENT_OUTCOMES = ['ok', 'queued', 'failed', 'not_configured', 'error'] as const;
export type LastEventOutcome = (typeof LAST_EVENT_OUTCOMES)[number];

const eventTypeSchema = z.enum(EVENT_TYPES);

const lastEventSchema = z.object({
  /** Epoch ms when the request was answered. */
  at: z.number(),
  /** Distinct event types in the request, in first-seen order. */
  types: z.array(eventTypeSchema),
  eventCount: z.number().int(),
  httpStatus: z.number().int(),
  outcome: z.enum(LAST_EVENT_OUTCOMES),
  /** How many results had each status (absent for not_configured / error). */
  statusCounts: z.partialRecord(z.enum(RESULT_STATUSES), z.number().int()).optional(),
});
export type LastEvent = z.infer<typeof lastEventSchema>;

/**
 * Within this long, a request with the same outcome and HTTP status as the last one recorded
 * is not written again (types and counts then show the first request of that minute): under a
 * burst this saves one KVS write per event
 * (the installation's KVS budget is 4,000 writes a minute; docs/platform-limits.md "Storage") at the
 * price of a "last event" time up to a minute old. A different outcome is always written.
 */
export const LAST_EVENT_REFRESH_MS = 60_000;

/** `stored`: the key as read in the invocation's first batch (src/core/prefetch.ts), else it is read here. */
export async function recordLastEvent(store: KeyValueStore, event: LastEvent, stored?: Primed): Promise<void> {
  const previous = stored ? parseLastEvent(await stored.get(() => store.get<unknown>(LAST_EVENT_KEY))) : await getLastEvent(store);
  if (previous && event.at - previous.at >= 0 && event.at - previous.at < LAST_EVENT_REFRESH_MS && sameOutcome(previous, event)) return;
  await store.set(LAST_EVENT_KEY, event);
}

function sameOutcome(a: LastEvent, b: LastEvent): boolean {
  return a.outcome === b.outcome && a.httpStatus === b.httpStatus;
}

/** The last event, or undefined when none was received yet (or the stored value is from an incompatible version). */
export async function getLastEvent(store: KeyValueStore): Promise<LastEvent | undefined> {
  return parseLastEvent(await store.get<unknown>(LAST_EVENT_KEY));
}

function parseLastEvent(raw: unknown): LastEvent | undefined {
  if (raw === undefined) return undefined;
  const parsed = lastEventSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
