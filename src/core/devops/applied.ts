/**
 * An applied event as the Security tab and development panel see it (hook.ts builds it from the
 * engine's outcome; sender.ts sends it), and why a finding's vulnerability changes.
 */
import type { FindingRef, PullRequest, Remediation, ResolveReason } from '../events/schema';
import type { PrEventType, VulnerabilityCause } from './build';

/** A project's switches (config: showInSecurityTab, showInDevelopmentPanel). */
export interface DevopsSwitches {
  securityTab: boolean;
  developmentPanel: boolean;
}

/** One finding of an applied event, with the issue the app keeps for it. */
export interface AppliedFinding {
  /** As the event carried it, completed from the link's snapshot when the event had only the id. */
  finding: FindingRef;
  projectKey: string;
  issue: { key: string; url: string };
  /** The finding's previous issue, deleted in Jira and re-created by the app. */
  deletedIssueKey?: string;
  /** Its issue was created by this event (a PR event that names a new or waiting finding): it becomes a vulnerability now. */
  created?: boolean;
}

/** What an applied event says, in the terms the builders need. */
export type AppliedEvent =
  | { type: 'finding.created' | 'finding.updated' | 'finding.reopened'; occurredAt: string; findings: AppliedFinding[] }
  | { type: 'finding.resolved'; reason: ResolveReason; occurredAt: string; findings: AppliedFinding[] }
  | { type: 'remediation.resolved'; occurredAt: string; remediation: Remediation; findings: AppliedFinding[] }
  | { type: PrEventType; occurredAt: string; remediation: Remediation; pullRequest: PullRequest; findings: AppliedFinding[] };

/** The vulnerability cause an event gives its findings (a PR event gives none: it changes the development panel). */
export function causeOf(event: AppliedEvent): VulnerabilityCause | undefined {
  switch (event.type) {
    case 'finding.resolved':
      return { type: 'finding.resolved', reason: event.reason };
    case 'finding.created':
    case 'finding.updated':
    case 'finding.reopened':
      return { type: event.type };
    case 'remediation.resolved':
      return { type: 'remediation.resolved' };
    default:
      return undefined;
  }
}
