/**
 * Keeping one finding's order across deliveries under pressure. Each delivery
 * is spaced on its own (fair-share.ts), so a finding's creation may still wait
 * in the queue when a later delivery resolves it; applied first, the resolution
 * would find no issue and be skipped, and the creation would then open an issue
 * that stays open. So while this installation is under pressure (pressure-state.ts),
 * a `finding.resolved` whose finding has no issue yet waits for it in the queue,
 * 15 minutes at a time and a day at most, then goes as usual.
 */
import type { BacklineEvent } from '../events/schema';
import type { Clock, KeyValueStore, Queue } from '../ports';
import { awaitedRef } from './awaited-issues';
import type { QueuedEvent } from './defer';
import { linkRef, parseLink } from './links';
import { PRESSURE_REF, wasUnderPressure } from './pressure-state';

export const ISSUE_WAIT_SECONDS = 900;
export const MAX_ISSUE_WAITS = 96;

/**
 * Whether `event` should wait for its finding's issue (`waited`: how often it already did). The
 * finding's link, the note of its queued creation and the pressure note are read in one storage call.
 */
export async function waitsForIssue(store: KeyValueStore, clock: Clock, event: BacklineEvent, waited: number): Promise<boolean> {
  if (event.type !== 'finding.resolved' || waited >= MAX_ISSUE_WAITS) return false;
  const { id } = event.data.finding;
  const [link, awaited, pressure] = await store.getMany([linkRef(id), awaitedRef(id), PRESSURE_REF]);
  if (parseLink(link)) return false;
  // A creation still queued (noted when it was queued): the pressure note alone lapses at each quota reset,
  // while a low finding's creation may wait many hours of a storm (docs/performance.md "Storm").
  return awaited !== undefined || wasUnderPressure(pressure, clock.now());
}

/** Queues `event` to look again in 15 minutes. */
export async function queueToWaitForIssue(queue: Queue, clock: Clock, event: BacklineEvent, waited: number, carries: readonly BacklineEvent[] = []): Promise<void> {
  const body: QueuedEvent = { kind: 'backline-event', event, enqueuedAt: clock.now(), waitedForIssue: waited + 1, ...(carries.length > 0 ? { carries: [...carries] } : {}) };
  await queue.push([{ body: body as unknown as Record<string, unknown>, delayInSeconds: ISSUE_WAIT_SECONDS }]);
}
