/**
 * Coalescing (docs/performance.md "Coalescing"): events about one finding that
 * wait together under quota pressure become one write carrying the latest
 * state. `finding.created` and `finding.updated` each carry the finding's
 * whole snapshot, and applying one replaces what the issue shows with it (a
 * create on a linked finding updates; an update on an unlinked one creates):
 * so a run of them, with no other event of that finding in between, has the
 * same effect as its newest snapshot alone, applied in the first one's place.
 * Created + updated + updated costs one create instead of a create and two
 * updates. Other events (status changes, PRs) each leave their own comment and
 * transition in Jira, so they are never folded.
 *
 * The folded events are not lost: each is answered with the result of the
 * write that carries it, and one delivered again later changes nothing (its
 * snapshot is the or older: fingerprints and `occurredAt`, docs/sync.md).
 */
import type { BacklineEvent } from '../events/schema';

type SnapshotEvent = Extract<BacklineEvent, { type: 'finding.created' | 'finding.updated' }>;

const isSnapshot = (event: BacklineEvent): event is SnapshotEvent => event.type === 'finding.created' || event.type === 'finding.updated';

/**
 * `later` folded into `earlier` (which precedes it, with nothing of the finding
 * in between): `earlier`'s id and type, the newer of the two snapshots. Undefined
 * when they cannot be folded.
 */
export function coalesce(earlier: BacklineEvent, later: BacklineEvent): BacklineEvent | undefined {
  if (!isSnapshot(earlier) || !isSnapshot(later) || earlier.data.finding.id !== later.data.finding.id) return undefined;
  // An older snapshot never replaces a newer one (docs/events.md: older events never move an issue backwards).
  const newer = Date.parse(later.occurredAt) >= Date.parse(earlier.occurredAt) ? later : earlier;
  return { ...earlier, occurredAt: newer.occurredAt, data: { ...earlier.data, finding: newer.data.finding } };
}
