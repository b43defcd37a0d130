/**
 * Applies one event to one finding (the caller holds the finding's claim): find
 * or route its issue, render and plan the Jira writes (plan.ts), make them
 * (apply.ts), and answer what happened. It never throws: every failure comes
 * back as a `failed` outcome, with what was known before it (project, rule,
 * planned and done writes), and `retry` set when Jira refused for now.
 */
import type { ProjectConfig } from '../config/model';
import { CodedError } from '../errors';
import { SEVERITY_RANK, severitySchema, type Finding, type FindingRef } from '../events/schema';
import { adfPlainText } from '../jira/issue-types';
import { JiraClient } from '../jira/client';
import { JiraError } from '../jira/http';
import type { RenderedFields } from '../mapping/types';
import { IssueDeletedError, applyPlan } from './apply';
import { classify, errorOf, writeNotSaved } from './classify';
import type { Claim } from './idempotency';
import type { Invocation } from './invocation';
import { parseLink, type Group, type Link } from './links';
import type { ApplicableEvent, FindingOutcome } from './outcome';
import { describeWrite, emptyLink, isFullFinding, planEvent, type FindingPlan, type JiraWrite } from './plan';
import { fillIfEmptyToCheck, isEmptyJiraValue } from './plan-fields';
import type { AlsoOpened } from './plan-lifecycle';
import { recoverLink } from './recovery';
import { isSnapshot } from './coalesce';
import { WriteLedger } from './write-ledger';

/**
 * The link read already (with the post-claim record check, apply-event.ts); `recovered`: absent from the store
 * and already looked for in Jira (grouping/apply-group.ts), so it is not looked for twice.
 */
export interface Prefetched {
  link: unknown;
  recovered?: boolean;
}

/** Why a finding without an issue gets none from an event that names it by id only. */
export const NO_FINDING_DATA = 'the finding has no Jira issue and the event does not carry its title and severity';

export interface FindingApplication {
  outcome: FindingOutcome;
  /** Set when Jira (or storage) refused for now: the event stops here and is retried later. */
  retry?: CodedError;
}

export interface Target {
  event: ApplicableEvent;
  finding: Finding | FindingRef;
  claim: Claim;
  /** A group's issue (grouping/apply-group.ts): the finding is the group finding, routed already, its table always rendered. */
  grouped?: { group: Group; config: ProjectConfig; rule?: string };
}

/**
 * What one application of an event to a finding has done so far, across its attempts: the outcome,
 * the writes Jira may have saved (write-ledger.ts), and whether it set the finding's unrecorded mark.
 */
interface Tracker {
  current: FindingOutcome;
  ledger: WriteLedger;
  marked: boolean;
}

export async function applyToFinding(inv: Invocation, target: Target, prefetched?: Prefetched): Promise<FindingApplication> {
  const tracker: Tracker = { current: newOutcome(target.finding.id), ledger: new WriteLedger(inv.counting), marked: false };
  try {
    return { outcome: await attempt(inv, target, tracker, 0, prefetched) };
  } catch (error) {
    const coded = classify(error);
    const known = tracker.current;
    const outcome: FindingOutcome = {
      findingId: target.finding.id, status: 'failed', error: errorOf(coded), reason: coded.message, planned: known.planned, done: known.done,
      ...(known.projectKey ? { projectKey: known.projectKey } : {}), ...(known.rule ? { rule: known.rule } : {}),
    };
    return coded.retryable ? { outcome, retry: coded } : { outcome };
  }
}

const newOutcome = (findingId: string): FindingOutcome => ({ findingId, status: 'unchanged', planned: [], done: [] });

