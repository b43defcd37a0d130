/**
 * When Jira says the hour's points are nearly spent (`X-RateLimit-NearLimit`),
 * what of a batch still goes to Jira now and what waits in the queue
 * (docs/performance.md "Under pressure"):
 *
 * - **Now**: new, resolved and reopened findings of critical and high severity,
 *   the issues a security team must see or close first.
 * - **Queued**: everything else, at the pace that makes the quota's remaining
 *   points last until its reset; low and info findings three times later, so
 *   the queue runs the rest before them.
 *
 * An event waits whenever an earlier event of one of its findings waits, and a
 * finding never moves to an earlier group, so one finding's effects keep their
 * order. Nothing is dropped: every event is applied now or queued.
 */
import { findingIdsOf } from '../events/finding-ids';
import type { BacklineEvent, Severity } from '../events/schema';
import { MAX_DELAY_SECONDS } from './pacing';

const URGENT: ReadonlySet<Severity> = new Set<Severity>(['critical', 'high']);
const LOW: ReadonlySet<Severity> = new Set<Severity>(['low', 'info']);
/** Low and info findings wait this many times the pace. */
export const LOW_PRIORITY_FACTOR = 3;

const severityOf = (event: BacklineEvent): Severity | undefined => ('finding' in event.data ? event.data.finding.severity : undefined);

/** A change a security team must see now: a critical or high finding created, resolved or reopened. */
export function isUrgent(event: BacklineEvent): boolean {
  const severity = severityOf(event);
  return (event.type === 'finding.created' || event.type === 'finding.resolved' || event.type === 'finding.reopened') && severity !== undefined && URGENT.has(severity);
}

type Group = 'normal' | 'low';

export class PressureWaitlist {
  private readonly groups: Record<Group, BacklineEvent[]> = { normal: [], low: [] };
  private readonly groupOfFinding = new Map<string, Group>();

  /** Whether an earlier event of one of this event's findings waits: then this one waits too. */
  follows(event: BacklineEvent): boolean {
    return findingIdsOf(event).some((id) => this.groupOfFinding.has(id));
  }

  add(event: BacklineEvent): void {
    const ids = findingIdsOf(event);
    const severity = severityOf(event);
    const own: Group = severity !== undefined && LOW.has(severity) ? 'low' : 'normal';
    const group: Group = own === 'low' || ids.some((id) => this.groupOfFinding.get(id) === 'low') ? 'low' : 'normal';
    for (const id of ids) this.groupOfFinding.set(id, group);
    this.groups[group].push(event);
  }

  get size(): number {
    return this.groups.normal.length + this.groups.low.length;
  }

  /** The waiting events by how long they wait, given the pace for the normal ones. */
  batches(delaySeconds: number): Array<{ events: BacklineEvent[]; delaySeconds: number }> {
    return [
      { events: this.groups.normal, delaySeconds },
      { events: this.groups.low, delaySeconds: Math.min(MAX_DELAY_SECONDS, Math.ceil(delaySeconds * LOW_PRIORITY_FACTOR)) },
    ].filter((batch) => batch.events.length > 0);
  }
}
