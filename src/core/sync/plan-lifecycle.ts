/**
 * What a lifecycle event asks of the issue, without I/O: the move (only where
 * the move policy lets the app move it from where the link believes it is; a
 * person's move the link does not know of yet is judged when Jira answers, in
 * apply.ts), the comment, and the PR's remote link. Records on the link what
 * it plans (PR states, comments made, the resolution), so a redelivery plans
 * nothing.
 */
import type { LifecycleStage, ProjectConfig } from '../config/model';
import type { BacklineEvent, Finding, FindingRef, PullRequest, Remediation } from '../events/schema';
import type { AdfDocument, RemoteLinkInput } from '../jira/issue-types';
import { prComment, prRemoteLink, prsOpenedComment, resolvedComment, textDoc } from './messages';
import { type Link, type PrState, prEntry } from './links';
import { mayMove, moveRule } from './move-policy';
import type { TransitionWrite } from './jira-writes';

export interface LifecycleEffects {
  transition?: TransitionWrite;
  comment?: AdfDocument;
  remoteLinks?: RemoteLinkInput[];
}

/** A pull request opened by an event folded into this one (coalesce.ts): linked and named in its comment. */
export interface AlsoOpened {
  remediation: Remediation;
  pullRequest: PullRequest;
  occurredAt: string;
}

interface LifecycleInput {
  event: BacklineEvent;
  config: ProjectConfig;
  /** The plan's working copy: updated in place. */
  link: Link;
  stale: boolean;
  creating: boolean;
  finding: Finding | FindingRef;
  /** PRs of `remediation.pr_opened` events folded into this one, oldest first. */
  alsoOpened?: readonly AlsoOpened[];
}

/** The transition to a stage, when the stage is configured and the policy allows the move from the link's status. */
function plannedMove(input: LifecycleInput, name: LifecycleStage, extra: Partial<TransitionWrite> = {}): TransitionWrite | undefined {
  const { config, link, stale, creating } = input;
  const target = config.statuses[name];
  const rule = moveRule(name, config.statuses);
  if (!target || !rule || stale || (creating && rule.kind === 'back')) return undefined;
  if (link.statusId !== undefined) {
    if (link.statusId === target.id) return undefined;
    const closed = link.statusByPerson?.closed ?? link.statusId === config.statuses.resolved?.id;
    if (!mayMove(rule, { statusId: link.statusId, closed }, link.statusByPerson ? {} : { appStatusId: link.statusId })) return undefined;
  }
  return { kind: 'transition', stage: name, target, rule, ...extra };
}

export function lifecycleEffects(input: LifecycleInput): LifecycleEffects {
  const { event } = input;
  switch (event.type) {
    case 'finding.created':
    case 'finding.updated':
    case 'ping':
    case 'issue.lookup':
      return {};
    case 'finding.resolved':
      return findingResolved(input, event);
    case 'finding.reopened':
      return findingReopened(input);
    case 'remediation.pr_opened':
    case 'remediation.pr_merged':
    case 'remediation.pr_closed':
      return pullRequestChanged(input, event);
    case 'remediation.resolved':
      return remediationResolved(input, event);
    default:
      return unknownEvent(event);
  }
}

function unknownEvent(event: never): never {
  throw new Error(`No lifecycle plan for event ${JSON.stringify(event)}`);
}

function findingResolved(input: LifecycleInput, event: Extract<BacklineEvent, { type: 'finding.resolved' }>): LifecycleEffects {
  const { config, link } = input;
  const { reason } = event.data;
  if (input.stale) return {};
  if (link.resolved?.reason === reason && link.statusId === config.statuses.resolved?.id) return {};
  const resolutionName = config.resolutions[reason];
  const transition = plannedMove(input, 'resolved', resolutionName ? { resolutionName } : {});
  link.resolved = { reason, at: event.occurredAt };
  return { transition, ...(config.commentOnLifecycle ? { comment: resolvedComment(reason, input.finding) } : {}) };
}