/** One try; a deleted issue or stale create metadata gets one more (attempt 1). */
async function attempt(inv: Invocation, target: Target, tracker: Tracker, attemptNo: number, prefetched?: Prefetched): Promise<FindingOutcome> {
  const outcome = newOutcome(target.finding.id);
  tracker.current = outcome;
  const resolved = await resolveIssue(inv, target, outcome, prefetched);
  if ('status' in resolved) return resolved;
  const { link, config, creating } = resolved;
  const planned = await planWrites(inv, target, link, config, creating);
  if ('status' in planned) return { ...outcome, ...planned };
  const plan = planned;
  outcome.planned = plan.writes.map(describeWrite);
  // The site URL (a Jira read that can fail) is needed for the result: read it before writing, so a
  // failure cannot fall between a create and the link that records it (that orphan got a second issue).
  await inv.siteBase();
  // Creates and comments are the writes Jira would repeat: until a link records them, a
  // failure hands the claim over for recovery instead of releasing it.
  tracker.marked ||= markUnrecorded(inv, target, plan);
  try {
    return await execute(inv, plan, config, outcome, creating ? undefined : link.statusId, new JiraClient(tracker.ledger));
  } catch (error) {
    // Jira refused the write (4xx, 429: docs/platform-limits.md "Jira REST rate limits") and took no create,
    // comment or transition of this finding before it: nothing is in Jira to look for later, so the claim is
    // released, not handed over for recovery (which reads the issue and its comments). A write answered 5xx
    // or not at all keeps the mark. On a claim taken over for recovery the mark stays while the issue
    // exists: the comments found posted were left out of this plan only, and the next plan must look again.
    if (tracker.marked && tracker.ledger.maybeSaved === 0 && writeNotSaved(error) && (creating || !target.claim.recovered)) inv.unrecordedWrites.delete(target.finding.id);
    if (attemptNo > 0) throw error;
    if (error instanceof IssueDeletedError) return recreate(inv, target, tracker, config, link, error);
    if (error instanceof JiraError && error.status === 400 && Object.values(error.errors).some((m) => STALE_SCREEN.test(m))) {
      // The cached create metadata may be stale (a field removed from the screen, an option removed from a
      // field): refresh once and plan again, so a fallback applies or the error names the field and option.
      await inv.metadata.invalidate(config.projectKey, config.issueTypeId);
      return attempt(inv, target, tracker, attemptNo + 1);
    }
    throw error;
  }
}

/**
 * Marks the finding as having writes no link records yet, when the plan has a create or a comment
 * (Jira would make them twice). Answers whether this attempt set the mark: one set before (an earlier
 * event of the invocation, a search that may lag) stays whatever this attempt's writes meet.
 */
function markUnrecorded(inv: Invocation, target: Target, plan: FindingPlan): boolean {
  const repeatable = plan.writes.some((write) => write.kind === 'create' || write.kind === 'comment' || (write.kind === 'transition' && write.comment));
  if (!repeatable || inv.unrecordedWrites.since(target.finding.id) !== undefined) return false;
  inv.unrecordedWrites.add(target.finding.id, inv.clock.now());
  return true;
}

/**
 * Jira's words for a field or option its create screen no longer has ("Field 'x' cannot be set. It is
 * not on the appropriate screen, or unknown.", "Option id '10021' is not valid": dev/jira-sim/fields.ts).
 */
const STALE_SCREEN = /cannot be set|unknown|^Option (id|value) '.*' is not valid/i;

type Resolved = { link: Link; config: ProjectConfig; creating: boolean } | FindingOutcome;

/** The finding's issue (from the store, else recovered from Jira), or the project a new one goes to. */
async function resolveIssue(inv: Invocation, { event, finding, claim, grouped }: Target, outcome: FindingOutcome, prefetched?: Prefetched): Promise<Resolved> {
  // Read with the post-claim record check when possible (apply-event.ts readAfterClaim), never before the claim.
  const stored = prefetched ? parseLink(prefetched.link) : await inv.links.get(finding.id);
  const link = stored ?? (prefetched?.recovered ? undefined : await recoverLink(inv, finding.id, claim));
  if (link && grouped) link.group = grouped.group;
  if (link) {
    const config = await inv.configs.getProject(link.projectKey);
    if (!config) return { ...outcome, status: 'skipped', reason: `project ${link.projectKey} is no longer connected`, link };
    outcome.projectKey = link.projectKey;
    return { link, config, creating: false };
  }
  const createsIssue = event.type === 'finding.created' || event.type === 'finding.updated' || event.type === 'finding.reopened' || event.type.startsWith('remediation.');
  if (!createsIssue) return { ...outcome, status: 'skipped', reason: 'the finding has no Jira issue' };
  if (!isFullFinding(finding)) return { ...outcome, status: 'skipped', reason: NO_FINDING_DATA };
  const route = grouped ?? (await inv.projectFor(finding));
  if (route instanceof CodedError) return { ...outcome, status: 'failed', error: errorOf(route), reason: route.message };
  const config = route.config;
  outcome.projectKey = config.projectKey;
  if (route.rule) outcome.rule = route.rule;
  if (SEVERITY_RANK[finding.severity] < SEVERITY_RANK[config.minimumSeverity]) {
    return { ...outcome, status: 'skipped', reason: `severity ${finding.severity} is below the minimum ${config.minimumSeverity} of ${config.projectKey}` };
  }
  const fresh = emptyLink(finding.id, config.projectKey, config.issueTypeId, inv.clock.now());
  return { link: grouped ? { ...fresh, group: grouped.group } : fresh, config, creating: true };
}

