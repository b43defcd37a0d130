/**
 * What the app answers per event (docs/events.md §5). One result per event,
 * in request order; the web trigger maps the set of results to an HTTP status.
 */
import type { ErrorCode } from './errors';
import type { EventType } from './events/schema';

export const RESULT_STATUSES = ['ok', 'created', 'updated', 'unchanged', 'duplicate', 'stale', 'skipped', 'queued', 'failed'] as const;
export type ResultStatus = (typeof RESULT_STATUSES)[number];

/** The Jira issue of one finding, as handed back to Backline (for PR descriptions). */
export interface IssueRef {
  findingId: string;
  key: string;
  id: string;
  /** `${siteUrl}/browse/${key}` */
  url: string;
}

export interface ResultError {
  code: ErrorCode;
  message: string;
  retryable: boolean;
}

export interface EventResult {
  eventId: string;
  type: EventType;
  status: ResultStatus;
  issues?: IssueRef[];
  /** Why the event was skipped / stale / partly applied (human readable). */
  reason?: string;
  error?: ResultError;
  /** Per-finding outcomes for remediation events (one per finding listed). */
  findings?: Array<{ findingId: string; status: ResultStatus; reason?: string; error?: ResultError }>;
}
