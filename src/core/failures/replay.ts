/**
 * Retrying dead letters (an admin's "Retry"): through the same idempotent
 * processor as a new delivery, with the app's outcome hooks (src/core/engine.ts),
 * so an event that fails again is kept again (its `replays` counted). Retrying
 * many at once runs inline until the resolver's deadline; what does not fit goes
 * to the Forge queue (the processor does that itself), and a queued event that
 * fails again comes back as a dead letter.
 */
import { createAppProcessor } from '../engine';
import type { Platform } from '../ports';
import type { EventResult } from '../results';
import type { EventProcessor } from '../sync/processor';
import { discardDeadLetters, getDeadLetter, type DeadLetter } from './dead-letters';

export interface RetryOutcome {
  eventId: string;
  /** The processor's result status (`queued` = handed to the queue; it comes back here if it fails again). */
  status: EventResult['status'] | 'missing' | 'unreadable';
  issues?: Array<{ key: string; url: string }>;
  error?: { code: string; message: string };
}

/**
 * Re-runs dead letters through the processor, oldest first (events of one
 * finding keep their order). A success (or a duplicate: it was applied by a
 * later delivery) removes the dead letter; a failure keeps it with the new error.
 */
export async function retryDeadLetters(
  platform: Platform,
  eventIds: string[],
  options: { deadlineAt: number; processor?: EventProcessor },
): Promise<RetryOutcome[]> {
  const outcomes: RetryOutcome[] = [];
  const letters: DeadLetter[] = [];
  for (const id of eventIds) {
    const letter = await getDeadLetter(platform, id);
    if (!letter) outcomes.push({ eventId: id, status: 'missing', error: { code: 'NOT_FOUND', message: 'No dead letter with this id: it was retried or discarded already.' } });
    else if (!letter.event) outcomes.push({ eventId: id, status: 'unreadable', error: { code: 'INVALID_EVENT', message: 'The stored event is not a valid Backline event; it cannot be retried. Discard it.' } });
    else letters.push(letter);
  }
  letters.sort((a, b) => a.at - b.at);
  const events = letters.flatMap((l) => (l.event ? [l.event] : []));
  if (events.length === 0) return outcomes;
  const processor = options.processor ?? createAppProcessor(platform);
  const results = await processor.process(events, { deadlineAt: options.deadlineAt });
  for (const result of results) {
    if (result.status !== 'failed') await discardDeadLetters(platform, [result.eventId]);
    outcomes.push({
      eventId: result.eventId,
      status: result.status,
      ...(result.issues ? { issues: result.issues.map((i) => ({ key: i.key, url: i.url })) } : {}),
      ...(result.error ? { error: { code: result.error.code, message: result.error.message } } : {}),
    });
  }
  return outcomes;
}

