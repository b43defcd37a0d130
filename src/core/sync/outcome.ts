/**
 * What applying an event did, in two shapes: `FindingOutcome` (built while
 * applying one finding, recorded in the activity log) and `EventOutcome` (handed
 * to the `onOutcome` hook once the event's result is stored). The hook is how
 * other features learn what the engine did without the engine knowing them:
 * dead letters and Slack notifications (src/core/failures/hooks.ts), and any
 * later consumer of "this event changed these issues" (docs/sync.md "Outcome hook").
 */
import type { ResultError, ResultStatus, EventResult, IssueRef } from '../results';
import type { BacklineEvent, Finding } from '../events/schema';
import type { Link } from './links';
import type { TransactionOperation } from '../ports';

export type SyncMode = 'inline' | 'consumer';

export type FindingEvent = Extract<BacklineEvent, { type: `finding.${string}` }>;
export type RemediationEvent = Extract<BacklineEvent, { type: `remediation.${string}` }>;
/** The events that change issues (ping and issue.lookup do not). */
export type ApplicableEvent = FindingEvent | RemediationEvent;

export const isApplicable = (event: BacklineEvent): event is ApplicableEvent => event.type !== 'ping' && event.type !== 'issue.lookup';

/** One finding's part of an event, as it is being applied. */
export interface FindingOutcome {
  findingId: string;
  status: ResultStatus;
  reason?: string;
  error?: ResultError;
  issue?: IssueRef;
  /** The link to store (set when Jira has the issue). */
  link?: Link;
  projectKey?: string;
  rule?: string;
  /** The issue's status before and after, when this event moved it (Jira status ids). */
  statusChange?: StatusChange;
  /** The key of the finding's previous issue, deleted in Jira, when this event re-created it. */
  replacedIssueKey?: string;
  /** The finding's data when the event named it by id only and the app kept it (a grouped finding that waited). */
  finding?: Finding;
  planned: string[];
  done: string[];
}

export interface StatusChange {
  /** undefined: the issue was just created, or its status was not known. */
  fromStatusId?: string;
  toStatusId: string;
}

/** What one finding's issue went through, as the `onOutcome` hook sees it. */
export interface FindingChange {
  findingId: string;
  status: ResultStatus;
  /** The Jira project the finding was routed to or is linked with. */
  projectKey?: string;
  /** The finding's issue (id, key, browse URL), when it has one. */
  issue?: IssueRef;
  statusChange?: StatusChange;
  /** The key of the finding's previous issue, deleted in Jira, when this event re-created it. */
  replacedIssueKey?: string;
  /** The finding's data when the event named it by id only and the app kept it (a grouped finding that waited). */
  finding?: Finding;
  /** The finding's link as this event stored it (what the app knows of an id-only finding, without a read). */
  link?: Link;
  /** Jira writes made, e.g. `create`, `comment`, `transition 3→31` (see plan.ts `describeWrite`). */
  done: string[];
  reason?: string;
  error?: ResultError;
}

/**
 * Handed to `onOutcome` after an event's result, link changes and activity entry
 * are stored (or, for a retryable failure, after its claims were left for the
 * next delivery). Not called for duplicates, queued events, pings or lookups.
 */
export interface EventOutcome {
  event: ApplicableEvent;
  result: EventResult;
  mode: SyncMode;
  /** The project of the event's first finding; '' when none (not routed). */
  projectKey: string;
  findings: FindingChange[];
  /** Jira requests the event used. */
  jiraRequests: number;
  /** Jira said during this invocation that the hour's points are nearly spent (or refused for them). */
  quotaNearlySpent?: boolean;
}

/** Must not throw; the processor logs and swallows a hook's error (bookkeeping never fails an event). */
export type OutcomeHook = (outcome: EventOutcome) => Promise<void>;

/**
 * Called before an event's outcome is stored: what a feature stores about it goes in the same transaction
 * (no storage write of its own). A failure is logged and the operations left out.
 */
export type RecordHook = (outcome: EventOutcome) => Promise<TransactionOperation[]>;

/** Several hooks as one, called in order; one failing does not stop the others. */
export function combineOutcomeHooks(...hooks: Array<OutcomeHook | undefined>): OutcomeHook {
  const present = hooks.filter((hook): hook is OutcomeHook => hook !== undefined);
  return async (outcome) => {
    const errors: unknown[] = [];
    for (const hook of present) await hook(outcome).catch((error: unknown) => errors.push(error));
    if (errors.length > 0) throw errors[0];
  };
}

export function findingChange(outcome: FindingOutcome): FindingChange {
  return {
    findingId: outcome.findingId,
    status: outcome.status,
    ...(outcome.projectKey ? { projectKey: outcome.projectKey } : {}),
    ...(outcome.issue ? { issue: outcome.issue } : {}),
    ...(outcome.statusChange ? { statusChange: outcome.statusChange } : {}),
    ...(outcome.replacedIssueKey ? { replacedIssueKey: outcome.replacedIssueKey } : {}),
    ...(outcome.finding ? { finding: outcome.finding } : {}),
    ...(outcome.link ? { link: outcome.link } : {}),
    done: outcome.done,
    ...(outcome.reason ? { reason: outcome.reason } : {}),
    ...(outcome.error ? { error: outcome.error } : {}),
  };
}

/** The event's result from its findings' outcomes. */
export function summarise(event: ApplicableEvent, outcomes: FindingOutcome[]): EventResult {
  const issues = outcomes.flatMap((o) => (o.issue ? [o.issue] : []));
  const base: EventResult = { eventId: event.id, type: event.type, status: overallStatus(outcomes), ...(issues.length > 0 ? { issues } : {}) };
  const failed = outcomes.filter((o) => o.status === 'failed');
  const firstError = failed[0]?.error ?? outcomes.find((o) => o.error)?.error;
  if (firstError) base.error = firstError;
  const reasons = outcomes.filter((o) => o.reason).map((o) => (outcomes.length > 1 ? `${o.findingId}: ${o.reason}` : (o.reason ?? '')));
  if (reasons.length > 0) base.reason = reasons.join('; ');
  if (event.type.startsWith('remediation.')) {
    base.findings = outcomes.map((o) => ({ findingId: o.findingId, status: o.status, ...(o.reason ? { reason: o.reason } : {}), ...(o.error ? { error: o.error } : {}) }));
  }
  return base;
}

function overallStatus(outcomes: FindingOutcome[]): ResultStatus {
  const statuses = outcomes.map((o) => o.status);
  const failed = outcomes.filter((o) => o.status === 'failed');
  if (failed.length > 0 && failed.length === outcomes.length) return 'failed';
  if (failed.some((o) => o.error?.retryable)) return 'failed';
  if (statuses.includes('created')) return 'created';
  if (statuses.includes('updated')) return 'updated';
  if (statuses.includes('stale')) return 'stale';
  if (statuses.every((s) => s === 'skipped')) return 'skipped';
  return 'unchanged';
}
