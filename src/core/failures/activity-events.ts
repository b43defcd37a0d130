/**
 * Activity as an admin reads it: one row per event, not one per attempt.
 * The sync engine writes an activity entry per finding per attempt
 * (src/core/sync/activity.ts), so an event retried five times used to show
 * as five red rows. This folds the entries of one event (newest first, as
 * queried) into its state, its attempts, every issue it touched, and what it
 * did, in words.
 */
import type { ResultStatus } from '../results';
import type { ActivityItem } from './activity';

/** queued: waiting for its first try; retrying: tried and waiting again; applied; skipped (nothing to do); dead-letter; failed (for good, not kept). */
export type EventState = 'queued' | 'retrying' | 'applied' | 'skipped' | 'dead-letter' | 'failed';

export interface EventActivity {
  eventId: string;
  type: string;
  /** The newest attempt. */
  at: number;
  firstAt: number;
  attempts: number;
  state: EventState;
  projectKey: string | null;
  findingIds: string[];
  issueKeys: string[];
  /** What the newest attempt did in Jira, in words ("created the issue, linked the PR"). */
  summary: string;
  jiraRequests: number;
  rule?: string;
  reason?: string;
  error?: { code: string; message: string; retryable: boolean };
}

const APPLIED: ReadonlySet<ResultStatus> = new Set<ResultStatus>(['created', 'updated', 'unchanged', 'duplicate', 'ok']);

/** One write of the plan (`create`, `transition→In Progress+comment`, `edit(summary,priority)`, …) in words. */
export function writeInWords(write: string): string {
  const transition = /^transition→(.+?)(\+comment)?(\+property)?$/.exec(write);
  if (transition) return `moved to ${transition[1]}${transition[2] ? ', commented' : ''}`;
  const edit = /^edit\(([^)]*)\)/.exec(write);
  if (edit) {
    const fields = (edit[1] ?? '').split(',').filter(Boolean);
    return fields.length === 1 ? `updated ${fields[0]}` : `updated ${fields.length} fields`;
  }
  switch (write) {
    case 'create':
      return 'created the issue';
    case 'comment':
      return 'commented';
    case 'remotelink':
      return 'linked the PR';
    case 'property':
      return 'recorded the finding on the issue';
    default:
      return write;
  }
}

export function writesInWords(writes: readonly string[]): string {
  const words = [...new Set(writes.map(writeInWords))];
  return words.length > 0 ? words.join(', ') : 'nothing in Jira';
}

function stateOf(newest: ActivityItem[], attempts: number, deadLetters: ReadonlySet<string>, eventId: string): EventState {
  if (deadLetters.has(eventId)) return 'dead-letter';
  const failed = newest.find((i) => i.status === 'failed');
  if (failed) return failed.error?.retryable ? 'retrying' : 'failed';
  if (newest.some((i) => i.status === 'queued')) return attempts > 1 ? 'retrying' : 'queued';
  return newest.some((i) => APPLIED.has(i.status)) ? 'applied' : 'skipped';
}

/**
 * Folds activity entries (newest first) into one row per event, in the order
 * of each event's newest entry. An attempt is one time the event was
 * processed: each finding of the event has one entry per attempt. The
 * newest entry of each finding decides the state, and a dead letter for the
 * event overrides it.
 */
export function groupByEvent(items: readonly ActivityItem[], deadLetters: ReadonlySet<string>): EventActivity[] {
  const byEvent = new Map<string, ActivityItem[]>();
  for (const item of items) {
    const list = byEvent.get(item.eventId);
    if (list) list.push(item);
    else byEvent.set(item.eventId, [item]);
  }
  return [...byEvent.entries()].map(([eventId, entries]) => {
    const latestAt = entries[0]!.at;
    // Per finding: its entries are its attempts, newest first.
    const byFinding = new Map<string, ActivityItem[]>();
    for (const entry of entries) {
      const key = entry.findingId ?? '-';
      byFinding.set(key, [...(byFinding.get(key) ?? []), entry]);
    }
    const newest = [...byFinding.values()].map((list) => list[0]!);
    const attempts = Math.max(...[...byFinding.values()].map((list) => list.length));
    const withError = newest.find((e) => e.error);
    const first = newest[0]!;
    return {
      eventId,
      type: first.type,
      at: latestAt,
      firstAt: Math.min(...entries.map((e) => e.at)),
      attempts,
      state: stateOf(newest, attempts, deadLetters, eventId),
      projectKey: entries.find((e) => e.projectKey)?.projectKey ?? null,
      findingIds: [...new Set(entries.map((e) => e.findingId).filter((id): id is string => id !== null))],
      issueKeys: [...new Set(entries.map((e) => e.issueKey).filter((key): key is string => key !== undefined))],
      summary: writesInWords(newest.flatMap((e) => e.done)),
      jiraRequests: newest.reduce((sum, e) => sum + e.jiraRequests, 0),
      ...(first.rule ? { rule: first.rule } : {}),
      ...(first.reason ? { reason: first.reason } : {}),
      ...(withError?.error ? { error: withError.error } : {}),
    };
  });
}
