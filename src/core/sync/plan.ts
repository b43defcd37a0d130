/**
 * Plan, then apply: `planEvent` turns one event about one finding into the
 * Jira writes it needs, without I/O. It merges writes to the same issue (the
 * comment and the `backline` property ride inside the transition; the
 * property rides inside the edit) and drops writes that change nothing (field
 * fingerprints, PR comments and links already recorded in the link), so the
 * admin page can show what an event would do and tests need no Jira.
 */
import type { LifecycleStage, ProjectConfig, StatusRef } from '../config/model';
import type { BacklineEvent, Finding, FindingRef } from '../events/schema';
import type { AdfDocument, RemoteLinkInput } from '../jira/client';
import { valueFingerprint } from '../mapping/fingerprint';
import type { RenderedFields } from '../mapping/types';
import { prComment, prRemoteLink, resolvedComment, textDoc } from './messages';
import { fieldsToWrite } from './plan-fields';
import { type Link, type PrState, prEntry, propertyValue } from './links';
import { type MoveRule, mayMove, moveRule } from './move-policy';

export const PROPERTY_KEY = 'backline';
const PROPERTY_FINGERPRINT = 'property:backline';

export type JiraWrite =
  | { kind: 'create'; fields: Record<string, unknown>; property: Record<string, unknown> }
  | { kind: 'edit'; fields: Record<string, unknown>; property?: Record<string, unknown> }
  | {
      kind: 'transition';
      stage: LifecycleStage;
      target: StatusRef;
      /** Resolution wanted by name (config.resolutions). */
      resolutionName?: string;
      comment?: AdfDocument;
      /** Field values that ride along when the transition screen has them (else a separate edit). */
      fields?: Record<string, unknown>;
      property?: Record<string, unknown>;
      /** From where the move may happen (docs/sync.md, "People win"); the applier judges it on Jira's answer. */
      rule: MoveRule;
    }
  | { kind: 'comment'; body: AdfDocument }
  | { kind: 'property'; value: Record<string, unknown> }
  | { kind: 'remotelink'; link: RemoteLinkInput };

type TransitionWrite = Extract<JiraWrite, { kind: 'transition' }>;

export interface FindingPlan {
  findingId: string;
  writes: JiraWrite[];
  /** Older than the newest event applied to the finding: no status or field change. */
  stale: boolean;
  /** The link as it will be once the writes are applied (issue ids filled in by the applier on create). */
  next: Link;
  skipped?: string;
}

export interface PlanInput {
  event: Exclude<BacklineEvent, { type: 'ping' } | { type: 'issue.lookup' }>;
  finding: Finding | FindingRef;
  /** The finding's link, or a fresh one (issueId '') when the plan creates the issue. */
  link: Link;
  creating: boolean;
  config: ProjectConfig;
  /** Rendered field values: mode `create` when creating, `update` otherwise; absent when nothing is to be rendered. */
  rendered?: RenderedFields;
  /**
   * fill-if-empty fields read from Jira (`fillIfEmptyToCheck`): field id → empty in Jira now.
   * A field the app never wrote is written only when this says it is empty.
   */
  jiraEmpty?: Readonly<Record<string, boolean>>;
  now: number;
}

export function describeWrite(write: JiraWrite): string {
  switch (write.kind) {
    case 'transition':
      return `transition→${write.target.name}${write.comment ? '+comment' : ''}${write.property ? '+property' : ''}`;
    case 'edit':
      return `edit(${Object.keys(write.fields).join(',')})${write.property ? '+property' : ''}`;
    default:
      return write.kind;
  }
}

export function isFullFinding(finding: Finding | FindingRef): finding is Finding {
  return typeof finding.title === 'string' && typeof finding.severity === 'string';
}

