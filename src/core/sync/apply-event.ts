/**
 * Applies one event that changes issues, exactly once (docs/sync.md "Exactly
 * once"): answer `duplicate` from the event's record; claim the event (several
 * findings) and each finding in turn; apply each finding (apply-finding.ts);
 * record everything in one set of transactions (record.ts). Answers the result,
 * and `retry` when Jira (or storage) refused for now: nothing is recorded as
 * applied then, and a later delivery (the queue) applies the event; the links
 * remember what was already done.
 */
import { GLOBAL_SETTINGS_KEY } from '../config/repository';
import { CodedError } from '../errors';
import type { Finding, FindingRef } from '../events/schema';
import { createMetaCacheKey } from '../jira/create-meta';
import { workflowCacheKey } from '../jira/workflow';
import { SITE_URL_CACHE_KEY, type StoreKeyRef, type TransactionOperation } from '../ports';
import type { EventResult } from '../results';
import { applyToFinding } from './apply-finding';
import { classify, errorOf } from './classify';
import { eventClaimKey, findingClaimKey, inProgressError, type Claim, type EventRecord } from './idempotency';
import type { FirstRead, Invocation } from './invocation';
import { LINKS_META_REF, linkRef, linkSetOperation, linksMetaComplete, parseLink, type Link } from './links';
import type { ApplicableEvent, FindingOutcome } from './outcome';
import { isFullFinding } from './plan';
import { applyGroup, groupUnits, keepWaiting, type Unit } from './grouping/apply-group';
import { recordEvent } from './record';

export interface EventApplication {
  result: EventResult;
  /** Jira or storage refused for now: hand the event (and the rest of its batch) to the queue. */
  retry?: CodedError;
}

const duplicateOf = (event: ApplicableEvent, record: EventRecord): EventResult => ({
  eventId: event.id, type: event.type, status: 'duplicate', ...(record.issues.length > 0 ? { issues: record.issues } : {}),
});

const findingsOf = (event: ApplicableEvent): Array<Finding | FindingRef> => ('finding' in event.data ? [event.data.finding] : event.data.findings);

export async function applyEvent(inv: Invocation, event: ApplicableEvent): Promise<EventApplication> {
  inv.requestStart = inv.counting.count;
  const findings = findingsOf(event);
  const { recorded, guess } = await (inv.takePrepared(event) ?? readBeforeClaim(inv, event));
  if (recorded) return { result: duplicateOf(event, recorded) };
  const claims: Claim[] = [];
  const outcomes: FindingOutcome[] = [];
  // Stored with the event's record: the pointers of findings that joined a group.
  const extra: TransactionOperation[] = [];
  let stop: CodedError | EventResult | undefined;
  try {
    stop = await applyFindings(inv, event, findings, guess, { claims, outcomes, extra });
    if (stop === undefined) return { result: await recordEvent(inv, event, claims, outcomes, extra) };
  } catch (error) {
    // Claims and storage (the finding's own failures come back as outcomes).
    stop = classify(error);
  }
  if ('eventId' in stop) {
    for (const claim of claims) await inv.leaveClaim(claim).catch(() => undefined);
    return { result: stop };
  }
  await recordUnfinished(inv, event, claims, outcomes.length > 0 ? outcomes : [{ findingId: findings[0]?.id ?? '', status: 'failed', error: errorOf(stop), planned: [], done: [] }]);
  const result: EventResult = { eventId: event.id, type: event.type, status: 'failed', error: errorOf(stop) };
  return stop.retryable ? { result, retry: stop } : { result };
}

/** Records what an event that stopped early did (activity, links, claims left for the retry); never throws. */
async function recordUnfinished(inv: Invocation, event: ApplicableEvent, claims: Claim[], outcomes: FindingOutcome[]): Promise<void> {
  try {
    await recordEvent(inv, event, claims, outcomes);
  } catch (storeError) {
    inv.logger.error('could not record a failed event', { eventId: event.id, error: classify(storeError).message });
    for (const claim of claims) await inv.leaveClaim(claim).catch(() => undefined);
  }
}

/** Where an event's application collects what it stores with its record. */
interface Collected {
  claims: Claim[];
  outcomes: FindingOutcome[];
  extra: TransactionOperation[];
}

