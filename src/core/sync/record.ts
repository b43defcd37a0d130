/**
 * Recording an event's outcome: one set of KVS transactions holds the event's
 * record (`evt:<id>`, unless it must be retried), the links Jira now matches, the
 * activity entry and the claims' exit, so "applied" and "recorded" cannot
 * disagree (docs/sync.md "Exactly once"). Then the `onOutcome` hook hears it.
 */
import type { TransactionOperation } from '../ports';
import type { EventResult } from '../results';
import type { Claim } from './idempotency';
import type { Invocation } from './invocation';
import { isQuotaRefusal } from './pacing';
import { findingChange, summarise, type ApplicableEvent, type EventOutcome, type FindingOutcome } from './outcome';

export async function recordEvent(inv: Invocation, event: ApplicableEvent, claims: Claim[], outcomes: FindingOutcome[], extra: TransactionOperation[] = []): Promise<EventResult> {
  const result = summarise(event, outcomes);
  const ops: TransactionOperation[] = [...extra];
  const final = result.status !== 'failed' || !result.error?.retryable;
  if (final && result.status !== 'failed') ops.push(inv.idempotency.recordOperation(event.id, { status: result.status, issues: result.issues ?? [], at: inv.clock.now() }));
  const links = outcomes.flatMap((outcome) => (outcome.link?.issueId ? [outcome.link] : []));
  for (const link of links) ops.push(inv.linkOperation(link, claims));
  const first = outcomes[0];
  const jiraRequests = inv.counting.count - inv.requestStart;
  if (final && result.status !== 'failed') ops.push(...carriedOperations(inv, event, result, first));
  ops.push(
    inv.activity.operation({
      at: inv.clock.now(),
      projectKey: first?.projectKey ?? '',
      status: result.status,
      findingId: outcomes.length === 1 ? (first?.findingId ?? '') : `${outcomes.length} findings`,
      details: {
        type: event.type,
        eventId: event.id,
        jiraRequests,
        ...(first?.issue ? { issueKey: first.issue.key } : {}),
        ...(first?.rule ? { rule: first.rule } : {}),
        ...(result.reason ? { reason: result.reason } : {}),
        ...(result.error ? { error: result.error } : {}),
        planned: outcomes.flatMap((o) => o.planned),
        done: outcomes.flatMap((o) => o.done),
      },
    }),
  );
  const refusal = inv.counting.lastRefusal;
  const quotaNearlySpent = inv.counting.lastRateLimit.nearLimit || (refusal !== undefined && isQuotaRefusal(refusal));
  const told: EventOutcome = { event, result, mode: inv.mode, projectKey: first?.projectKey ?? '', findings: outcomes.map(findingChange), jiraRequests, ...(quotaNearlySpent ? { quotaNearlySpent } : {}) };
  ops.push(...(await featureOperations(inv, told)));
  // By the link's own id: a group's link is keyed by the group (grouping/apply-group.ts), as is its claim.
  const linked = new Set(links.map((link) => link.findingId));
  for (const claim of claims) ops.push(inv.claimExitOperation(claim, linked));
  await inv.transactAll(ops);
  inv.noteStored(links, claims);
  if (final && result.status !== 'failed') inv.hints.noteRecorded(event.id);
  for (const findingId of linked) inv.unrecordedWrites.delete(findingId);
  await tellHook(inv, told);
  return result;
}

/** What features store with the event (`beforeRecord`); a failure leaves them out, never fails the event. */
async function featureOperations(inv: Invocation, outcome: EventOutcome): Promise<TransactionOperation[]> {
  if (!inv.beforeRecord) return [];
  try {
    return await inv.beforeRecord(outcome);
  } catch (error) {
    inv.logger.warn('record hook failed', { eventId: outcome.event.id, error: error instanceof Error ? error.name : 'error' });
    return [];
  }
}

/** The hook's failure is logged, never the event's: bookkeeping must not fail an applied event. */
async function tellHook(inv: Invocation, outcome: Parameters<NonNullable<Invocation['onOutcome']>>[0]): Promise<void> {
  if (!inv.onOutcome) return;
  try {
    await inv.onOutcome(outcome);
  } catch (error) {
    inv.logger.warn('outcome hook failed', { eventId: outcome.event.id, error: error instanceof Error ? error.name : 'error' });
  }
}

/**
 * The delivered events folded into `event` (coalesce.ts) were applied by it: each gets its own record
 * (a redelivery is answered as a duplicate, with the issue) and activity entry, in the same transaction.
 */
function carriedOperations(inv: Invocation, event: ApplicableEvent, result: EventResult, first: FindingOutcome | undefined): TransactionOperation[] {
  const carried = inv.carried.get(event.id) ?? [];
  return carried.flatMap((original) => [
    inv.idempotency.recordOperation(original.id, { status: result.status, issues: result.issues ?? [], at: inv.clock.now() }),
    inv.activity.operation({
      at: inv.clock.now(),
      projectKey: first?.projectKey ?? '',
      // One write, one creation: the issue's creation is the carrying event's entry.
      status: result.status === 'created' ? 'updated' : result.status,
      findingId: first?.findingId ?? '',
      details: {
        type: original.type,
        eventId: original.id,
        jiraRequests: 0,
        ...(first?.issue ? { issueKey: first.issue.key } : {}),
        reason: `applied with ${event.id}: ${carried.length + 1} events of this finding went as one write${result.status === 'created' ? ', which created the issue' : ''}`,
      },
    }),
  ]);
}
