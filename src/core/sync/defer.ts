/**
 * Handing work to the Forge queue: what does not fit in the invocation's time,
 * what pacing holds back, and what Jira refused for now. Written once: the
 * processor calls `deferRest` from whichever event stopped the batch.
 */
import type { BacklineEvent } from '../events/schema';
import type { EventResult, ResultError } from '../results';
import type { Invocation } from './invocation';
import { isApplicable } from './outcome';
import { recordNextAttempts } from './next-attempt';
import { MAX_DELAY_SECONDS } from './pacing';
import { Folder, carriedBy, type Fold } from './coalesce';
import { noteAwaitedIssues } from './awaited-issues';

/** What the queue carries: the event itself (re-validated by the consumer). */
export interface QueuedEvent {
  kind: 'backline-event';
  event: BacklineEvent;
  enqueuedAt: number;
  /**
   * Seconds the event still waits after this delivery, when its wait passed
   * Forge's longest delay (900 s): the consumer queues it again for the rest
   * (fair-share.ts spaces waiting events beyond 900 s under pressure).
   */
  holdSeconds?: number;
  /** Times a resolution already waited for its finding's creation (consumer.ts `waitsForItsIssue`). */
  waitedForIssue?: number;
  /**
   * Delivered events folded into `event` (coalesce.ts): applied by it, and recorded with its
   * result when it is (record.ts), so each is answered as a duplicate if delivered again.
   */
  carries?: BacklineEvent[];
}

/** Events in one `push` (docs/platform-limits.md "Async events"). */
export const QUEUE_PUSH_LIMIT = 50;

/** `carries[i]`: the delivered events folded into `events[i]` (coalesce.ts), queued with it. */
export async function enqueue(inv: Pick<Invocation, 'queue' | 'clock'>, events: BacklineEvent[], delaySeconds: number | readonly number[], carries: ReadonlyArray<readonly BacklineEvent[]> = []): Promise<void> {
  const delayOf = (index: number) => Math.max(0, Math.ceil(typeof delaySeconds === 'number' ? delaySeconds : (delaySeconds[index] ?? 0)));
  for (let i = 0; i < events.length; i += QUEUE_PUSH_LIMIT) {
    await inv.queue.push(
      events.slice(i, i + QUEUE_PUSH_LIMIT).map((event, j) => {
        const delay = delayOf(i + j);
        const hold = delay - MAX_DELAY_SECONDS;
        const carried = carries[i + j] ?? [];
        return {
          body: { kind: 'backline-event', event, enqueuedAt: inv.clock.now(), ...(hold > 0 ? { holdSeconds: hold } : {}), ...(carried.length > 0 ? { carries: [...carried] } : {}) } satisfies QueuedEvent,
          ...(delay > 0 ? { delayInSeconds: Math.min(MAX_DELAY_SECONDS, delay) } : {}),
        };
      }),
    );
  }
}

/** For the Activity's "next attempt": a failure to note it must not undo the queueing (the event is safe). */
async function noteNextAttempt(inv: Invocation, events: readonly BacklineEvent[], delaySeconds: number): Promise<void> {
  // Without a wait the queue runs the event at once: nothing worth a storage write to say.
  if (events.length === 0 || delaySeconds <= 0) return;
  const at = inv.clock.now() + Math.min(MAX_DELAY_SECONDS, Math.ceil(delaySeconds)) * 1000;
  await recordNextAttempts(inv.store, events.map((e) => ({ eventId: e.id, at }))).catch((error: unknown) => inv.logger.warn('could not note the next attempt of queued events', { error: String(error) }));
}

/**
 * Queues waiting events each after its own wait (`delays[i]` s, fair-share.ts),
 * answers `queued` with `reason` for each, or `unqueued` for each when the queue refuses.
 */
