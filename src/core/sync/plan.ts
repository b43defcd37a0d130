/**
 * Plan, then apply: `planEvent` turns one event about one finding into the
 * Jira writes it needs, without I/O. It merges writes to the same issue (the
 * comment and the `backline` property ride inside the transition; the
 * property rides inside the edit) and drops writes that change nothing (field
 * fingerprints, PR comments and links already recorded in the link), so the
 * admin page can show what an event would do and tests need no Jira.
 */
import type { ProjectConfig } from '../config/model';
import type { BacklineEvent, Finding, FindingRef } from '../events/schema';
import type { AdfDocument, RemoteLinkInput } from '../jira/issue-types';
import { valueFingerprint } from '../mapping/fingerprint';
import type { RenderedFields } from '../mapping/types';
import { fieldsToWrite } from './plan-fields';
import { lifecycleEffects, type AlsoOpened } from './plan-lifecycle';
import type { JiraWrite, TransitionWrite } from './jira-writes';
import { type Link, propertyValue } from './links';

export const PROPERTY_KEY = 'backline';
const PROPERTY_FINGERPRINT = 'property:backline';

export { describeWrite, type JiraWrite } from './jira-writes';

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
  /** PRs of `remediation.pr_opened` events folded into this one (coalesce.ts), oldest first. */
  alsoOpened?: readonly AlsoOpened[];
  now: number;
}

export function isFullFinding(finding: Finding | FindingRef): finding is Finding {
  return typeof finding.title === 'string' && typeof finding.severity === 'string';
}

export function planEvent(input: PlanInput): FindingPlan {
  const { event, config, now } = input;
  const link: Link = structuredClone(input.link);
  const occurredAt = Date.parse(event.occurredAt);
  const stale = !input.creating && occurredAt < link.lastEventAt;

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

  const { transition, comment, remoteLinks } = lifecycleEffects({ event, config, link, stale, creating: input.creating, finding: input.finding, ...(input.alsoOpened ? { alsoOpened: input.alsoOpened } : {}) });

  // The `backline` property: rewritten only when its content changed.
  const property = propertyValue(link, isFullFinding(input.finding) ? input.finding : undefined);
  if (isFullFinding(input.finding) && typeof property.finding === 'object' && property.finding !== null) {
    link.findingSnapshot = { ...(property.finding as Record<string, unknown>) };
  }
  const propertyFingerprint = valueFingerprint(property);
  const propertyChanged = link.fieldFingerprints[PROPERTY_FINGERPRINT] !== propertyFingerprint;
  link.fieldFingerprints[PROPERTY_FINGERPRINT] = propertyFingerprint;

  const writes = assembleWrites(input.creating, { fields, transition, comment, remoteLinks: remoteLinks ?? [], property, propertyChanged });
  return { findingId: link.findingId, writes, stale, next: link };
}

/**
 * The fewest requests for what one event changes: on update the transition
 * carries the comment, the property and (screen permitting) the fields, or the
 * edit carries the property.
 */
function assembleWrites(
  creating: boolean,
  parts: { fields: Record<string, unknown>; transition: TransitionWrite | undefined; comment: AdfDocument | undefined; remoteLinks: RemoteLinkInput[]; property: Record<string, unknown>; propertyChanged: boolean },
): JiraWrite[] {
  const { fields, transition, comment, remoteLinks, property, propertyChanged } = parts;
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
  writes.splice(creating ? 1 : 0, 0, ...remoteLinks.map((link): JiraWrite => ({ kind: 'remotelink', link })));
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
