/**
 * The queue consumer's core: applies queued events through the same
 * idempotent processor as the web trigger. Retryable failures ask the
 * platform for a retry (RetryLaterError → Forge InvocationError with
 * retryAfter), after the wait pacing.ts computes; after the retry budget, on a
 * final failure, or for a message that is not a Backline event, the event goes
 * to `keepDeadLetter` (src/core/engine.ts wires src/core/failures/dead-letters.ts),
 * so nothing is ever lost silently. A refusal for the hour's points is no
 * failure: the event waits for the reset as a new message (fair-share.ts), and
 * an event spaced beyond Forge's 900 s longest delay waits out the rest first.
 * Nor is a finding held by another delivery (`waitForHolder`).
 */
import { eventSchema, type BacklineEvent } from '../events/schema';
import type { Platform } from '../ports';
import { RetryLaterError } from '../ports';
import type { ResultError } from '../results';
import { recordNextAttempts } from './next-attempt';
import { enqueue } from './defer';
import { CLAIM_STALE_MS } from './idempotency';
import { afterResetSeconds } from './fair-share';
import { isQuotaRefusal, msUntilQuotaReset, queueDelaySeconds } from './pacing';
import { priorityOfAll } from './pressure';
import { createEventProcessor, type ProcessorOptions } from './processor';

export const MAX_QUEUE_RETRIES = 8;
/** Forge consumers may run up to 900 s; one event is given this long. */
const CONSUMER_BUDGET_MS = 120_000;
/**
 * Inline retries an event already had before it was queued (retry.ts: 2 s, 4 s):
 * the queue's retries continue the same doubling from there.
 */
const INLINE_ATTEMPTS = 2;

/** An event (or a message that is not one) the consumer gives up on. */
export interface GivenUp {
  /** The queued event; for an unreadable message, whatever the message carried. */
  event: unknown;
  error: ResultError;
  retries: number;
}

export interface ConsumerOptions extends ProcessorOptions {
  keepDeadLetter: (letter: GivenUp) => Promise<void>;
}

/** For the Activity's "next attempt": a failure to note it must not fail the delivery. */
async function noteNextAttempt(platform: Platform, event: BacklineEvent, delaySeconds: number): Promise<void> {
  await recordNextAttempts(platform.store, [{ eventId: event.id, at: platform.clock.now() + Math.ceil(delaySeconds) * 1000 }]).catch((error: unknown) =>
    platform.logger.warn('could not note the next attempt of a queued event', { eventId: event.id, error: String(error) }),
  );
}

/** The event (with the events folded into it) as a new queue message after `delaySeconds` (its own retry count starts again). */
async function requeue(platform: Platform, event: BacklineEvent, delaySeconds: number, carries: readonly BacklineEvent[]): Promise<void> {
  await enqueue(platform, [event], delaySeconds, [carries]);
  await noteNextAttempt(platform, event, delaySeconds);
}

/**
 * Another delivery holds the event's finding (idempotency.ts): no failure of this event, so it
 * never ends as a dead letter. The holder releases its claim, or the claim goes stale after
 * CLAIM_STALE_MS and the next attempt takes it over: each wait doubles up to that, so the
 * budget's retries outlast a claim left by a crash, and past the budget the event waits on as
 * a new message.
 */
async function waitForHolder(platform: Platform, event: BacklineEvent, retries: number, message: string, carries: readonly BacklineEvent[]): Promise<void> {
  const staleSeconds = Math.ceil(CLAIM_STALE_MS / 1000);
  if (retries >= MAX_QUEUE_RETRIES) return requeue(platform, event, staleSeconds, carries);
  const delay = Math.min(staleSeconds, 2 ** (retries + 1));
  await noteNextAttempt(platform, event, delay);
  throw new RetryLaterError(message, delay, 'retry-requested');
}

/** The delivered events folded into the queued one (coalesce.ts); they were validated when delivered. */
function carriesOf(body: Record<string, unknown>): BacklineEvent[] | undefined {
  if (body.carries === undefined) return [];
  const parsed = eventSchema.array().safeParse(body.carries);
  return parsed.success ? parsed.data : undefined;
}