/** Renders the fields (when the event carries them) and plans the writes; a mapping problem on create fails the finding. */
async function planWrites(inv: Invocation, { event, finding, claim, grouped }: Target, link: Link, config: ProjectConfig, creating: boolean): Promise<FindingPlan | Pick<FindingOutcome, 'status' | 'error' | 'reason'>> {
  const now = inv.clock.now();
  // A PR event carrying its finding's folded snapshot events (coalesce.ts) writes the snapshot as they would have:
  // rendered from the finding alone, whether it creates the issue or updates it.
  const folds = !event.type.startsWith('finding.') && (inv.carried.get(event.id) ?? []).some(isSnapshot);
  const context = {
    finding,
    ...('remediation' in event.data && !folds ? { remediation: event.data.remediation } : {}),
    ...('pullRequest' in event.data && !folds ? { pullRequest: event.data.pullRequest } : {}),
  };
  let rendered: RenderedFields | undefined;
  // A group's table changes with its findings' states, whatever the event (only changed fields are written).
  if (creating || (isFullFinding(finding) && (event.type.startsWith('finding.') || grouped || folds))) {
    rendered = await inv.render(config, context, creating ? 'create' : 'update');
    const problem = blockingProblems(rendered, creating);
    if (problem) return { status: 'failed', error: errorOf(problem), reason: problem.message };
  }
  // fill-if-empty: a value the app never wrote goes in only where Jira's field is empty. One read of
  // just those fields, only when such a value is new (never in the steady state).
  let jiraEmpty: Record<string, boolean> | undefined;
  const toCheck = rendered && !creating ? fillIfEmptyToCheck(rendered, link, Date.parse(event.occurredAt) < link.lastEventAt) : [];
  if (toCheck.length > 0) {
    // A deleted issue answers undefined: the write that follows meets the 404 and re-creates it.
    const current = await inv.client.getIssue(link.issueId, { fields: toCheck });
    jiraEmpty = Object.fromEntries(toCheck.map((fieldId) => [fieldId, isEmptyJiraValue(current?.fields[fieldId])]));
  }
  const alsoOpened = openedWith(inv, event);
  const plan = planEvent({ event, finding, link, creating, config, ...(rendered ? { rendered } : {}), ...(jiraEmpty ? { jiraEmpty } : {}), ...(alsoOpened.length > 0 ? { alsoOpened } : {}), now });
  // Taken over after a failure: a comment may already be on the issue without the link
  // knowing (the write went through, recording it did not). Look before posting again.
  if (claim.recovered && !creating) await dropCommentsAlreadyPosted(inv, plan.writes, link);
  return plan;
}

/** The PRs opened by events folded into a `remediation.pr_opened` (coalesce.ts), oldest first. */
function openedWith(inv: Invocation, event: ApplicableEvent): AlsoOpened[] {
  if (event.type !== 'remediation.pr_opened') return [];
  return (inv.carried.get(event.id) ?? []).flatMap((carried) =>
    carried.type === 'remediation.pr_opened' && carried.data.pullRequest.url !== event.data.pullRequest.url
      ? [{ remediation: carried.data.remediation, pullRequest: carried.data.pullRequest, occurredAt: carried.occurredAt }]
      : [],
  );
}