/**
 * Claims and applies each finding (or group of findings: grouping/apply-group.ts).
 * Answers undefined when every finding was handled (its outcome in `outcomes`, its
 * claim in `claims` or already exited), a duplicate result, or the error that stops the event.
 */
async function applyFindings(inv: Invocation, event: ApplicableEvent, findings: Array<Finding | FindingRef>, guess: Link | undefined, collected: Collected): Promise<CodedError | EventResult | undefined> {
  const multi = findings.length > 1;
  if (multi) {
    const claimed = await inv.idempotency.claim(eventClaimKey(event.id), event.id, inv.claimWait());
    if (claimed.kind === 'duplicate') return duplicateOf(event, claimed.record);
    if (claimed.kind === 'busy') return inProgressError(`Event ${event.id}`);
    collected.claims.push(claimed.claim);
  }
  const units: Unit[] = (await groupUnits(inv, event, findings)) ?? findings.map((finding) => ({ kind: 'finding', finding }));
  for (const unit of units) {
    const stop =
      unit.kind === 'finding'
        ? await applyOneFinding(inv, event, unit.finding, multi, guess, collected)
        : unit.kind === 'wait'
          ? await applyWaiting(inv, event, unit, collected)
          : await applyGroupUnit(inv, event, unit, multi, collected);
    if (stop) return stop;
  }
  return undefined;
}

async function applyOneFinding(inv: Invocation, event: ApplicableEvent, finding: Finding | FindingRef, multi: boolean, guess: Link | undefined, { claims, outcomes }: Collected): Promise<CodedError | EventResult | undefined> {
  const alsoRead = await readAfterClaim(inv, event, finding, multi ? undefined : guess);
  const claimed = await inv.idempotency.claim(findingClaimKey(finding.id), event.id, { ...inv.claimWait(), alsoRead: alsoRead.map(({ key, entity }) => (entity ? { key, entity } : { key })) });
  if (claimed.kind === 'duplicate') return duplicateOf(event, claimed.record);
  if (claimed.kind === 'busy') return inProgressError(`An event about finding ${finding.id}`);
  const prefetched = claimed.also ? useAfterClaim(alsoRead, claimed.also) : undefined;
  const { outcome, retry } = await applyToFinding(inv, { event, finding, claim: claimed.claim }, prefetched);
  outcomes.push(outcome);
  if (!multi) claims.push(claimed.claim);
  else await storeNow(inv, claimed.claim, [outcome], []);
  return retry;
}

/** A finding of a multi-finding event is stored (and its claim released) as soon as it is done. */
async function storeNow(inv: Invocation, claim: Claim, outcomes: FindingOutcome[], pointers: TransactionOperation[]): Promise<void> {
  const link = outcomes.find((o) => o.link?.issueId)?.link;
  const linked = new Set(link ? [link.findingId] : []);
  await inv.transactAll([inv.claimExitOperation(claim, linked), ...(link ? [linkSetOperation(link)] : []), ...pointers]);
  if (link) inv.unrecordedWrites.delete(link.findingId);
  for (const outcome of outcomes) delete outcome.link;
}

async function applyWaiting(inv: Invocation, event: ApplicableEvent, unit: Extract<Unit, { kind: 'wait' }>, { outcomes }: Collected): Promise<CodedError | EventResult | undefined> {
  const kept = await keepWaiting(inv, event, unit);
  if (kept instanceof CodedError) return kept;
  if ('duplicate' in kept) return duplicateOf(event, kept.duplicate);
  outcomes.push(kept);
  return undefined;
}

async function applyGroupUnit(inv: Invocation, event: ApplicableEvent, unit: Extract<Unit, { kind: 'group' }>, multi: boolean, { claims, outcomes, extra }: Collected): Promise<CodedError | EventResult | undefined> {
  const applied = await applyGroup(inv, event, unit);
  if (applied instanceof CodedError) return applied;
  if ('duplicate' in applied) return duplicateOf(event, applied.duplicate);
  outcomes.push(...applied.outcomes);
  if (applied.claim && !multi) {
    claims.push(applied.claim);
    extra.push(...applied.pointers);
  } else if (applied.claim) await storeNow(inv, applied.claim, applied.outcomes, applied.pointers);
  return applied.retry;
}