export function createSyncConsumer(platform: Platform, options: ConsumerOptions) {
  const { keepDeadLetter, ...processorOptions } = options;
  return {
    async handle(body: Record<string, unknown>, context: { retryCount?: number } = {}): Promise<void> {
      const retries = context.retryCount ?? 0;
      const parsed = eventSchema.safeParse(body.event);
      if (!parsed.success) {
        platform.logger.error('queued message is not a Backline event; kept as a dead letter', { jobBody: Object.keys(body) });
        await keepDeadLetter({ event: body.event ?? body, error: { code: 'INVALID_EVENT', message: 'The queued message is not a valid Backline event', retryable: false }, retries });
        return;
      }
      const event = parsed.data;
      const carries = carriesOf(body);
      if (!carries) {
        platform.logger.error('queued message carries events that are not Backline events; kept as a dead letter', { eventId: event.id });
        await keepDeadLetter({ event: body, error: { code: 'INVALID_EVENT', message: 'The events folded into the queued event are not valid Backline events', retryable: false }, retries });
        return;
      }
      const hold = typeof body.holdSeconds === 'number' && body.holdSeconds > 0 ? body.holdSeconds : 0;
      // Fairly spaced beyond Forge's longest delay (fair-share.ts): wait the rest first.
      if (hold > 0) return requeue(platform, event, hold, carries);
      // A resolution whose finding's creation is still queued waits for it: decided on the event's first read
      // (the processor's waitForIssue), with no storage call of its own when the issue exists.
      const waited = typeof body.waitedForIssue === 'number' ? body.waitedForIssue : 0;
      const processor = createEventProcessor(platform, { ...processorOptions, mode: 'consumer' });
      // The event's first reads and the project list in one storage round trip (EventProcessor.prepare);
      // a list that fails here is read again, and reported, where the event uses it.
      await Promise.all([processor.prepare?.([event]), processorOptions.configs?.listProjects().catch(() => undefined)]);
      const [result] = await processor.process([event], { deadlineAt: platform.clock.now() + CONSUMER_BUDGET_MS, carries: new Map([[event.id, carries]]), waitedForIssue: waited });
      // Applied before (a redelivery): the events folded into it may not have been; each goes on its own.
      if (result?.status === 'duplicate' && carries.length > 0) return enqueue(platform, carries, 0);
      if (!result || result.status !== 'failed') return;
      const refusal = processor.lastRefusal();
      if (result.error?.code === 'JIRA_UNAVAILABLE' && refusal && isQuotaRefusal(refusal)) {
        // The hour's points are spent: a wait for the pool, not a failure. Queued again for the reset, in the
        // event's priority slot, so it never uses up the retry budget however many hours a storm needs.
        return requeue(platform, event, afterResetSeconds(msUntilQuotaReset(refusal, platform.clock.now()) / 1000, priorityOfAll([event, ...carries])), carries);
      }
      if (result.error?.code === 'IN_PROGRESS') return waitForHolder(platform, event, retries, result.error.message, carries);
      if (result.error?.retryable && retries < MAX_QUEUE_RETRIES) {
        // Jira refused: wait what it asked for (the hourly quota: until the reset), not a blind backoff.
        const delay = queueDelaySeconds(result.error, refusal, retries + INLINE_ATTEMPTS, platform.clock.now());
        await noteNextAttempt(platform, event, delay);
        throw new RetryLaterError(result.error.message, delay, result.error.code === 'JIRA_UNAVAILABLE' ? 'rate-limited' : 'retry-requested');
      }
      const error = result.error ?? { code: 'INTERNAL', message: 'The event failed', retryable: false };
      // Each delivered event folded into this one is kept too: a retry from the admin page applies each.
      for (const kept of [event, ...carries]) await keepDeadLetter({ event: kept, error, retries });
    },
  };
}
