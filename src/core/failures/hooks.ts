/**
 * The one call the sync engine makes into this module after an event's
 * outcome is recorded (src/core/sync/processor.ts, `finish`): a final inline
 * failure becomes a dead letter and may start a Slack notification; a success
 * may end one. It never throws: failure handling must not fail the event.
 */
import type { BacklineEvent } from '../events/schema';
import type { Platform } from '../ports';
import type { EventResult } from '../results';
import { keepDeadLetter } from './dead-letters';
import { Notifier } from './notifications';

export interface RecordedOutcome {
  event: BacklineEvent;
  result: EventResult;
  /** The project the event was routed to or linked with; '' when none. */
  projectKey: string;
  /** `consumer`: the queue consumer keeps its own dead letters, knowing the retry count. */
  mode: 'inline' | 'consumer';
}

// One Notifier per platform (= per invocation): the webhook URL is read once.
const notifiers = new WeakMap<Platform, Notifier>();

export function notifierFor(platform: Platform): Notifier {
  let notifier = notifiers.get(platform);
  if (!notifier) {
    notifier = new Notifier(platform);
    notifiers.set(platform, notifier);
  }
  return notifier;
}

const SUCCESS = new Set<EventResult['status']>(['created', 'updated', 'unchanged', 'stale']);

export async function recordEventOutcome(platform: Platform, outcome: RecordedOutcome): Promise<void> {
  try {
    const { result } = outcome;
    if (result.status === 'failed') {
      if (outcome.mode === 'inline' && result.error && !result.error.retryable) {
        await keepDeadLetter(platform, { event: outcome.event, error: result.error, projectKey: outcome.projectKey, source: 'inline' }, notifierFor(platform));
      }
    } else if (SUCCESS.has(result.status) && outcome.projectKey && !result.error) {
      await notifierFor(platform).onSuccess(outcome.projectKey);
    }
  } catch (error) {
    platform.logger.warn('failure bookkeeping skipped', { eventId: outcome.event.id, error: error instanceof Error ? error.name : 'error' });
  }
}