/**
 * KVS reads, batched (Forge meters reads per installation: docs/platform-limits.md "Storage").
 * Before the claim: the event's record, with what the invocation will need and has not read
 * yet: the finding's link (only to know its project early; it is read again under the claim),
 * the global settings, the link store marker, the site URL, and the keys other parts of the
 * invocation asked for (src/core/prefetch.ts). One storage call.
 */
export async function readBeforeClaim(inv: Invocation, event: ApplicableEvent): Promise<FirstRead> {
  const findings = findingsOf(event);
  const single = findings.length === 1 ? findings[0] : undefined;
  const wantGlobal = inv.configs.needsGlobal();
  const wantMarker = !inv.storeComplete;
  const wantSite = !inv.knowsSiteUrl;
  const others = inv.prefetch?.take() ?? [];
  const refs: StoreKeyRef[] = [
    ...(single ? [linkRef(single.id)] : []),
    ...(wantGlobal ? [{ key: GLOBAL_SETTINGS_KEY }] : []),
    ...(wantMarker ? [LINKS_META_REF] : []),
    ...(wantSite ? [{ key: SITE_URL_CACHE_KEY }] : []),
    ...others.map((other) => other.ref),
  ];
  const { record, also } = await inv.idempotency.lookupWith(event.id, refs);
  let index = 0;
  const guess = single ? parseLink(also[index++]) : undefined;
  if (wantGlobal) inv.configs.primeGlobal(also[index++]);
  if (wantMarker && linksMetaComplete(also[index++])) inv.storeComplete = true;
  if (wantSite) inv.siteCache = { cached: also[index++] };
  for (const other of others) other.prime(also[index++]);
  return { recorded: record, ...(guess ? { guess } : {}) };
}

/**
 * After the claim, with the record check: the link (now stable: we hold the finding), and the
 * cached create metadata and workflow graph of the project it belongs to (from the link read
 * before the claim, or from routing a new finding) when this invocation has not read them yet.
 */
type AfterClaimRef = StoreKeyRef & { prime?: (raw: unknown) => void };
async function readAfterClaim(inv: Invocation, event: ApplicableEvent, finding: Finding | FindingRef, guess: Link | undefined): Promise<AfterClaimRef[]> {
  const refs: AfterClaimRef[] = [linkRef(finding.id)];
  let target: { projectKey: string; issueTypeId: string; metaIssueTypeId: string; renders: boolean } | undefined;
  // Only an optimisation: a configuration problem is reported where the event uses it.
  try {
    if (guess) {
      const config = (await inv.configs.listProjects()).find((p) => p.projectKey === guess.projectKey);
      if (config) target = { projectKey: guess.projectKey, issueTypeId: guess.issueTypeId, metaIssueTypeId: config.issueTypeId, renders: isFullFinding(finding) && event.type.startsWith('finding.') };
    } else if (isFullFinding(finding)) {
      const route = await inv.projectFor(finding);
      if (!(route instanceof CodedError)) target = { projectKey: route.config.projectKey, issueTypeId: route.config.issueTypeId, metaIssueTypeId: route.config.issueTypeId, renders: true };
    }
  } catch {
    return refs;
  }
  if (target) {
    const { projectKey, issueTypeId, metaIssueTypeId } = target;
    if (target.renders && inv.metadata.needsCreateMeta(projectKey, metaIssueTypeId)) {
      refs.push({ key: createMetaCacheKey(projectKey, metaIssueTypeId), prime: (raw) => inv.metadata.primeCreateMeta(projectKey, metaIssueTypeId, raw) });
    }
    if (event.type !== 'finding.updated' && inv.workflows.needs(projectKey, issueTypeId)) {
      refs.push({ key: workflowCacheKey(projectKey, issueTypeId), prime: (raw) => inv.workflows.prime(projectKey, issueTypeId, raw) });
    }
  }
  return refs;
}

/** Hands what readAfterClaim asked for to its owners; answers the raw link. */
function useAfterClaim(refs: AfterClaimRef[], values: unknown[]): { link: unknown } {
  refs.forEach((ref, index) => ref.prime?.(values[index]));
  return { link: values[0] };
}
