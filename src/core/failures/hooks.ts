/**
 * This feature's `onOutcome` hook (src/core/sync/outcome.ts; wired by
 * src/core/engine.ts): a final inline failure becomes a dead letter and may
 * start a Slack notification; a move a workflow refused (TRANSITION_BLOCKED:
 * the event applied, the issue stayed) starts one too, since someone must
 * look at the workflow; a success may end one. The queue consumer keeps
 * its own dead letters (it knows the retry count). It never throws: failure
 * handling must not fail the event.
 */
import type { Platform } from '../ports';
import type { EventResult } from '../results';
import type { EventOutcome, OutcomeHook } from '../sync/outcome';
import { keepDeadLetter } from './dead-letters';
import type { Prefetch } from '../prefetch';
import { FAILURES_OPEN_KEY, Notifier } from './notifications';

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

/** With `prefetch`, the "failures may be open" marker rides in the invocation's first batched read. */
export function failureOutcomeHook(platform: Platform, prefetch?: Prefetch): OutcomeHook {
  prefetch?.want({ key: FAILURES_OPEN_KEY }, (raw) => notifierFor(platform).primeOpen(raw));
  return (outcome) => recordFailureOutcome(platform, outcome);
}

async function recordFailureOutcome(platform: Platform, outcome: EventOutcome): Promise<void> {
  try {
    const { result } = outcome;
    if (result.status === 'failed') {
      if (outcome.mode === 'inline' && result.error && !result.error.retryable) {
        await keepDeadLetter(platform, { event: outcome.event, error: result.error, projectKey: outcome.projectKey, source: 'inline' }, notifierFor(platform));
      }
    } else if (result.error?.code === 'TRANSITION_BLOCKED') {
      // One message per kind of failure while it lasts (notifications.ts), not one per blocked event.
      await notifierFor(platform).onFailure(outcome.projectKey, result.error.code, result.error.message, outcome.event.id);
    } else if (SUCCESS.has(result.status) && outcome.projectKey && !result.error) {
      await notifierFor(platform).onSuccess(outcome.projectKey);
    }
  } catch (error) {
    platform.logger.warn('failure bookkeeping skipped', { eventId: outcome.event.id, error: error instanceof Error ? error.name : 'error' });
  }
}
