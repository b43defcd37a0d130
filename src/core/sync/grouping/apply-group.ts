/**
 * The grouped path of an event (docs/sync.md "Grouping"). `groupUnits` splits an
 * event's findings into what is applied as today (a finding with its own issue,
 * or in a project that does not group), findings that wait for their remediation,
 * and groups; `applyGroup` applies one group under the group's claim, as the
 * engine applies one finding (apply-finding.ts), and answers one outcome per
 * finding of the event, each with the group's issue.
 *
 * Each finding of a group has a pointer (`member:<finding id>`: its group, or the
 * finding while it waits), so later events, `issue.lookup` and the answers find
 * the group's issue by finding id; the group's link (keyed by the group id) keeps
 * the members and their states.
 */
import type { ProjectConfig } from '../../config/model';
import { CodedError } from '../../errors';
import type { Finding, FindingRef } from '../../events/schema';
import { MAX_BATCH_KEYS, type StoreKeyRef, type TransactionOperation } from '../../ports';
import { applyToFinding, NO_FINDING_DATA } from '../apply-finding';
import { inProgressError, type Claim, type EventRecord } from '../idempotency';
import type { Invocation } from '../invocation';
import { linkRef, parseLink, type Group, type Link } from '../links';
import type { ApplicableEvent, FindingOutcome } from '../outcome';
import { isFullFinding } from '../plan';
import { ensureLinksRecovered, recoverLink } from '../recovery';
import { emptyGroup, groupFinding, groupOf, joinGroup, setMemberStatus, type GroupRef } from './group';
import { memberKey, parsePointer, pointerTo, waitingKey, type MemberPointer } from './pointers';

export { memberKey, parsePointer, waitingKey, WAITING_PREFIX, type MemberPointer } from './pointers';
import { groupEvent } from './group-event';

/** The link of the group a finding belongs to, when it is in one (for `issue.lookup`). */
export async function groupLinkOf(inv: Invocation, findingId: string): Promise<Link | undefined> {
  const pointer = parsePointer(await inv.store.get<unknown>(memberKey(findingId)));
  return pointer?.group ? inv.links.get(pointer.group.groupId) : undefined;
}

interface GroupMemberInput {
  finding: Finding | FindingRef;
  /** Its data: from the event, or kept while it waited. */
  full: Finding | undefined;
  pointer: MemberPointer | undefined;
}

export type Unit =
  | { kind: 'finding'; finding: Finding | FindingRef }
  | { kind: 'wait'; finding: Finding; config: ProjectConfig; pointer: MemberPointer | undefined }
  | { kind: 'group'; ref: GroupRef; config: ProjectConfig; rule?: string; members: GroupMemberInput[] };

/** The event's findings by how they are applied; undefined when none is grouped (the common path, unchanged). */
export async function groupUnits(inv: Invocation, event: ApplicableEvent, findings: Array<Finding | FindingRef>): Promise<Unit[] | undefined> {
  const projects = await inv.configs.listProjects();
  if (!projects.some((p) => p.groupBy !== undefined && p.groupBy !== 'finding')) return undefined;
  // A store that may have lost links is rebuilt from Jira first (once), pointers included: which group a
  // finding is in is read from the store, and a finding must not wait again for a group it is in.
  if (!inv.storeComplete) await ensureLinksRecovered(inv);
  // Each finding's own link and its pointer: one storage call per 12 findings (a batch holds 25 keys).
  const refs: StoreKeyRef[] = findings.flatMap((f) => [linkRef(f.id), { key: memberKey(f.id) }]);
  const raw: unknown[] = [];
  for (let i = 0; i < refs.length; i += MAX_BATCH_KEYS - 1) raw.push(...(await inv.store.getMany(refs.slice(i, i + MAX_BATCH_KEYS - 1))));
  const remediation = 'remediation' in event.data ? event.data.remediation : undefined;
  const units: Unit[] = [];
  const groups = new Map<string, Extract<Unit, { kind: 'group' }>>();
  let grouped = false;
  for (const [index, finding] of findings.entries()) {
    // A finding with its own issue keeps it, whatever its project does now.
    const ownIssue = parseLink(raw[2 * index]) !== undefined;
    const pointer = ownIssue ? undefined : parsePointer(raw[2 * index + 1]);
    const full = isFullFinding(finding) ? finding : pointer?.waiting ? ({ ...pointer.waiting.finding, id: finding.id } as Finding) : undefined;
    const target = ownIssue ? undefined : pointer ? await pointedGroup(inv, pointer, full, remediation) : full ? await routedGroup(inv, full, remediation) : undefined;
    if (!target) {
      units.push({ kind: 'finding', finding });
      continue;
    }
    grouped = true;
    if (target.ref === 'wait') {
      if (full) units.push({ kind: 'wait', finding: full, config: target.config, pointer });
      else units.push({ kind: 'finding', finding });
      continue;
    }
    let unit = groups.get(target.ref.groupId);
    if (!unit) {
      unit = { kind: 'group', ref: target.ref, config: target.config, ...(target.rule ? { rule: target.rule } : {}), members: [] };
      groups.set(target.ref.groupId, unit);
      units.push(unit);
    }
    unit.members.push({ finding, full, pointer });
  }
  return grouped ? units : undefined;
}

