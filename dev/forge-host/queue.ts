/**
 * The @forge/events stand-in: an in-process queue with Forge's delivery
 * semantics (runtime-reference/async-events-api, limits-async-events):
 *
 * - at-least-once: an event leaves the queue only after its consumer returned
 *   normally; events are persisted in STATE_DIR, including those running, so
 *   a crash or restart delivers them again (a push is journaled before it is
 *   acknowledged: persist.ts);
 * - `delayInSeconds` (≤ 900) before the first delivery;
 * - a consumer that throws is retried with exponential backoff; one that
 *   returns (or throws) an `InvocationError` is retried after its
 *   `retryAfter`, with `retryReason`/`retryData` passed on in `retryContext`;
 * - events are given up after 24 h of retries (Forge's documented window) and
 *   kept in `deadLetters` for inspection.
 *
 * Delivery uses real timers; `delayScale` shrinks every delay so tests can
 * exercise backoff and `retryAfter` without waiting for them.
 */
import { randomUUID } from 'node:crypto';
import { JsonFile } from './persist';

export interface RetryContext {
  retryCount: number;
  retryReason: string;
  retryData?: unknown;
}

export interface QueuedEvent {
  id: string;
  queueName: string;
  jobId: string;
  body: Record<string, unknown>;
  /** Epoch ms (real time) when the event may run. */
  dueAt: number;
  firstPushedAt: number;
  retryContext?: RetryContext;
  /** The consumer's last failure, for inspection. */
  lastError?: string;
}

/** The event a consumer receives (Forge `AsyncEvent`). */
export interface AsyncEvent {
  body: Record<string, unknown>;
  queueName: string;
  jobId: string;
  eventId: string;
  retryContext?: RetryContext;
}

export type Consumer = (event: AsyncEvent) => Promise<unknown>;

interface QueueDocument {
  version: 1;
  events: QueuedEvent[];
  deadLetters: QueuedEvent[];
}

export interface LocalQueueOptions {
  file: string;
  reset?: boolean;
  /** Multiplies every delay (delayInSeconds, backoff, retryAfter); default 1. */
  delayScale?: number;
  /** First backoff after a thrown error, in ms before scaling; doubles each retry. Default 2 000 (Atlassian's advice). */
  backoffBaseMs?: number;
  /** Longest backoff, in ms before scaling. Default 15 min. */
  backoffMaxMs?: number;
  /** Give up after this long since the first push (ms, unscaled real time). Default 24 h. */
  retryWindowMs?: number;
  /** Parallel deliveries. Default 4. */
  concurrency?: number;
  onError?: (event: QueuedEvent, error: unknown) => void;
}

const MAX_RETRY_AFTER_SECONDS = 900;

/** `new InvocationError(...)` returns a plain `{ _retry: true, retryOptions }` object; it may be returned or thrown. */
function asRetryRequest(value: unknown): { retryAfter?: number; retryReason?: string; retryData?: unknown } | undefined {
  if (value && typeof value === 'object' && (value as { _retry?: unknown })._retry === true) {
    return ((value as { retryOptions?: object }).retryOptions ?? {});
  }
  return undefined;
}

/** A journaled push the state file does not have yet (a crash before its next write) goes back in the queue. */
function replayPush(data: QueueDocument, entry: unknown): void {
  const pushed = (entry as { push?: QueuedEvent[] } | null)?.push;
  if (!Array.isArray(pushed)) return;
  const known = new Set([...data.events, ...data.deadLetters].map((e) => e.id));
  data.events.push(...pushed.filter((e) => !known.has(e.id)));
}

export class LocalQueue {
  private readonly doc: JsonFile<QueueDocument>;
  private readonly consumers = new Map<string, Consumer>();
  private readonly running = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: Array<() => void> = [];
  private closed = false;
  private readonly scale: number;
  private readonly backoffBase: number;
  private readonly backoffMax: number;
  private readonly retryWindow: number;
  private readonly concurrency: number;

  constructor(private readonly options: LocalQueueOptions) {
    this.doc = JsonFile.load<QueueDocument>(options.file, () => ({ version: 1, events: [], deadLetters: [] }), { ...options, replay: replayPush });
    this.scale = options.delayScale ?? 1;
    this.backoffBase = options.backoffBaseMs ?? 2_000;
    this.backoffMax = options.backoffMaxMs ?? 15 * 60_000;
    this.retryWindow = options.retryWindowMs ?? 24 * 3_600_000;
    this.concurrency = options.concurrency ?? 4;
  }

