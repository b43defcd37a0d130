/**
 * What happened to each event, for the admin page's activity list: the
 * `activity` custom entity (manifest.yml: indexed by `at`, and by project,
 * status and finding, each with `at` as range). Entries are written inside
 * the sync's final transaction, never as a separate KVS call.
 */
import type { TransactionOperation } from '../ports';
import type { ResultError, ResultStatus } from '../results';

export const ACTIVITY_ENTITY = 'activity';

export interface ActivityDetails {
  type: string;
  eventId: string;
  issueKey?: string;
  jiraRequests: number;
  /** How the finding was routed (rule name, hint, default). */
  rule?: string;
  reason?: string;
  error?: ResultError;
  /** Writes planned and done, e.g. ["create", "transition→In Progress", "remotelink"]. */
  planned?: string[];
  done?: string[];
}

export interface ActivityEntry {
  at: number;
  projectKey: string;
  status: ResultStatus;
  findingId: string;
  details: ActivityDetails;
}

export interface ActivityLog {
  /** The transaction operation that records the entry (batched with the link and the event record). */
  operation(entry: ActivityEntry): TransactionOperation;
}

/** Keys sort by time, then event and finding, so two findings of one event get two entries. */
export function activityKey(entry: ActivityEntry): string {
  return `${String(entry.at).padStart(15, '0')}:${entry.details.eventId}:${entry.findingId}`.slice(0, 500);
}

export const entityActivityLog: ActivityLog = {
  operation: (entry) => ({
    kind: 'set',
    entity: ACTIVITY_ENTITY,
    key: activityKey(entry),
    // Forge sparse indexes: `projectKey` '-' for events without a project, so every entry is listed.
    value: { ...entry, projectKey: entry.projectKey || '-', findingId: entry.findingId || '-' },
  }),
};
