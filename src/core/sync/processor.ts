/**
 * The sync engine's entry: applies validated events in order, inline until the
 * deadline, and hands what does not fit (or what Jira refuses for now) to the
 * Forge queue. Every event goes through the same idempotent path whether it
 * arrives from the web trigger, the queue consumer or an admin's retry.
 *
 * The rooms (CONTRIBUTING.md "The sync engine"): invocation.ts (shared state),
 * apply-event.ts (one event, exactly once), apply-finding.ts (one finding),
 * bulk-create.ts, recovery.ts (links from Jira), record.ts (storing an outcome and
 * telling the `onOutcome` hook), defer.ts (the queue), pacing.ts (every wait),
 * pressure.ts, fair-share.ts and coalesce.ts (under quota pressure).
 */
import { CodedError } from '../errors';
import type { BacklineEvent } from '../events/schema';
import type { Platform } from '../ports';
import type { EventResult, IssueRef } from '../results';
import { applyEvent, readBeforeClaim } from './apply-event';
import { applyCreatesInBulk, createRun } from './bulk-create';
import { classify, errorOf } from './classify';
import { deferRest, deferSpaced, queuedReason, type Deferral } from './defer';
import { carriedBy } from './coalesce';
import { Invocation, type ProcessorOptions } from './invocation';
import { isApplicable } from './outcome';
import { afterResetSeconds } from './fair-share';
import { isQuotaRefusal, msUntilQuotaReset, paceDelaySeconds, queueDelaySeconds, type Refusal } from './pacing';
import { isUrgent, PressureWaitlist, priorityOf } from './pressure';
import { notePressure } from './pressure-state';
import { groupLinkOf } from './grouping/apply-group';
import { findInJira } from './recovery';
import { queueToWaitForIssue, waitsForIssue } from './wait-for-issue';

export type { ProcessorOptions } from './invocation';
export type { QueuedEvent } from './defer';
export type { SyncMode, EventOutcome, FindingChange, OutcomeHook, StatusChange } from './outcome';
export { classify } from './classify';

export interface EventProcessor {
  /** `carries`: by event id, the delivered events folded into it while it waited (coalesce.ts, defer.ts). */
  process(events: BacklineEvent[], options: { deadlineAt: number; carries?: ReadonlyMap<string, readonly BacklineEvent[]>; /** The queue consumer: how often the event already waited for its finding's issue (wait-for-issue.ts). */ waitedForIssue?: number }): Promise<EventResult[]>;
  /** The last 429/5xx Jira answered during `process` (for the consumer's retry delay: src/core/sync/pacing.ts). */
  lastRefusal(): Refusal | undefined;
  /**
   * Starts the first applicable event's reads (never writes) before `process`, so that the
   * caller's own reads can share their storage round trip; never rejects (a failed read
   * fails the event when `process` uses it).
   */
  prepare?(events: BacklineEvent[]): Promise<void>;
  /** Gives back what `prepare` claimed, when `process` will not be called (the delivery was refused). */
  abandon?(): Promise<void>;
}

export function createEventProcessor(platform: Platform, options: ProcessorOptions = {}): EventProcessor {
  const inv = new Invocation(platform, options);
  return {
    async process(events, { deadlineAt, carries, waitedForIssue }) {
      inv.deadlineAt = deadlineAt;
      inv.carried = carries ?? new Map();
      inv.waitedForIssue = waitedForIssue ?? 0;
      try {
        return await processAll(inv, events);
      } finally {
        // A claim tried with a first read whose event was queued, or answered without applying it.
        await inv.releaseEagerClaims();
      }
    },
    lastRefusal: () => inv.counting.lastRefusal,
    abandon: () => inv.releaseEagerClaims(),
    async prepare(events) {
      const applicable = events.filter(isApplicable);
      const first = applicable[0];
      if (!first) return;
      // A delivery of one event tries its finding's claim with the read (several: bulk creates claim their own).
      const read = readBeforeClaim(inv, first, { eager: applicable.length === 1 });
      inv.prepared = { event: first, read };
      await read.then(() => undefined, () => undefined);
    },
  };
}

