/**
 * Findings whose creation is queued (docs/performance.md "Storm"): a resolution
 * that overtakes its finding's creation waits for it (wait-for-issue.ts). Noted
 * when events are queued with a wait, kept a day (the longest a resolution waits).
 */
import { isFullFinding, type BacklineEvent } from '../events/schema';
import { TRANSACTION_LIMIT, type Clock, type KeyValueStore, type StoreKeyRef } from '../ports';

/** A day: wait-for-issue.ts waits 96 × 15 minutes at most. */
const AWAIT_SECONDS = 24 * 3600;

const AWAITED_PREFIX = 'awaited-issue:';
const awaitedKey = (findingId: string): string => `${AWAITED_PREFIX}${findingId}`.slice(0, 500);

/** The findings whose issue `event` may create (a snapshot, or a PR event carrying its finding's data). */
function mayCreate(event: BacklineEvent): string[] {
  if (event.type === 'finding.created' || event.type === 'finding.updated') return [event.data.finding.id];
  if (event.type === 'remediation.pr_opened') return event.data.findings.filter(isFullFinding).map((finding) => finding.id);
  return [];
}

/**
 * Notes the findings whose creation was just queued, so a resolution that overtakes it waits for it
 * (`waitsForIssue`), a day at most. Only when events are queued with a wait; never in the common path.
 */
export async function noteAwaitedIssues(store: KeyValueStore, clock: Clock, events: readonly BacklineEvent[]): Promise<void> {
  const ids = [...new Set(events.flatMap(mayCreate))];
  for (let i = 0; i < ids.length; i += TRANSACTION_LIMIT) {
    await store.transact(ids.slice(i, i + TRANSACTION_LIMIT).map((id) => ({ kind: 'set' as const, key: awaitedKey(id), value: { at: clock.now() }, ttlSeconds: AWAIT_SECONDS })));
  }
}

/** The note of a queued creation of the finding's issue (present: queued within the last day), for a batched read. */
export const awaitedRef = (findingId: string): StoreKeyRef => ({ key: awaitedKey(findingId) });