/** Makes the planned writes and describes the result. */
async function execute(inv: Invocation, plan: FindingPlan, config: ProjectConfig, outcome: FindingOutcome, fromStatusId: string | undefined, client: JiraClient): Promise<FindingOutcome> {
  const applied = await applyPlan(
    { client, workflows: inv.workflows, ...(config.resolutions.fixed ? { fallbackResolutionName: config.resolutions.fixed } : {}) },
    plan,
  );
  outcome.done = applied.done;
  outcome.link = applied.link;
  delete applied.link.lastError;
  outcome.issue = await inv.issueRef(applied.link);
  outcome.status = applied.created ? 'created' : plan.stale ? 'stale' : plan.writes.length > 0 ? 'updated' : 'unchanged';
  const toStatusId = applied.link.statusId;
  // Only the app's own moves (and a new issue's first status): a person's move the app learned of by reading is theirs, not this event's.
  if (toStatusId && toStatusId !== fromStatusId && (applied.created || applied.moved)) outcome.statusChange = { ...(fromStatusId ? { fromStatusId } : {}), toStatusId };
  if (plan.stale) outcome.reason = `older than the newest event applied to ${plan.findingId}${plan.writes.length > 0 ? '; missing PR comment/link added' : ''}`;
  // Why the issue did not move, in the Activity tab's words (a person's decision stands).
  if (applied.kept && !outcome.reason) outcome.reason = applied.kept;
  if (applied.blocked) {
    outcome.error = errorOf(applied.blocked);
    outcome.reason = applied.blocked.message;
    applied.link.lastError = { code: applied.blocked.code, message: applied.blocked.message, at: inv.clock.now() };
  }
  return outcome;
}

/** The linked issue was deleted in Jira: re-create it (unless the project says not to). */
async function recreate(inv: Invocation, target: Target, tracker: Tracker, config: ProjectConfig, link: Link, error: IssueDeletedError): Promise<FindingOutcome> {
  const { finding } = target;
  if (config.recreateDeletedIssues === false) return { ...tracker.current, status: 'failed', error: errorOf(error), reason: error.message };
  // Forget the dead issue but keep nothing that described it (comments/links go on the new one).
  const severity = severitySchema.safeParse(link.severity);
  const full: FindingRef = isFullFinding(finding) ? finding : { ...finding, ...(link.title ? { title: link.title } : {}), ...(severity.success ? { severity: severity.data } : {}) };
  // Planned as a finding without an issue. The dead issue's link stays stored until the new one replaces it
  // in the event's transaction: deleting it would take the link back to version 0 while the claim is held
  // at its version (idempotency.ts `claimFinding`), and a taker could then claim version 0.
  const again = await attempt(inv, { ...target, finding: full }, tracker, 1, { link: undefined, recovered: true });
  if (again.status === 'created') {
    again.reason = `the linked issue ${link.issueKey} was deleted in Jira; re-created as ${again.issue?.key ?? 'a new issue'}`;
    again.replacedIssueKey = link.issueKey;
  }
  return again;
}

function blockingProblems(rendered: RenderedFields, creating: boolean): CodedError | undefined {
  if (!creating || rendered.problems.length === 0) return undefined;
  return new CodedError('MAPPING_INVALID', rendered.problems.map((p) => `${p.fieldName}: ${p.message}`).join('; '), {
    details: rendered.problems.map((p) => ({ path: p.fieldId, message: p.message })),
  });
}

/**
 * Removes from `writes` a comment whose text is already on the issue, posted since
 * the link was last synced. One Jira read, and only on the recovery path.
 */
async function dropCommentsAlreadyPosted(inv: Invocation, writes: JiraWrite[], link: Link): Promise<void> {
  const planned = writes.flatMap((write) => (write.kind === 'comment' ? [write.body] : write.kind === 'transition' && write.comment ? [write.comment] : []));
  if (planned.length === 0 || !link.issueId) return;
  // A minute of slack for the difference between Jira's clock and ours.
  const since = link.lastSyncAt - 60_000;
  const posted = new Set((await inv.client.recentComments(link.issueId)).filter((c) => c.created >= since).map((c) => c.text));
  for (let index = writes.length - 1; index >= 0; index--) {
    const write = writes[index];
    if (write?.kind === 'comment' && posted.has(adfPlainText(write.body))) writes.splice(index, 1);
    if (write?.kind === 'transition' && write.comment && posted.has(adfPlainText(write.comment))) delete write.comment;
  }
}
