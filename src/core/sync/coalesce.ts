/**
 * Coalescing (docs/performance.md "Coalescing"): events about one finding that
 * wait together (under quota pressure, or queued together after a refusal)
 * become one write carrying the latest state.
 *
 * - `finding.created` and `finding.updated` each carry the finding's whole
 *   snapshot, and applying one replaces what the issue shows with it (a create
 *   on a linked finding updates; an update on an unlinked one creates): so a
 *   run of them, with no other event of that finding in between, has the same
 *   effect as its newest snapshot alone, applied in the first one's place.
 *   Created + updated + updated costs one create instead of a create and two updates.
 * - A snapshot followed by the finding's `remediation.pr_opened` (that PR
 *   naming this finding alone) becomes that PR event carrying the newest
 *   snapshot: its issue is created (or updated) with the snapshot's fields,
 *   linked to the PR and moved to the PR-opened status with the PR's comment,
 *   the comment riding on the transition. The snapshot is rendered without the
 *   PR's values, as when the events go one by one (apply-finding.ts, `folds`).
 *
 * - A second `remediation.pr_opened` of the finding (naming it alone) joins the
 *   first: the later PR event carries the earlier one's finding (and snapshot),
 *   and its plan links every PR folded into it and writes one comment naming
 *   them all, on the one move to the PR-opened status (plan-lifecycle.ts).
 *
 * Other events (resolutions, reopenings, merged and closed PRs) each leave
 * their own comment and transition in Jira, so they are never folded, and an
 * event of the finding between two foldable ones keeps them apart: the order
 * of effects is kept.
 *
 * The folded events are not lost: each is answered with the result of the
 * write that carries it, queued with it (`carries`, defer.ts), and recorded
 * with its result when that write is applied (record.ts), so one delivered again
 * later is answered as a duplicate.
 */
import { findingIdsOf } from '../events/finding-ids';
import { isFullFinding, type BacklineEvent } from '../events/schema';

type SnapshotEvent = Extract<BacklineEvent, { type: 'finding.created' | 'finding.updated' }>;
type PrOpenedEvent = Extract<BacklineEvent, { type: 'remediation.pr_opened' }>;

export const isSnapshot = (event: BacklineEvent): event is SnapshotEvent => event.type === 'finding.created' || event.type === 'finding.updated';

/** A PR event that brings the finding's snapshot with it (a fold's result: only a full finding creates an issue). */
const carriesSnapshot = (event: PrOpenedEvent): boolean => event.type === 'remediation.pr_opened' && event.data.findings.length === 1 && isFullFinding(event.data.findings[0] ?? { id: '' });

/**
 * `later` folded into `earlier` (which precedes it, with nothing of the finding
 * in between). Undefined when they cannot be folded.
 */
export function coalesce(earlier: BacklineEvent, later: BacklineEvent): BacklineEvent | undefined {
  if (isSnapshot(earlier) && isSnapshot(later)) {
    if (earlier.data.finding.id !== later.data.finding.id) return undefined;
    // An older snapshot never replaces a newer one (docs/events.md: older events never move an issue backwards).
    const newer = Date.parse(later.occurredAt) >= Date.parse(earlier.occurredAt) ? later : earlier;
    return { ...earlier, occurredAt: newer.occurredAt, data: { ...earlier.data, finding: newer.data.finding } };
  }
  if (isSnapshot(earlier) && later.type === 'remediation.pr_opened' && !carriesSnapshot(later)) {
    const [named] = later.data.findings;
    if (later.data.findings.length !== 1 || named?.id !== earlier.data.finding.id) return undefined;
    // The PR's own order: a snapshot newer than the PR would be moved before it.
    if (Date.parse(earlier.occurredAt) > Date.parse(later.occurredAt)) return undefined;
    return { ...later, data: { ...later.data, findings: [earlier.data.finding] } };
  }
  if (earlier.type === 'remediation.pr_opened' && later.type === 'remediation.pr_opened' && !carriesSnapshot(later)) {
    // A second PR opened for the finding: one move, both remote links, one comment naming both (plan-lifecycle.ts).
    const [mine] = earlier.data.findings;
    const [named] = later.data.findings;
    if (earlier.data.findings.length !== 1 || later.data.findings.length !== 1 || !mine || named?.id !== mine.id) return undefined;
    if (Date.parse(earlier.occurredAt) > Date.parse(later.occurredAt)) return undefined;
    // The earlier event's finding: the snapshot a fold gave it, if any.
    return { ...later, data: { ...later.data, findings: [mine] } };
  }
  return undefined;
}

/** One write to queue: the event that goes, and the delivered events it stands for (itself included). */
export interface Fold {
  event: BacklineEvent;
  originals: BacklineEvent[];
}

/** The delivered events a fold carries besides the one whose id it goes under (queued with it, recorded with its result). */
export function carriedBy(fold: Fold): BacklineEvent[] {
  return fold.originals.filter((original) => original.id !== fold.event.id);
}

/**
 * Folds a sequence of waiting events in order: each event joins its finding's
 * latest fold when `coalesce` allows, else starts its own. `onNew` hears each
 * new fold (the pressure waitlist files it in its group).
 */
export class Folder {
  private readonly lastOfFinding = new Map<string, Fold>();
  readonly folds: Fold[] = [];

  add(event: BacklineEvent): Fold {
    const ids = findingIdsOf(event);
    const last = ids.length === 1 && ids[0] !== undefined ? this.lastOfFinding.get(ids[0]) : undefined;
    const folded = last ? coalesce(last.event, event) : undefined;
    if (last && folded) {
      last.event = folded;
      last.originals.push(event);
      return last;
    }
    const fold: Fold = { event, originals: [event] };
    for (const id of ids) this.lastOfFinding.set(id, fold);
    this.folds.push(fold);
    return fold;
  }
}
