/**
 * When a queued event will be tried next, for the admin page's Activity
 * ("Next attempt 14:05"). Written only when an event is handed to the queue
 * with a wait (a deferral, or a retry the consumer asks for), never in the
 * common path, and kept a day: a queued event is tried within 15 minutes
 * (Forge's longest `delayInSeconds`; under quota pressure an event may wait
 * longer, noted as such: fair-share.ts).
 */
import type { KeyValueStore, StoreKeyRef } from '../ports';
import { TRANSACTION_LIMIT } from '../ports';

export const NEXT_ATTEMPT_PREFIX = 'next-attempt:';
const KEEP_SECONDS = 24 * 3600;

const keyOf = (eventId: string) => `${NEXT_ATTEMPT_PREFIX}${eventId}`.slice(0, 500);

/** Records each event's next attempt (`at`, ms), ≤ 25 a transaction. */
export async function recordNextAttempts(store: KeyValueStore, attempts: ReadonlyArray<{ eventId: string; at: number }>): Promise<void> {
  for (let i = 0; i < attempts.length; i += TRANSACTION_LIMIT) {
    await store.transact(attempts.slice(i, i + TRANSACTION_LIMIT).map(({ eventId, at }) => ({ kind: 'set' as const, key: keyOf(eventId), value: { at }, ttlSeconds: KEEP_SECONDS })));
  }
}

/** The recorded next attempt (ms) per event id; events without one are left out. */
export async function readNextAttempts(store: KeyValueStore, eventIds: readonly string[]): Promise<Map<string, number>> {
  const refs: StoreKeyRef[] = eventIds.map((eventId) => ({ key: keyOf(eventId) }));
  const values = refs.length > 0 ? await store.getMany(refs) : [];
  const found = new Map<string, number>();
  values.forEach((value, index) => {
    const at = typeof value === 'object' && value !== null && 'at' in value ? value.at : undefined;
    const eventId = eventIds[index];
    if (typeof at === 'number' && eventId !== undefined) found.set(eventId, at);
  });
  return found;
}