async function processAll(inv: Invocation, events: BacklineEvent[]): Promise<EventResult[]> {
  // One slot per event, in order; a slot stays empty while its event is on the pressure waitlist.
  const results: Array<EventResult | undefined> = [];
  // Results of events already applied by a bulk create (see bulk-create.ts).
  const applied = new Map<string, EventResult>();
  const waitlist = new PressureWaitlist();
  // Where each waiting event's result goes (by the event itself: a delivery may repeat an id).
  const slots = new Map<BacklineEvent, number>();
  let pressure: Deferral | undefined;
  for (let index = 0; index < events.length; index++) {
    const event = events[index];
    if (!event) break;
    const held = applied.has(event.id) || !isApplicable(event) ? undefined : holdBack(inv, events.length - index);
    if (held && (held.delaySeconds === 0 || !inv.hasTime())) {
      results.push(...(await deferRest(inv, events.slice(index), held, applied, (e) => answerNow(inv, e))));
      break;
    }
    // Jira's hourly quota is nearly spent: what matters most still goes now, the rest waits (pressure.ts).
    if (held) pressure = held;
    if (event.type === 'finding.created' && !applied.has(event.id) && inv.hasTime() && !pressure) {
      const run = createRun(events, index);
      if (run.length >= 2) for (const [id, result] of await applyCreatesInBulk(inv, run)) applied.set(id, result);
    }
    const known = applied.get(event.id);
    if (known || !isApplicable(event)) {
      results.push(known ?? (await answerNow(inv, event)));
      continue;
    }
    if (pressure && (!isUrgent(event) || waitlist.follows(event))) {
      waitlist.add(event);
      slots.set(event, results.push(undefined) - 1);
      continue;
    }
    const waiting = await waitForIssue(inv, event);
    if (waiting) {
      results.push(waiting);
      continue;
    }
    let outcome: Awaited<ReturnType<typeof applyEvent>>;
    try {
      outcome = await applyEvent(inv, event);
    } catch (error) {
      // Reading the event's record failed (storage): nothing was claimed or written.
      const coded = classify(error);
      outcome = { result: { eventId: event.id, type: event.type, status: 'failed', error: errorOf(coded) }, ...(coded.retryable ? { retry: coded } : {}) };
    }
    if (!outcome.retry || inv.mode === 'consumer') {
      results.push(outcome.result);
      continue;
    }
    // Jira slow or rate limited: hand this event and everything after it to the queue, after what Jira asked for.
    const deferral = deferralAfter(inv, outcome.retry);
    results.push(...(await deferRest(inv, events.slice(index), deferral, applied, (e) => answerNow(inv, e))));
    break;
  }
  if (pressure) {
    await queueWaitlist(inv, waitlist, pressure, slots, results);
    // For the admin page's pressure line: one write, only by an invocation that paced its delivery.
    await notePressure(inv.store, inv.counting.lastRateLimit, inv.clock.now()).catch((error: unknown) => inv.logger.warn('could not note quota pressure', { error: String(error) }));
  }
  return results.filter((result): result is EventResult => result !== undefined);
}

/** The events the pressure waitlist held, queued by priority and fairly spaced (fair-share.ts); their results fill their slots. */
async function queueWaitlist(inv: Invocation, waitlist: PressureWaitlist, pressure: Deferral, slots: ReadonlyMap<BacklineEvent, number>, results: Array<EventResult | undefined>): Promise<void> {
  for (const batch of waitlist.spaced(inv.counting.lastRateLimit, inv.clock.now())) {
    const reason = `Jira's hourly points are nearly spent: queued for ${batch.delays[0]}${batch.delays.length > 1 ? `–${batch.delays.at(-1)}` : ''} s, this installation's fair share; critical and high findings go first`;
    const answered = await deferSpaced(inv, batch.folds.map((fold) => fold.event), batch.delays, reason, pressure.unqueued, batch.folds.map(carriedBy));
    batch.folds.forEach((fold, i) => {
      const result = answered[i];
      if (!result) return;
      for (const original of fold.originals) {
        const slot = slots.get(original);
        if (slot !== undefined) results[slot] = { ...result, eventId: original.id, type: original.type, ...(result.status === 'queued' ? queuedReason(reason, fold) : {}) };
      }
    });
  }
}

