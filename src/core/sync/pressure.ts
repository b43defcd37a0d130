/**
 * When Jira says the hour's points are nearly spent (`X-RateLimit-NearLimit`),
 * what of a batch still goes to Jira now and what waits in the queue
 * (docs/performance.md "Under pressure"):
 *
 * - **Now**: new, resolved and reopened findings of critical and high severity,
 *   the issues a security team must see or close first.
 * - **Queued**: everything else, each a fair gap after the one before
 *   (fair-share.ts: the pace at which the pool's remaining points last until
 *   its reset); low and info findings after them, three gaps apart.
 *
 * Events of one finding that wait together fold into one write with the
 * latest snapshot where that has the same effect (coalesce.ts).
 *
 * An event waits whenever an earlier event of one of its findings waits, and a
 * finding never moves to an earlier group, so one finding's effects keep their
 * order. Nothing is dropped: every event is applied now or queued.
 */
import { findingIdsOf } from '../events/finding-ids';
import type { BacklineEvent, Severity } from '../events/schema';
import type { RateLimitInfo } from '../jira/http';
import { Folder, type Fold } from './coalesce';
import { fairDelays } from './fair-share';

const URGENT: ReadonlySet<Severity> = new Set<Severity>(['critical', 'high']);
const LOW: ReadonlySet<Severity> = new Set<Severity>(['low', 'info']);
/** Low and info findings wait this many times the pace. */
export const LOW_PRIORITY_FACTOR = 3;

const severityOf = (event: BacklineEvent): Severity | undefined => ('finding' in event.data ? event.data.finding.severity : undefined);

/** Which slot after a quota reset an event takes (fair-share.ts `afterResetSeconds`): critical before high. */
export function priorityOf(event: BacklineEvent): 'critical' | 'urgent' | 'normal' | 'low' {
  const severity = severityOf(event);
  if (isUrgent(event)) return severity === 'critical' ? 'critical' : 'urgent';
  return severity !== undefined && LOW.has(severity) ? 'low' : 'normal';
}

const PRIORITY_ORDER = ['critical', 'urgent', 'normal', 'low'] as const;

/** The slot of a write that carries several delivered events (coalesce.ts): the most urgent one's. */
export function priorityOfAll(events: readonly BacklineEvent[]): 'critical' | 'urgent' | 'normal' | 'low' {
  return PRIORITY_ORDER[Math.min(...events.map((event) => PRIORITY_ORDER.indexOf(priorityOf(event))), PRIORITY_ORDER.length - 1)] ?? 'normal';
}

/** A change a security team must see now: a critical or high finding created, resolved or reopened. */
export function isUrgent(event: BacklineEvent): boolean {
  const severity = severityOf(event);
  return (event.type === 'finding.created' || event.type === 'finding.resolved' || event.type === 'finding.reopened') && severity !== undefined && URGENT.has(severity);
}

type Group = 'normal' | 'low';

export interface SpacedBatch {
  /** The writes to queue, each with the delivered events it carries (itself, or several folded into one: coalesce.ts). */
  folds: Fold[];
  /** Per write: its wait (s). */
  delays: number[];
}

export class PressureWaitlist {
  private readonly groups: Record<Group, Fold[]> = { normal: [], low: [] };
  private readonly groupOfFinding = new Map<string, Group>();
  /** Events of one finding that wait together fold into one write (coalesce.ts). */
  private readonly folder = new Folder();

  /** Whether an earlier event of one of this event's findings waits: then this one waits too. */
  follows(event: BacklineEvent): boolean {
    return findingIdsOf(event).some((id) => this.groupOfFinding.has(id));
  }

  add(event: BacklineEvent): void {
    const before = this.folder.folds.length;
    const fold = this.folder.add(event);
    // Folded into the finding's latest waiting write: it keeps that write's place and group.
    if (this.folder.folds.length === before) return;
    const ids = findingIdsOf(event);
    const severity = severityOf(event);
    const own: Group = severity !== undefined && LOW.has(severity) ? 'low' : 'normal';
    const group: Group = own === 'low' || ids.some((id) => this.groupOfFinding.get(id) === 'low') ? 'low' : 'normal';
    for (const id of ids) this.groupOfFinding.set(id, group);
    this.groups[group].push(fold);
  }

  /** Writes waiting (folded events count once). */
  get size(): number {
    return this.groups.normal.length + this.groups.low.length;
  }

  /**
   * The waiting writes with their waits, fairly spaced (fair-share.ts): the
   * normal ones a fair gap apart, then low and info ones three gaps apart after them.
   */
  spaced(signal: RateLimitInfo, now: number, random: () => number = Math.random): SpacedBatch[] {
    const normal = fairDelays(signal, this.groups.normal.length, now, {}, random);
    const low = fairDelays(signal, this.groups.low.length, now, { after: normal.at(-1) ?? 0, factor: LOW_PRIORITY_FACTOR }, random);
    return [
      { folds: this.groups.normal, delays: normal },
      { folds: this.groups.low, delays: low },
    ].filter((batch) => batch.folds.length > 0);
  }
}
