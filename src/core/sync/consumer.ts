/**
 * The queue consumer's core: applies queued events through the same
 * idempotent processor as the web trigger. Retryable failures ask the
 * platform for a retry (RetryLaterError → Forge InvocationError with
 * retryAfter); after the retry budget, or on a final failure, the event is
 * kept as a dead letter in KVS (`deadletter:<eventId>`, full payload and
 * error), so nothing is ever lost silently.
 */
import { eventSchema } from '../events/schema';
import type { Platform } from '../ports';
import { RetryLaterError } from '../ports';
import { retryDelaySeconds } from './pacing';
import { createEventProcessor, type ProcessorOptions } from './processor';
import { keepDeadLetter } from '../failures/dead-letters';

export const MAX_QUEUE_RETRIES = 8;
/** Forge consumers may run up to 900 s; one event is given this long. */
const CONSUMER_BUDGET_MS = 120_000;

export const deadLetterKey = (eventId: string): string => `deadletter:${eventId}`;

export function createSyncConsumer(platform: Platform, options: ProcessorOptions = {}) {
  return {
    async handle(body: Record<string, unknown>, context: { retryCount?: number } = {}): Promise<void> {
      const parsed = eventSchema.safeParse(body.event);
      if (!parsed.success) {
        platform.logger.error('queued message is not a Backline event; dropped to dead letters', { jobBody: Object.keys(body) });
        await platform.store.set(deadLetterKey(`invalid-${platform.clock.now()}`), { body, error: 'invalid event', at: platform.clock.now() });
        return;
      }
      const event = parsed.data;
      const processor = createEventProcessor(platform, { ...options, mode: 'consumer' });
      const [result] = await processor.process([event], { deadlineAt: platform.clock.now() + CONSUMER_BUDGET_MS });
      if (!result || result.status !== 'failed') return;
      const retryCount = context.retryCount ?? 0;
      if (result.error?.retryable && retryCount < MAX_QUEUE_RETRIES) {
        // Jira refused: wait what it asked for (the hourly quota: until the reset), not a blind backoff.
        const refusal = result.error.code === 'JIRA_UNAVAILABLE' ? processor.lastRefusal?.() : undefined;
        const delay = refusal ? retryDelaySeconds(refusal, retryCount, platform.clock.now()) : Math.min(900, 2 ** (retryCount + 1) * 5);
        throw new RetryLaterError(result.error.message, delay, result.error.code === 'JIRA_UNAVAILABLE' ? 'rate-limited' : 'retry-requested');
      }
      // Same key (`deadletter:<eventId>`), plus the project and a Slack notification (src/core/failures/dead-letters.ts).
      await keepDeadLetter(platform, { event, ...(result.error ? { error: result.error } : {}), retries: retryCount, source: 'consumer' });
    },
  };
}