function findingReopened(input: LifecycleInput): LifecycleEffects {
  const { link, creating } = input;
  if (input.stale) return {};
  const wasResolved = link.resolved !== undefined;
  delete link.resolved;
  const transition = creating ? undefined : plannedMove(input, 'reopened');
  // "Reopened" only when a move is planned: an issue that is open already (a person reopened it) is not.
  if (!input.config.commentOnLifecycle || creating || !(wasResolved || transition)) return { transition };
  return { transition, comment: textDoc([{ text: `Backline detected this finding again${transition ? ', so the issue was reopened' : ''}.` }]) };
}

const PR_STAGE: Record<PrState, LifecycleStage> = { open: 'prOpened', merged: 'prMerged', closed: 'prClosed' };

function pullRequestChanged(input: LifecycleInput, event: Extract<BacklineEvent, { type: 'remediation.pr_opened' | 'remediation.pr_merged' | 'remediation.pr_closed' }>): LifecycleEffects {
  const prState: PrState = event.type === 'remediation.pr_opened' ? 'open' : event.type === 'remediation.pr_merged' ? 'merged' : 'closed';
  const folded = prState === 'open' ? (input.alsoOpened ?? []) : [];
  const effects: LifecycleEffects = { transition: plannedMove(input, PR_STAGE[prState]) };
  const remoteLinks: RemoteLinkInput[] = [];
  const toComment: AlsoOpened[] = [];
  // The PRs folded into this event first (they were opened before it), each as its own event would.
  for (const pr of [...folded, { remediation: event.data.remediation, pullRequest: event.data.pullRequest, occurredAt: event.occurredAt }]) {
    const noted = notePullRequest(input, prState, pr);
    if (noted.remoteLink) remoteLinks.push(noted.remoteLink);
    if (noted.comment) toComment.push(pr);
  }
  // One comment, however many PRs the folded events opened (docs/performance.md "Coalescing").
  const [only] = toComment;
  if (only) effects.comment = toComment.length === 1 ? prComment(prState, only.remediation, only.pullRequest) : prsOpenedComment(toComment);
  if (remoteLinks.length > 0) effects.remoteLinks = remoteLinks;
  return effects;
}

/** Records one PR's new state on the link; answers whether its comment and remote link are still to be made. */
function notePullRequest(input: LifecycleInput, prState: PrState, { remediation, pullRequest, occurredAt }: AlsoOpened): { comment: boolean; remoteLink?: RemoteLinkInput } {
  const { link } = input;
  const pr = prEntry(link, remediation, pullRequest, occurredAt);
  if (!input.stale) {
    link.remediationId = remediation.id;
    if (pr.at <= occurredAt) {
      pr.state = prState;
      pr.at = occurredAt;
    }
  }
  // A PR comment and link never recorded are added even when the event is stale (docs/events.md §6).
  const comment = input.config.commentOnLifecycle && !pr.commented[prState];
  if (comment) pr.commented[prState] = true;
  if (pr.linked) return { comment };
  pr.linked = true;
  return { comment, remoteLink: prRemoteLink(remediation, pullRequest, prState) };
}

function remediationResolved(input: LifecycleInput, event: Extract<BacklineEvent, { type: 'remediation.resolved' }>): LifecycleEffects {
  const { config, link } = input;
  const { remediation } = event.data;
  const rem = link.remediations.find((r) => r.id === remediation.id) ?? { id: remediation.id, prs: [] };
  if (!link.remediations.includes(rem)) link.remediations.push(rem);
  if (input.stale) return {};
  link.remediationId = rem.id;
  const resolutionName = config.resolutions.fixed;
  const effects: LifecycleEffects = { transition: plannedMove(input, 'resolved', resolutionName ? { resolutionName } : {}) };
  if (config.commentOnLifecycle && !rem.resolvedCommented) {
    effects.comment = textDoc([{ text: `Backline verified the remediation ${remediation.title ? `"${remediation.title}"` : remediation.id}: the finding is fixed.` }]);
    rem.resolvedCommented = true;
  }
  link.resolved = { reason: 'fixed', at: event.occurredAt };
  return effects;
}