type Target = { ref: GroupRef | 'wait'; config: ProjectConfig; rule?: string } | undefined;

/** A finding already in a group stays there (its group never changes); a waiting one joins its remediation's. */
async function pointedGroup(inv: Invocation, pointer: MemberPointer, full: Finding | undefined, remediation: Parameters<typeof groupOf>[3]): Promise<Target> {
  if (pointer.alone) return undefined;
  const config = await inv.configs.getProject(pointer.projectKey);
  if (!config) return undefined;
  if (pointer.group) return { ref: pointer.group, config };
  const ref = full ? groupOf(config.groupBy, config.projectKey, full, remediation) : 'wait';
  return ref ? { ref, config } : undefined;
}

/** A finding without an issue or a pointer: its project's grouping decides. */
async function routedGroup(inv: Invocation, finding: Finding, remediation: Parameters<typeof groupOf>[3]): Promise<Target> {
  const route = await inv.projectFor(finding);
  if (route instanceof CodedError) return undefined;
  const ref = groupOf(route.config.groupBy, route.config.projectKey, finding, remediation);
  return ref ? { ref, config: route.config, ...(route.rule ? { rule: route.rule } : {}) } : undefined;
}

/**
 * A finding that waits for its remediation: kept (with the state its newest event gives it), no Jira
 * request. Under the finding's claim, so two events about it do not interleave; an older one changes nothing.
 */
export async function keepWaiting(inv: Invocation, event: ApplicableEvent, unit: Extract<Unit, { kind: 'wait' }>): Promise<FindingOutcome | { duplicate: EventRecord } | CodedError> {
  const claimed = await inv.idempotency.claimFinding(unit.finding.id, event.id, inv.claimWait());
  if (claimed.kind === 'duplicate') return { duplicate: claimed.record };
  if (claimed.kind === 'busy') return inProgressError(`An event about finding ${unit.finding.id}`);
  const at = Date.parse(event.occurredAt);
  const kept = unit.pointer?.waiting;
  if (kept?.at !== undefined && at < kept.at) {
    await inv.idempotency.release(claimed.claim);
    const outcome = waitingOutcome(unit);
    return { ...outcome, reason: `${outcome.reason}; older than the finding's newest event, so nothing changed` };
  }
  const { description: _description, ...finding } = unit.finding;
  const since = kept?.since ?? inv.clock.now();
  const resolved = event.type === 'finding.resolved' ? event.data.reason : event.type === 'finding.reopened' ? undefined : unit.pointer?.waiting?.resolved;
  const pointer: MemberPointer = { projectKey: unit.config.projectKey, waiting: { finding, since, at, ...(resolved ? { resolved } : {}) } };
  await inv.store.transact([
    { kind: 'set', key: memberKey(unit.finding.id), value: pointer },
    { kind: 'set', key: waitingKey(unit.finding.id), value: { since } },
    inv.idempotency.releaseOperation(claimed.claim),
  ]);
  return waitingOutcome(unit);
}

const waitingOutcome = (unit: Extract<Unit, { kind: 'wait' }>): FindingOutcome => ({
  findingId: unit.finding.id,
  status: 'skipped',
  projectKey: unit.config.projectKey,
  reason: `waiting for its remediation: ${unit.config.projectKey} makes one issue per remediation, created when a remediation names this finding`,
  planned: [],
  done: [],
});

export interface GroupApplication {
  /** The group's claim, to leave with the outcome; undefined when nothing was done (released already). */
  claim?: Claim;
  /** One per finding of the event in the group; the first carries the group's link. */
  outcomes: FindingOutcome[];
  /** The pointers of findings that joined, to store with the link. */
  pointers: TransactionOperation[];
  retry?: CodedError;
}

