import type { BacklineEvent } from './schema';

/** The findings an event is about: its finding, its findings, or the ids it looks up. */
export function findingIdsOf(event: BacklineEvent): string[] {
  if ('finding' in event.data) return [event.data.finding.id];
  if ('findings' in event.data) return event.data.findings.map((f) => f.id);
  if ('findingIds' in event.data) return event.data.findingIds;
  return [];
}
