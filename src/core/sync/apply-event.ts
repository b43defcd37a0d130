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
import { eventClaimKey, inProgressError, type Claim, type EventRecord } from './idempotency';
import type { FirstRead, Invocation } from './invocation';
import { LINKS_META_REF, linkRef, linksMetaComplete, parseLink, type Link } from './links';
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
  try {
    return await applyClaimed(inv, event);
  } finally {
    // A claim tried with the first read and not used (a duplicate, a group, an error before the finding):
    // given back now, or the delivery's next event about the finding would wait for it.
    await inv.releaseEagerClaims();
  }
}

async function applyClaimed(inv: Invocation, event: ApplicableEvent): Promise<EventApplication> {
  inv.requestStart = inv.counting.count;
  const findings = findingsOf(event);
  const first = await (inv.takePrepared(event) ?? readBeforeClaim(inv, event, { eager: true }));
  const { recorded } = first;
  if (recorded) return { result: duplicateOf(event, recorded) };
  const claims: Claim[] = [];
  const outcomes: FindingOutcome[] = [];
  // Stored with the event's record: the pointers of findings that joined a group.
  const extra: TransactionOperation[] = [];
  let stop: CodedError | EventResult | undefined;
  try {
    stop = await applyFindings(inv, event, findings, first, { claims, outcomes, extra });
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
async function applyFindings(inv: Invocation, event: ApplicableEvent, findings: Array<Finding | FindingRef>, first: FirstRead, collected: Collected): Promise<CodedError | EventResult | undefined> {
  const multi = findings.length > 1;
  if (multi) {
    const claimed = await inv.idempotency.claim(eventClaimKey(event.id), event.id, inv.claimWait());
    if (claimed.kind === 'duplicate') return duplicateOf(event, claimed.record);
    if (claimed.kind === 'busy') return inProgressError(`Event ${event.id}`);
    collected.claims.push(claimed.claim);
  }
  const units: Unit[] = (await groupUnits(inv, event, findings)) ?? findings.map((finding) => ({ kind: 'finding', finding }));
  // The finding's claim tried with the first read is of no use to a group (its claim is the group's), and
  // a finding waiting for its remediation is claimed again by keepWaiting.
  if (units.length !== 1 || units[0]?.kind !== 'finding') await inv.releaseEagerClaims();
  for (const unit of units) {
    const stop =
      unit.kind === 'finding'
        ? await applyOneFinding(inv, event, unit.finding, multi ? undefined : first, collected)
        : unit.kind === 'wait'
          ? await applyWaiting(inv, event, unit, collected)
          : await applyGroupUnit(inv, event, unit, multi, collected);
    if (stop) return stop;
  }
  return undefined;
}

/**
 * One finding under its claim (idempotency.ts `claimFinding`). `first`: the event's first read, when it
 * was of this finding (a one-finding event): the claim is decided on it, and, taken in the same round
 * trip or won at the version it was read at, needs no read after it. The caches the claim does not
 * protect (create metadata, workflow) are read in the claim's round trip.
 */
async function applyOneFinding(inv: Invocation, event: ApplicableEvent, finding: Finding | FindingRef, first: FirstRead | undefined, { claims, outcomes }: Collected): Promise<CodedError | EventResult | undefined> {
  const eager = inv.takeEager(first?.eager);
  const start = first ? { state: { record: first.recorded, link: first.rawLink }, ...(eager ? { eager } : {}) } : {};
  const caches = await cachesToRead(inv, event, finding, first?.guess);
  const [claimed] = await Promise.all([inv.idempotency.claimFinding(finding.id, event.id, inv.claimWait(), start), readCaches(inv, caches)]);
  if (claimed.kind === 'duplicate') return duplicateOf(event, claimed.record);
  if (claimed.kind === 'busy') return inProgressError(`An event about finding ${finding.id}`);
  const { outcome, retry } = await applyToFinding(inv, { event, finding, claim: claimed.claim }, { link: claimed.link });
  outcomes.push(outcome);
  if (first) claims.push(claimed.claim);
  else await storeNow(inv, claimed.claim, [outcome], []);
  return retry;
}

/** A finding of a multi-finding event is stored (and its claim released) as soon as it is done. */
async function storeNow(inv: Invocation, claim: Claim, outcomes: FindingOutcome[], pointers: TransactionOperation[]): Promise<void> {
  const link = outcomes.find((o) => o.link?.issueId)?.link;
  const linked = new Set(link ? [link.findingId] : []);
  await inv.transactAll([inv.claimExitOperation(claim, linked), ...(link ? [inv.linkOperation(link, [claim])] : []), ...pointers]);
  if (link) {
    inv.noteStored([link], [claim]);
    inv.unrecordedWrites.delete(link.findingId);
  }
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
 * yet: the finding's link (its version decides the claim), the global settings, the link store
 * marker, the site URL, and the keys other parts of the invocation asked for (src/core/prefetch.ts).
 * `eager`: when the warm instance remembers the finding's link version (claim-hints.ts), or where
 * new findings went, the finding's claim is tried in the same round trip, and the cached create
 * metadata and workflow of its project are read with the rest. One storage round trip.
 */
export async function readBeforeClaim(inv: Invocation, event: ApplicableEvent, options: { eager?: boolean } = {}): Promise<FirstRead> {
  const findings = findingsOf(event);
  const single = findings.length === 1 ? findings[0] : undefined;
  const hint = single ? inv.hints.get(single.id) : undefined;
  const creating = event.type === 'finding.created' && single !== undefined && isFullFinding(single);
  // A redelivery of an event this instance recorded: answered from its record, nothing more is read or tried.
  const again = inv.hints.wasRecorded(event.id);
  const guess = options.eager && single && !again ? (hint?.version ?? (creating && inv.hints.lastCreate ? 0 : undefined)) : undefined;
  const place = again ? undefined : (hint ?? (creating ? inv.hints.lastCreate : undefined));
  const caches = single && place ? cacheRefs(inv, event, { ...place, metaIssueTypeId: place.issueTypeId, renders: isFullFinding(single) && event.type.startsWith('finding.') }) : [];
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
    ...caches.map(({ key, entity }) => (entity ? { key, entity } : { key })),
  ];
  // A claim whose write failed may still have been saved: it is not ours to give back, and goes stale.
  const trying = single && guess !== undefined ? inv.idempotency.tryClaim(single.id, guess, event.id).catch(() => undefined) : undefined;
  const [read, tried] = await Promise.all([inv.idempotency.lookupWith(event.id, refs).catch((error: unknown) => ({ error })), trying]);
  if (tried?.won) inv.eagerClaims.add(tried);
  if ('error' in read) {
    await inv.releaseEagerClaims();
    throw read.error;
  }
  const { record, also } = read;
  let index = 0;
  const rawLink = single ? also[index++] : undefined;
  if (wantGlobal) inv.configs.primeGlobal(also[index++]);
  if (wantMarker && linksMetaComplete(also[index++])) inv.storeComplete = true;
  if (wantSite) inv.siteCache = { cached: also[index++] };
  for (const other of others) other.prime(also[index++]);
  for (const cache of caches) cache.prime?.(also[index++]);
  const link = parseLink(rawLink);
  return { recorded: record, ...(link ? { guess: link } : {}), ...(single ? { rawLink } : {}), ...(tried ? { eager: tried } : {}) };
}

/** A cache read with the claim: the key, and who takes its value. */
type CacheRef = StoreKeyRef & { prime?: (raw: unknown) => void };
interface CacheTarget {
  projectKey: string;
  issueTypeId: string;
  /** The issue type the project's create metadata is cached for (its configured one). */
  metaIssueTypeId: string;
  renders: boolean;
}

/** The cached create metadata and workflow graph of `target` the event will use and this invocation has not read yet. */
function cacheRefs(inv: Invocation, event: ApplicableEvent, target: CacheTarget): CacheRef[] {
  const { projectKey, issueTypeId, metaIssueTypeId } = target;
  const refs: CacheRef[] = [];
  if (target.renders && inv.metadata.needsCreateMeta(projectKey, metaIssueTypeId)) {
    refs.push({ key: createMetaCacheKey(projectKey, metaIssueTypeId), prime: (raw) => inv.metadata.primeCreateMeta(projectKey, metaIssueTypeId, raw) });
  }
  if (event.type !== 'finding.updated' && inv.workflows.needs(projectKey, issueTypeId)) {
    refs.push({ key: workflowCacheKey(projectKey, issueTypeId), prime: (raw) => inv.workflows.prime(projectKey, issueTypeId, raw) });
  }
  return refs;
}

/**
 * To read with the claim (it does not protect caches): the cached create metadata and workflow graph
 * of the project the finding's issue is in (from the link read first) or a new finding goes to, when
 * the first read did not have them. Only an optimisation: a problem is reported where the event uses
 * what is missing.
 */
async function cachesToRead(inv: Invocation, event: ApplicableEvent, finding: Finding | FindingRef, guess: Link | undefined): Promise<CacheRef[]> {
  try {
    if (guess) {
      const config = (await inv.configs.listProjects()).find((p) => p.projectKey === guess.projectKey);
      return config ? cacheRefs(inv, event, { projectKey: guess.projectKey, issueTypeId: guess.issueTypeId, metaIssueTypeId: config.issueTypeId, renders: isFullFinding(finding) && event.type.startsWith('finding.') }) : [];
    }
    if (!isFullFinding(finding)) return [];
    const route = await inv.projectFor(finding);
    return route instanceof CodedError ? [] : cacheRefs(inv, event, { projectKey: route.config.projectKey, issueTypeId: route.config.issueTypeId, metaIssueTypeId: route.config.issueTypeId, renders: true });
  } catch {
    return [];
  }
}

/** Reads `refs` and hands each value to its owner; never fails (read again where used). */
async function readCaches(inv: Invocation, refs: CacheRef[]): Promise<void> {
  if (refs.length === 0) return;
  const values = await inv.store.getMany(refs.map(({ key, entity }) => (entity ? { key, entity } : { key }))).catch(() => undefined);
  if (values) refs.forEach((ref, index) => ref.prime?.(values[index]));
}
