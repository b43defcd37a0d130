/**
 * What an event about some of a group's findings asks of the group's issue,
 * as an event about the group finding (group.ts), without I/O:
 * - a finding joins or changes: the issue is created, or edited (one edit: its table, and the
 *   severity and priority of the worst open finding);
 * - a finding is resolved: the issue resolves only with its last open finding, else its table changes;
 * - a finding is detected again: a resolved issue reopens, else its table changes;
 * - a pull request or a remediation: as for one finding, once for the group.
 */
import { resolveReasonSchema, type Finding, type ResolveReason } from '../../events/schema';
import type { Group } from '../links';
import type { ApplicableEvent } from '../outcome';
import { openMembers } from './group';

export interface GroupEventInput {
  event: ApplicableEvent;
  group: Group;
  finding: Finding;
  /** The group's issue exists. */
  exists: boolean;
  /** The group's issue is resolved (by the app). */
  resolved: boolean;
  /** occurredAt (ms) of the newest event applied to the group. */
  lastEventAt: number;
}

/** The event for the group finding; undefined when there is nothing to do (no issue yet, and no open finding to create it for). */
export function groupEvent({ event, group, finding, exists, resolved, lastEventAt }: GroupEventInput): ApplicableEvent | undefined {
  // Members have their own timelines: one member's older event is not stale for the group (members keep their
  // own `at`). A pull request's or remediation's event keeps its time: its state is the group's, as for one finding.
  const occurredAt = event.type.startsWith('finding.') ? new Date(Math.max(Date.parse(event.occurredAt), lastEventAt)).toISOString() : event.occurredAt;
  const base = { id: event.id, occurredAt };
  const allResolved = openMembers(group).length === 0;
  if (!exists && allResolved) return undefined;
  const changed: ApplicableEvent = { ...base, type: exists ? 'finding.updated' : 'finding.created', data: { finding } };
  switch (event.type) {
    case 'finding.created':
    case 'finding.updated':
      return changed;
    case 'finding.resolved':
      return allResolved ? { ...base, type: 'finding.resolved', data: { finding, reason: commonReason(group) } } : changed;
    case 'finding.reopened':
      return resolved ? { ...base, type: 'finding.reopened', data: { finding } } : changed;
    case 'remediation.pr_opened':
    case 'remediation.pr_merged':
    case 'remediation.pr_closed':
      return { ...base, type: event.type, data: { ...event.data, findings: [finding] } };
    case 'remediation.resolved':
      return allResolved ? { ...base, type: event.type, data: { ...event.data, findings: [finding] } } : changed;
  }
}

/** The members' reason when they all share one, else `fixed` (the resolution the issue gets). */
function commonReason(group: Group): ResolveReason {
  const reasons = new Set(Object.values(group.members).map((m) => m.reason ?? 'fixed'));
  const only = resolveReasonSchema.safeParse([...reasons][0]);
  return reasons.size === 1 && only.success ? only.data : 'fixed';
}
