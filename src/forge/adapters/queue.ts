/**
 * `Queue` over @forge/events. Forge refuses a push of more than 50 events or
 * 200 KB (limits-async-events), so pushes are split into chunks that fit;
 * push failures become the core's coded errors (retryable where Forge says
 * trying again can work).
 */
import { PartialSuccessError, PayloadTooBigError, Queue as ForgeQueue, RateLimitError, TooManyEventsError } from '@forge/events';
import { CodedError } from '../../core/errors';
import type { Queue, QueueMessage } from '../../core/ports';

export const SYNC_QUEUE_KEY = 'backline-sync';

const MAX_EVENTS_PER_PUSH = 50;
/** The SDK measures `JSON.stringify(events)` in KiB against 200. */
const MAX_BYTES_PER_PUSH = 200 * 1024;

const size = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** Splits messages into pushes Forge accepts, keeping their order. */
export function chunkMessages(messages: QueueMessage[]): QueueMessage[][] {
  const chunks: QueueMessage[][] = [];
  let current: QueueMessage[] = [];
  let currentBytes = 2; // the array brackets
  for (const message of messages) {
    const bytes = size(message) + 1; // + the comma
    if (bytes + 2 > MAX_BYTES_PER_PUSH) {
      throw new CodedError('INTERNAL', `A queue message of ${bytes} bytes exceeds Forge's 200 KB push limit`);
    }
    if (current.length === MAX_EVENTS_PER_PUSH || currentBytes + bytes > MAX_BYTES_PER_PUSH) {
      chunks.push(current);
      current = [];
      currentBytes = 2;
    }
    current.push(message);
    currentBytes += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function mapPushError(error: unknown): CodedError {
  if (error instanceof RateLimitError) {
    return new CodedError('INTERNAL', 'Forge queue rate limit reached (500 events/min per installation)', {
      retryable: true,
      retryAfterSeconds: 60,
      cause: error,
    });
  }
  if (error instanceof PayloadTooBigError || error instanceof TooManyEventsError) {
    return new CodedError('INTERNAL', `Forge refused the queue push: ${error.message}`, { cause: error });
  }
  return new CodedError('INTERNAL', `Forge queue push failed: ${error instanceof Error ? error.message : String(error)}`, {
    retryable: true,
    cause: error,
  });
}

export function forgeQueue(key: string = SYNC_QUEUE_KEY): Queue {
  const queue = new ForgeQueue({ key });
  return {
    async push(messages) {
      for (const chunk of chunkMessages(messages)) {
        const events = chunk.map((m) => ({ body: m.body, ...(m.delayInSeconds !== undefined ? { delayInSeconds: m.delayInSeconds } : {}) }));
        try {
          await queue.push(events);
        } catch (error) {
          // Some events were accepted: push only the failed ones again, once.
          if (error instanceof PartialSuccessError && error.failedEvents.length > 0) {
            try {
              // The SDK's typings say `event`, its code sets `payload` (@forge/events 3.0.8): accept both.
              const failed = error.failedEvents.map((f) => (f as { payload?: typeof f.event }).payload ?? f.event);
              await queue.push(failed);
              continue;
            } catch (retryError) {
              throw mapPushError(retryError);
            }
          }
          throw mapPushError(error);
        }
      }
    },
  };
}