export async function deferSpaced(inv: Invocation, events: BacklineEvent[], delays: readonly number[], reason: string, unqueued: ResultError, carries: ReadonlyArray<readonly BacklineEvent[]> = []): Promise<EventResult[]> {
  try {
    await enqueue(inv, events, delays, carries);
  } catch {
    return events.map((e) => ({ eventId: e.id, type: e.type, status: 'failed', error: unqueued }));
  }
  await noteAwaited(inv, events);
  const now = inv.clock.now();
  await recordNextAttempts(inv.store, events.map((e, i) => ({ eventId: e.id, at: now + (delays[i] ?? 0) * 1000 }))).catch((error: unknown) =>
    inv.logger.warn('could not note the next attempt of queued events', { error: String(error) }),
  );
  return events.map((e) => ({ eventId: e.id, type: e.type, status: 'queued', reason }));
}

/** A failure to note a queued creation must not undo the queueing (the event is safe; a resolution may then not wait for it). */
async function noteAwaited(inv: Invocation, events: readonly BacklineEvent[]): Promise<void> {
  await noteAwaitedIssues(inv.store, inv.clock, events).catch((error: unknown) => inv.logger.warn('could not note the queued creations', { error: String(error) }));
}

/** Why an event waits, and with which write when it was folded into another one's. */
export function queuedReason(reason: string | undefined, fold: Fold): { reason?: string } {
  const together = fold.originals.length > 1 ? `${fold.originals.length} events of this finding go as one write (${fold.event.id})` : undefined;
  const text = [reason, together].filter((part): part is string => part !== undefined).join('; ');
  return text ? { reason: text } : {};
}

export interface Deferral {
  delaySeconds: number;
  /** Each event's own wait, when they differ (a spent pool: by priority after the reset, fair-share.ts). */
  delayOf?: (event: BacklineEvent) => number;
  /** Said with each queued event. */
  reason?: string;
  /** Reported for each event when the queue refuses too. */
  unqueued: ResultError;
}

/**
 * Queues every event of `events` that changes issues and was not applied yet (in
 * order), answers pings and lookups now (`answerNow`), and answers one result per
 * event. When the queue refuses, every event not applied yet fails with `unqueued`
 * (Backline redelivers).
 */
export async function deferRest(
  inv: Invocation,
  events: BacklineEvent[],
  deferral: Deferral,
  applied: ReadonlyMap<string, EventResult>,
  answerNow: (event: BacklineEvent) => Promise<EventResult>,
): Promise<EventResult[]> {
  // Events of one finding queued together fold into one write (coalesce.ts), in the first one's place.
  const folder = new Folder();
  for (const e of events) if (isApplicable(e) && !applied.has(e.id)) folder.add(e);
  const rest = folder.folds.map((fold) => fold.event);
  // A fold waits as its first event would (its place and its priority).
  const delays = folder.folds.map((fold) => deferral.delayOf?.(fold.originals[0] ?? fold.event) ?? deferral.delaySeconds);
  try {
    await enqueue(inv, rest, delays, folder.folds.map(carriedBy));
  } catch {
    return events.map((e) => applied.get(e.id) ?? { eventId: e.id, type: e.type, status: 'failed', error: deferral.unqueued });
  }
  if (delays.some((delay) => delay > 0)) await noteAwaited(inv, rest);
  const foldOf = new Map(folder.folds.flatMap((fold, i) => fold.originals.map((original) => [original, { fold, delay: delays[i] ?? 0 }] as const)));
  if (deferral.delayOf) await recordNextAttempts(inv.store, [...foldOf].map(([e, { delay }]) => ({ eventId: e.id, at: inv.clock.now() + delay * 1000 }))).catch(() => undefined);
  else await noteNextAttempt(inv, [...foldOf.keys()], deferral.delaySeconds);
  const results: EventResult[] = [];
  for (const e of events) {
    const known = applied.get(e.id);
    const fold = foldOf.get(e)?.fold;
    if (known) results.push(known);
    else if (fold) results.push({ eventId: e.id, type: e.type, status: 'queued', ...queuedReason(deferral.reason, fold) });
    else results.push(await answerNow(e));
  }
  return results;
}