/**
 * Inline only: out of time, or Jira says the hour's quota is nearly spent
 * (X-RateLimit-NearLimit): the rest of the batch waits in the queue.
 */
function holdBack(inv: Invocation, pendingEvents: number): Deferral | undefined {
  if (inv.mode !== 'inline') return undefined;
  const pace = paceDelaySeconds(inv.counting.lastRateLimit, pendingEvents, inv.clock.now());
  if (inv.hasTime() && pace === 0) return undefined;
  return {
    delaySeconds: pace,
    ...(pace > 0 ? { reason: `Jira's hourly rate limit is nearly used up: applied in ${pace} s` } : {}),
    unqueued: errorOf(new CodedError('JIRA_UNAVAILABLE', 'Could not apply or queue the event in time; retry', { retryable: true })),
  };
}

/** Jira slow or refusing: when the rest of the delivery tries again (a spent pool: by priority after the reset). */
function deferralAfter(inv: Invocation, retry: CodedError): Deferral {
  const refusal = inv.counting.lastRefusal;
  return {
    delaySeconds: queueDelaySeconds(retry, refusal, 0, inv.clock.now()),
    ...(retry.code === 'JIRA_UNAVAILABLE' && refusal && isQuotaRefusal(refusal)
      ? { delayOf: (e: BacklineEvent) => afterResetSeconds(msUntilQuotaReset(refusal, inv.clock.now()) / 1000, priorityOf(e)) }
      : {}),
    reason: retry.message,
    unqueued: errorOf(retry),
  };
}

/**
 * Under pressure, a resolution waits for its finding's creation, still queued by an earlier delivery
 * (wait-for-issue.ts). The event's first read (its record and link) is made here and handed on to
 * `applyEvent`: a finding with an issue, the common case, costs no read of its own.
 */
async function waitForIssue(inv: Invocation, event: BacklineEvent): Promise<EventResult | undefined> {
  if (event.type !== 'finding.resolved') return undefined;
  const read = inv.takePrepared(event) ?? readBeforeClaim(inv, event, { eager: true });
  inv.prepared = { event, read };
  const first = await read.catch(() => undefined);
  if (first?.recorded || first?.guess) return undefined;
  const waited = inv.waitedForIssue;
  if (!(await waitsForIssue(inv.store, inv.clock, event, waited).catch(() => false))) return undefined;
  const queued = await queueToWaitForIssue(inv.queue, inv.clock, event, waited, inv.carried.get(event.id) ?? []).then(() => true, () => false);
  if (queued) return { eventId: event.id, type: event.type, status: 'queued', reason: "waits for its finding's issue, still queued" };
  return { eventId: event.id, type: event.type, status: 'failed', error: errorOf(new CodedError('JIRA_UNAVAILABLE', 'Could not queue the event; retry', { retryable: true })) };
}

/** Events that change nothing: answered at once, never queued. */
async function answerNow(inv: Invocation, event: BacklineEvent): Promise<EventResult> {
  if (event.type !== 'issue.lookup') return { eventId: event.id, type: event.type, status: 'ok' };
  const issues: IssueRef[] = [];
  for (const findingId of event.data.findingIds) {
    const link = (await inv.links.get(findingId)) ?? (await groupLinkOf(inv, findingId)) ?? (inv.storeComplete || (await inv.links.isComplete()) ? undefined : await findInJira(inv, findingId, true));
    if (link?.issueId) issues.push({ ...(await inv.issueRef(link)), findingId });
  }
  return { eventId: event.id, type: event.type, status: 'ok', issues };
}