export function planEvent(input: PlanInput): FindingPlan {
  const { event, config, now } = input;
  const link: Link = structuredClone(input.link);
  const occurredAt = Date.parse(event.occurredAt);
  const stale = !input.creating && occurredAt < link.lastEventAt;
  let transition: TransitionWrite | undefined;
  let comment: AdfDocument | undefined;
  let remoteLink: RemoteLinkInput | undefined;

  if (!stale) link.lastEventAt = Math.max(link.lastEventAt, occurredAt);
  link.lastSyncAt = now;
  link.updatedAt = now;
  if (isFullFinding(input.finding) && !stale) {
    link.title = input.finding.title;
    link.severity = input.finding.severity;
    if (typeof input.finding.url === 'string') link.findingUrl = input.finding.url;
  }

  // Field values: on create everything rendered; on update only what changed since the app last wrote it.
  const fields = input.rendered && !stale ? fieldsToWrite(input.rendered, link, input.creating, input.jiraEmpty) : {};

  // A move only where the policy lets the app move the issue from where the link believes it is
  // (a person's move that the link does not know of yet is judged when Jira answers: apply.ts).
  const stage = (name: LifecycleStage, extra: Partial<Extract<JiraWrite, { kind: 'transition' }>> = {}) => {
    const target = config.statuses[name];
    const rule = moveRule(name, config.statuses);
    if (!target || !rule || stale || (input.creating && rule.kind === 'back')) return;
    if (link.statusId !== undefined) {
      if (link.statusId === target.id) return;
      const closed = link.statusByPerson?.closed ?? link.statusId === config.statuses.resolved?.id;
      if (!mayMove(rule, { statusId: link.statusId, closed }, link.statusByPerson ? {} : { appStatusId: link.statusId })) return;
    }
    transition = { kind: 'transition', stage: name, target, rule, ...extra };
  };
  const commentsOn = config.commentOnLifecycle;

  switch (event.type) {
    case 'finding.created':
    case 'finding.updated':
      break;
    case 'finding.resolved': {
      if (stale) break;
      const already = link.resolved?.reason === event.data.reason && link.statusId === config.statuses.resolved?.id;
      if (already) break;
      const resolutionName = config.resolutions[event.data.reason];
      stage('resolved', resolutionName ? { resolutionName } : {});
      if (commentsOn) comment = resolvedComment(event.data.reason, input.finding);
      link.resolved = { reason: event.data.reason, at: event.occurredAt };
      break;
    }
    case 'finding.reopened': {
      if (stale) break;
      const wasResolved = link.resolved !== undefined;
      delete link.resolved;
      if (!input.creating) stage('reopened');
      // "Reopened" only when a move is planned: an issue that is open already (a person reopened it) is not.
      if (commentsOn && !input.creating && (wasResolved || transition)) comment = textDoc([{ text: `Backline detected this finding again${transition ? ', so the issue was reopened' : ''}.` }]);
      break;
    }
    case 'remediation.pr_opened':
    case 'remediation.pr_merged':
    case 'remediation.pr_closed': {
      const prState: PrState = event.type === 'remediation.pr_opened' ? 'open' : event.type === 'remediation.pr_merged' ? 'merged' : 'closed';
      const pr = prEntry(link, event.data.remediation, event.data.pullRequest, event.occurredAt);
      if (!stale) {
        link.remediationId = event.data.remediation.id;
        if (pr.at <= event.occurredAt) {
          pr.state = prState;
          pr.at = event.occurredAt;
        }
      }
      // A PR comment and link never recorded are added even when the event is stale (§6).
      if (commentsOn && !pr.commented[prState]) {
        comment = prComment(prState, event.data.remediation, event.data.pullRequest);
        pr.commented[prState] = true;
      }
      if (!pr.linked) {
        remoteLink = prRemoteLink(event.data.remediation, event.data.pullRequest, prState);
        pr.linked = true;
      }
      if (prState === 'open') stage('prOpened');
      else if (prState === 'merged') stage('prMerged');
      else stage('prClosed');
      break;
    }
    case 'remediation.resolved': {
      const rem = link.remediations.find((r) => r.id === event.data.remediation.id) ?? { id: event.data.remediation.id, prs: [] };
      if (!link.remediations.includes(rem)) link.remediations.push(rem);
      if (stale) break;
      link.remediationId = rem.id;
      const resolutionName = config.resolutions.fixed;
      stage('resolved', resolutionName ? { resolutionName } : {});
      if (commentsOn && !rem.resolvedCommented) {
        comment = textDoc([{ text: `Backline verified the remediation ${event.data.remediation.title ? `"${event.data.remediation.title}"` : event.data.remediation.id}: the finding is fixed.` }]);
        rem.resolvedCommented = true;
      }
      link.resolved = { reason: 'fixed', at: event.occurredAt };
      break;
    }
  }

  // The `backline` property: rewritten only when its content changed.
  const property = propertyValue(link, isFullFinding(input.finding) ? input.finding : undefined);
  if (isFullFinding(input.finding) && typeof property.finding === 'object' && property.finding !== null) {
    link.findingSnapshot = { ...(property.finding as Record<string, unknown>) };
  }
  const propertyFingerprint = valueFingerprint(property);
  const propertyChanged = link.fieldFingerprints[PROPERTY_FINGERPRINT] !== propertyFingerprint;
  link.fieldFingerprints[PROPERTY_FINGERPRINT] = propertyFingerprint;

  const writes = assembleWrites(input.creating, { fields, transition, comment, remoteLink, property, propertyChanged });
  return { findingId: link.findingId, writes, stale, next: link };
}

/**
 * The fewest requests for what one event changes: on update the transition
 * carries the comment, the property and (screen permitting) the fields, or the
 * edit carries the property.
 */
function assembleWrites(
  creating: boolean,
  parts: { fields: Record<string, unknown>; transition: TransitionWrite | undefined; comment: AdfDocument | undefined; remoteLink: RemoteLinkInput | undefined; property: Record<string, unknown>; propertyChanged: boolean },
): JiraWrite[] {
  const { fields, transition, comment, remoteLink, property, propertyChanged } = parts;
  const writes: JiraWrite[] = [];
  if (creating) {
    writes.push({ kind: 'create', fields, property });
    if (transition) writes.push({ ...transition, ...(comment ? { comment } : {}) });
    else if (comment) writes.push({ kind: 'comment', body: comment });
  } else if (transition) {
    // One request: the transition carries the comment, the property and (screen permitting) the fields.
    writes.push({
      ...transition,
      ...(comment ? { comment } : {}),
      ...(Object.keys(fields).length > 0 ? { fields } : {}),
      ...(propertyChanged ? { property } : {}),
    });
  } else {
    if (Object.keys(fields).length > 0) writes.push({ kind: 'edit', fields, ...(propertyChanged ? { property } : {}) });
    else if (propertyChanged) writes.push({ kind: 'property', value: property });
    if (comment) writes.push({ kind: 'comment', body: comment });
  }
  // The remote link (an idempotent upsert by globalId) goes before the write carrying the comment (not
  // idempotent in Jira): if a later write failed after the comment was posted, the retry would post it twice.
  if (remoteLink) writes.splice(creating ? 1 : 0, 0, { kind: 'remotelink', link: remoteLink });
  return writes;
}

export function emptyLink(findingId: string, projectKey: string, issueTypeId: string, now: number): Link {
  return {
    findingId,
    issueId: '',
    issueKey: '',
    projectKey,
    issueTypeId,
    lastEventAt: 0,
    fieldFingerprints: {},
    remediations: [],
    lastSyncAt: now,
    updatedAt: now,
  };
}