  get pending(): readonly QueuedEvent[] {
    return this.doc.data.events;
  }

  get deadLetters(): readonly QueuedEvent[] {
    return this.doc.data.deadLetters;
  }

  setConsumer(queueName: string, consumer: Consumer): void {
    this.consumers.set(queueName, consumer);
    this.schedule();
  }

  /** Accepts a Forge push; validation of counts and sizes is left to the SDK and the route. */
  push(queueName: string, events: Array<{ body: Record<string, unknown>; delayInSeconds?: number }>, jobId: string = randomUUID()): string {
    const now = Date.now();
    const pushed: QueuedEvent[] = events.map((event) => ({
      id: randomUUID(),
      queueName,
      jobId,
      body: event.body,
      dueAt: now + (event.delayInSeconds ?? 0) * 1000 * this.scale,
      firstPushedAt: now,
    }));
    this.doc.data.events.push(...pushed);
    // A push acknowledged to the app must survive a crash: journaled now, in the document at its next write.
    this.doc.journal({ push: pushed });
    this.schedule();
    return jobId;
  }

  /** Resolves once nothing is running or waiting (delayed and retrying events included). */
  waitForIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.doc.flushSync();
    this.releaseIdleWaiters();
  }

  private isIdle(): boolean {
    const deliverable = this.doc.data.events.filter((e) => this.consumers.has(e.queueName));
    return this.running.size === 0 && deliverable.length === 0;
  }

  private releaseIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private schedule(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const now = Date.now();
    const waiting = this.doc.data.events.filter((e) => this.consumers.has(e.queueName) && !this.running.has(e.id));
    if (waiting.length === 0) {
      if (this.isIdle()) this.releaseIdleWaiters();
      return;
    }
    // Earliest due first, as Forge's delays order deliveries (a backlog must not run in push order).
    const due = waiting.filter((e) => e.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt);
    for (const event of due) {
      if (this.running.size >= this.concurrency) break;
      void this.deliver(event);
    }
    // With every slot taken, the next completion reschedules; a timer now would spin.
    if (this.running.size >= this.concurrency) return;
    const next = Math.min(...waiting.filter((e) => !this.running.has(e.id)).map((e) => e.dueAt));
    if (Number.isFinite(next)) {
      this.timer = setTimeout(() => this.schedule(), Math.max(0, next - Date.now()));
    }
  }

  private async deliver(event: QueuedEvent): Promise<void> {
    this.running.add(event.id);
    const consumer = this.consumers.get(event.queueName)!;
    let retry: { retryAfter?: number; retryReason?: string; retryData?: unknown } | undefined;
    let failure: unknown;
    try {
      const result = await consumer({
        body: event.body,
        queueName: event.queueName,
        jobId: event.jobId,
        eventId: event.id,
        ...(event.retryContext ? { retryContext: event.retryContext } : {}),
      });
      retry = asRetryRequest(result);
    } catch (error) {
      retry = asRetryRequest(error);
      if (!retry) failure = error;
    }
    this.running.delete(event.id);
    if (this.closed) return;

    const events = this.doc.data.events;
    const index = events.findIndex((e) => e.id === event.id);
    if (!retry && failure === undefined) {
      if (index >= 0) events.splice(index, 1);
    } else if (index >= 0) {
      const retryCount = (event.retryContext?.retryCount ?? 0) + 1;
      let delayMs: number;
      if (retry) {
        const seconds = Math.min(Math.max(retry.retryAfter ?? 1, 1), MAX_RETRY_AFTER_SECONDS);
        delayMs = seconds * 1000;
        event.retryContext = { retryCount, retryReason: retry.retryReason ?? 'FUNCTION_RETRY_REQUEST', ...(retry.retryData !== undefined ? { retryData: retry.retryData } : {}) };
        delete event.lastError;
      } else {
        delayMs = Math.min(this.backoffBase * 2 ** (retryCount - 1), this.backoffMax);
        event.retryContext = { retryCount, retryReason: 'FUNCTION_PLATFORM_UNKNOWN_ERROR' };
        event.lastError = failure instanceof Error ? failure.message : String(failure);
        this.options.onError?.(event, failure);
      }
      if (Date.now() - event.firstPushedAt > this.retryWindow) {
        events.splice(index, 1);
        this.doc.data.deadLetters.push(event);
      } else {
        event.dueAt = Date.now() + delayMs * this.scale;
      }
    }
    this.doc.changed();
    this.schedule();
  }
}
