/**
 * Forge async-events queue stand-in (docs/platform-limits.md "Async events"): pushes of
 * ≤ 50 events and ≤ 200 KB, bodies must be objects, `delayInSeconds` ≤ 900.
 * Pushes are recorded; `drain(handler)` delivers them at least once, retrying a
 * message whose handler throws (as Forge does) up to `maxAttempts`.
 */
import type { Clock, Queue, QueueMessage } from '../../src/core/ports';
import { RetryLaterError } from '../../src/core/ports';
import { FakeClock } from './clock';

export interface DeliveryContext {
  jobId: string;
  retryCount: number;
}

export interface PendingMessage extends QueueMessage {
  jobId: string;
  retryCount: number;
}

export interface DrainReport {
  delivered: number;
  retried: number;
  /** Messages whose handler still threw after `maxAttempts` deliveries. */
  failed: Array<{ message: PendingMessage; error: unknown }>;
}

export class QueuePushError extends Error {
  constructor(
    readonly code: 'TOO_MANY_EVENTS' | 'PAYLOAD_TOO_BIG' | 'INVALID_EVENT' | 'RATE_LIMITED',
    message: string,
  ) {
    super(message);
    this.name = 'QueuePushError';
  }
}

export class MemoryQueue implements Queue {
  /** Every push as it was made (test inspection). */
  readonly pushes: QueueMessage[][] = [];
  readonly pending: PendingMessage[] = [];
  /** When set, the next N pushes fail (Forge `RateLimitError`). */
  failPushes = 0;
  private nextId = 1;

  constructor(private readonly clock: Clock = new FakeClock()) {}

  async push(messages: QueueMessage[]): Promise<void> {
    if (this.failPushes > 0) {
      this.failPushes -= 1;
      throw new QueuePushError('RATE_LIMITED', 'Injected queue push failure');
    }
    if (messages.length === 0 || messages.length > 50) throw new QueuePushError('TOO_MANY_EVENTS', 'A push holds 1–50 events');
    if (Buffer.byteLength(JSON.stringify(messages.map((m) => m.body))) > 200 * 1024) {
      throw new QueuePushError('PAYLOAD_TOO_BIG', 'A push holds at most 200 KB');
    }
    for (const message of messages) {
      if (typeof message.body !== 'object' || message.body === null || Array.isArray(message.body)) {
        throw new QueuePushError('INVALID_EVENT', 'Event bodies must be objects');
      }
      if (message.delayInSeconds !== undefined && (message.delayInSeconds < 0 || message.delayInSeconds > 900)) {
        throw new QueuePushError('INVALID_EVENT', 'delayInSeconds must be 0–900');
      }
    }
    this.pushes.push(messages.map((m) => ({ ...m, body: structuredClone(m.body) })));
    for (const message of messages) {
      this.pending.push({ ...message, body: structuredClone(message.body), jobId: `job-${this.nextId++}`, retryCount: 0 });
    }
  }

  /** All bodies ever pushed, flattened. */
  get pushed(): Array<Record<string, unknown>> {
    return this.pushes.flat().map((m) => m.body);
  }

  /**
   * Delivers pending messages (including ones pushed while draining) until the
   * queue is empty. A handler error re-queues the message; a RetryLaterError's
   * delay (or the message's own delay) moves a FakeClock forward when given one.
   */
  async drain(
    handler: (body: Record<string, unknown>, context: DeliveryContext) => Promise<void>,
    options: { maxAttempts?: number; clock?: FakeClock } = {},
  ): Promise<DrainReport> {
    const maxAttempts = options.maxAttempts ?? 10;
    const report: DrainReport = { delivered: 0, retried: 0, failed: [] };
    while (this.pending.length > 0) {
      const message = this.pending.shift();
      if (!message) break;
      if (message.delayInSeconds && options.clock) options.clock.advance(message.delayInSeconds * 1000);
      report.delivered += 1;
      try {
        await handler(message.body, { jobId: message.jobId, retryCount: message.retryCount });
      } catch (error) {
        if (message.retryCount + 1 >= maxAttempts) {
          report.failed.push({ message, error });
          continue;
        }
        report.retried += 1;
        const delay = error instanceof RetryLaterError ? error.retryAfterSeconds : Math.min(2 ** message.retryCount, 900);
        this.pending.push({ ...message, retryCount: message.retryCount + 1, delayInSeconds: delay });
      }
    }
    return report;
  }
}