/** Applies the event to one group under the group's claim. */
export async function applyGroup(inv: Invocation, event: ApplicableEvent, unit: Extract<Unit, { kind: 'group' }>): Promise<GroupApplication | { duplicate: EventRecord } | CodedError> {
  const { groupId } = unit.ref;
  const claimed = await inv.idempotency.claimFinding(groupId, event.id, inv.claimWait());
  if (claimed.kind === 'duplicate') return { duplicate: claimed.record };
  if (claimed.kind === 'busy') return inProgressError(`An event about the group of finding ${unit.members[0]?.finding.id ?? groupId}`);
  let raw = claimed.link;
  const recover = raw === undefined && (claimed.claim.recovered || !inv.storeComplete);
  if (recover) {
    // The group's issue may exist without its link (a lost store, a write that may have been saved):
    // take its members back from Jira before the group is changed, not after.
    try {
      raw = await recoverLink(inv, groupId, claimed.claim);
    } catch (error) {
      await inv.leaveClaim(claimed.claim);
      throw error;
    }
  }
  const stored = parseLink(raw);
  const group: Group = stored?.group ? structuredClone(stored.group) : emptyGroup(unit.ref);
  const joined = updateMembers(group, event, unit.members);
  const finding = groupFinding(groupId, group);
  const synthetic = groupEvent({ event, group, finding, exists: Boolean(stored?.issueId), resolved: Boolean(stored?.resolved), lastEventAt: stored?.lastEventAt ?? 0 });
  if (!synthetic || joined.length === 0) {
    await inv.idempotency.release(claimed.claim);
    const reason = joined.length === 0 ? NO_FINDING_DATA : 'the group has no issue and no open finding';
    return { outcomes: unit.members.map((m) => skipped(m.finding.id, unit.config.projectKey, reason)), pointers: [] };
  }
  const { outcome, retry } = await applyToFinding(
    inv,
    { event: synthetic, finding, claim: claimed.claim, grouped: { group, config: unit.config, ...(unit.rule ? { rule: unit.rule } : {}) } },
    { link: raw, recovered: recover },
  );
  const link = outcome.link;
  const pointers = link?.issueId ? pointersFor(unit, link) : [];
  return { claim: claimed.claim, outcomes: fanOut(outcome, unit, joined), pointers, ...(retry ? { retry } : {}) };
}

/** Applies the event's findings to the members; answers the ids of the event's findings that are (now) members. */
function updateMembers(group: Group, event: ApplicableEvent, members: GroupMemberInput[]): string[] {
  const at = Date.parse(event.occurredAt);
  const joined: string[] = [];
  for (const { finding, full, pointer } of members) {
    if (full && (!group.members[finding.id] || isFullFinding(finding))) joinGroup(group, full, at);
    if (!group.members[finding.id]) continue;
    joined.push(finding.id);
    const waitingResolved = pointer?.waiting?.resolved;
    if (event.type === 'finding.resolved') setMemberStatus(group, finding.id, 'resolved', at, event.data.reason);
    else if (event.type === 'remediation.resolved') setMemberStatus(group, finding.id, 'resolved', at, 'fixed');
    else if (event.type === 'finding.reopened') setMemberStatus(group, finding.id, 'open', at);
    else if (waitingResolved) setMemberStatus(group, finding.id, 'resolved', at, waitingResolved);
  }
  return joined;
}

/** The pointers of the event's findings that joined the group (and the end of their wait). */
function pointersFor(unit: Extract<Unit, { kind: 'group' }>, link: Link): TransactionOperation[] {
  const group = link.group;
  if (!group) return [];
  const value = pointerTo({ ...link, group });
  return unit.members
    .filter((m) => !m.pointer?.group && group.members[m.finding.id])
    .flatMap((m) => [{ kind: 'set' as const, key: memberKey(m.finding.id), value }, ...(m.pointer?.waiting ? [{ kind: 'delete' as const, key: waitingKey(m.finding.id) }] : [])]);
}

/** One outcome per finding of the event: the group's, with each finding's own id (Jira's writes counted once). */
function fanOut(outcome: FindingOutcome, unit: Extract<Unit, { kind: 'group' }>, joined: string[]): FindingOutcome[] {
  const members = new Set(joined);
  return unit.members.map((m, index) => {
    if (!members.has(m.finding.id)) return skipped(m.finding.id, unit.config.projectKey, NO_FINDING_DATA);
    const first = index === unit.members.findIndex((x) => members.has(x.finding.id));
    const { link, issue, planned, done, ...rest } = outcome;
    return {
      ...rest,
      findingId: m.finding.id,
      ...(issue ? { issue: { ...issue, findingId: m.finding.id } } : {}),
      ...(m.full && !isFullFinding(m.finding) ? { finding: m.full } : {}),
      ...(first && link ? { link } : {}),
      planned: first ? planned : [],
      done: first ? done : [],
    };
  });
}

const skipped = (findingId: string, projectKey: string, reason: string): FindingOutcome => ({ findingId, status: 'skipped', projectKey, reason, planned: [], done: [] });

