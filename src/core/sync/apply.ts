/**
 * Executes a FindingPlan against Jira, one issue at a time, keeping the link
 * in step with what Jira accepted. Status changes go through the transition
 * solver (workflow.ts); Jira errors become the contract's failure codes.
 */
import { CodedError } from '../errors';
import { type JiraClient, type AdfDocument, type EntityPropertyInput } from '../jira/client';
import { JiraError } from '../jira/http';
import { MAX_HOPS, type WorkflowCache, explorationStep, fillRequired, findPath, toKnownTransitions, type FieldFill } from '../jira/workflow';
import type { Link } from './links';
import { PROPERTY_KEY, describeWrite, textDoc, type FindingPlan, type JiraWrite } from './plan';

export interface ApplyContext {
  client: JiraClient;
  workflows: WorkflowCache;
  /** Resolution used when an intermediate hop demands one. */
  fallbackResolutionName?: string;
}

export interface ApplyOutcome {
  link: Link;
  created: boolean;
  done: string[];
  /** Set when the status could not be reached (comment added instead). */
  blocked?: CodedError;
}

export class IssueDeletedError extends CodedError {
  constructor(key: string) {
    super('ISSUE_DELETED', `The linked issue ${key} no longer exists in Jira`);
  }
}

function props(property: Record<string, unknown> | undefined): EntityPropertyInput[] | undefined {
  return property ? [{ key: PROPERTY_KEY, value: property }] : undefined;
}

const commentUpdate = (body: AdfDocument) => ({ comment: [{ add: { body } }] });

export async function applyPlan(ctx: ApplyContext, plan: FindingPlan): Promise<ApplyOutcome> {
  const link = plan.next;
  const outcome: ApplyOutcome = { link, created: false, done: [] };
  for (const write of plan.writes) {
    try {
      await applyWrite(ctx, link, write, outcome);
    } catch (error) {
      if (error instanceof JiraError && error.status === 404 && write.kind !== 'create') throw new IssueDeletedError(link.issueKey);
      throw error;
    }
    outcome.done.push(describeWrite(write));
  }
  return outcome;
}

async function applyWrite(ctx: ApplyContext, link: Link, write: JiraWrite, outcome: ApplyOutcome): Promise<void> {
  const { client } = ctx;
  switch (write.kind) {
    case 'create': {
      const created = await client.createIssue({ fields: write.fields, properties: [{ key: PROPERTY_KEY, value: { ...write.property } }] });
      link.issueId = created.id;
      link.issueKey = created.key;
      outcome.created = true;
      const graph = await ctx.workflows.get(link.projectKey, link.issueTypeId);
      if (graph.initialStatusId) link.statusId = graph.initialStatusId;
      else delete link.statusId;
      return;
    }
    case 'edit':
      await client.editIssue(link.issueId, { fields: write.fields, ...(write.property ? { properties: props(write.property) } : {}) });
      return;
    case 'property':
      await client.setIssueProperty(link.issueId, PROPERTY_KEY, write.value);
      return;
    case 'comment':
      await client.addComment(link.issueId, write.body);
      return;
    case 'remotelink':
      await client.upsertRemoteLink(link.issueId, write.link);
      return;
    case 'transition':
      await transition(ctx, link, write, outcome);
      return;
  }
}

/** Where the issue is now: the link's belief, else one read (then remembered as the workflow's initial status if new). */
async function currentStatus(ctx: ApplyContext, link: Link, fresh: boolean): Promise<string> {
  if (link.statusId && !fresh) return link.statusId;
  const issue = await ctx.client.getIssue(link.issueId, { fields: ['status'] });
  if (!issue) throw new IssueDeletedError(link.issueKey);
  if (!issue.statusId) throw new CodedError('JIRA_REJECTED', `Jira did not report the status of ${link.issueKey}`);
  if (!link.statusId && !fresh) {
    const graph = await ctx.workflows.get(link.projectKey, link.issueTypeId);
    if (!graph.initialStatusId) ctx.workflows.learnInitial(link.projectKey, link.issueTypeId, graph, issue.statusId);
  }
  link.statusId = issue.statusId;
  return issue.statusId;
}

async function transition(ctx: ApplyContext, link: Link, write: Extract<JiraWrite, { kind: 'transition' }>, outcome: ApplyOutcome): Promise<void> {
  const { client, workflows } = ctx;
  const graph = await workflows.get(link.projectKey, link.issueTypeId);
  const fill: FieldFill = {
    ...(write.resolutionName ? { resolutionName: write.resolutionName } : {}),
    ...(ctx.fallbackResolutionName ? { fallbackResolutionName: ctx.fallbackResolutionName } : {}),
  };
  let fresh = false;
  let retried = false;
  const visited = new Set<string>();
  let pendingComment = write.comment;
  let pendingProperty = write.property;
  let pendingFields = write.fields;

  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    const status = await currentStatus(ctx, link, fresh);
    fresh = false;
    visited.add(status);
    if (write.onlyFromStatusId && hop === 0 && status !== write.onlyFromStatusId) break;
    if (status === write.target.id) break;
    if (!graph.edges[status]) workflows.learn(link.projectKey, link.issueTypeId, graph, status, toKnownTransitions(await client.getTransitions(link.issueId)));
    const path = findPath(graph, status, write.target.id, fill);
    const next = path?.[0] ?? explorationStep(graph, status, visited, fill);
    if (!next) {
      outcome.blocked = await blocked(ctx, link, write, status, graph.statusNames[status], pendingComment);
      pendingComment = undefined;
      break;
    }
    const final = next.toStatusId === write.target.id;
    const filled = fillRequired(next, final ? fill : { ...(fill.fallbackResolutionName ? { fallbackResolutionName: fill.fallbackResolutionName } : {}) });
    const fields: Record<string, unknown> = 'fields' in filled ? { ...filled.fields } : {};
    let separateFields: Record<string, unknown> | undefined;
    if (final && pendingFields) {
      // Mapped fields ride along only when the transition screen has them.
      for (const [id, value] of Object.entries(pendingFields)) {
        if (next.screenFieldIds.includes(id)) fields[id] = value;
        else (separateFields ??= {})[id] = value;
      }
      pendingFields = undefined;
    }
    if (separateFields) await client.editIssue(link.issueId, { fields: separateFields });
    try {
      await client.transitionIssue(link.issueId, {
        transitionId: next.id,
        ...(Object.keys(fields).length > 0 ? { fields } : {}),
        ...(final && pendingComment ? { update: commentUpdate(pendingComment) } : {}),
        ...(final && pendingProperty ? { properties: props(pendingProperty) } : {}),
      });
    } catch (error) {
      // The cached graph (or the link's status) was wrong: someone moved the issue or changed the workflow.
      if (error instanceof JiraError && (error.status === 400 || error.status === 409) && !retried) {
        retried = true;
        workflows.forget(link.projectKey, link.issueTypeId, graph, status);
        fresh = true;
        continue;
      }
      throw error;
    }
    link.statusId = next.toStatusId;
    if (final) {
      pendingComment = undefined;
      pendingProperty = undefined;
    }
  }
  // Already there, not applicable, or blocked: what did not ride along goes on its own.
  if (pendingFields) await client.editIssue(link.issueId, { fields: pendingFields, ...(pendingProperty ? { properties: props(pendingProperty) } : {}) });
  else if (pendingProperty) await client.setIssueProperty(link.issueId, PROPERTY_KEY, pendingProperty);
  if (pendingComment) await client.addComment(link.issueId, pendingComment);
  await workflows.flush();
  if (outcome.blocked) outcome.done.push('comment(blocked)');
}

async function blocked(
  ctx: ApplyContext,
  link: Link,
  write: Extract<JiraWrite, { kind: 'transition' }>,
  statusId: string,
  statusName: string | undefined,
  comment: AdfDocument | undefined,
): Promise<CodedError> {
  const graph = await ctx.workflows.get(link.projectKey, link.issueTypeId);
  const needs = (graph.edges[statusId] ?? [])
    .filter((t) => t.toStatusId === write.target.id)
    .flatMap((t) => {
      const filled = fillRequired(t, { ...(write.resolutionName ? { resolutionName: write.resolutionName } : {}) });
      return 'missing' in filled ? filled.missing : [];
    });
  const why = needs.length > 0 ? `the transition needs ${needs.join(', ')}` : `the workflow has no transition path from ${statusName ?? `status ${statusId}`} to ${write.target.name} that the app may take`;
  const message = `Backline could not move ${link.issueKey} to "${write.target.name}": ${why}. Move it by hand, or change the status mapping in the Backline project settings.`;
  const body: AdfDocument = comment
    ? { ...comment, content: [...comment.content, ...textDoc([{ text: message }]).content] }
    : textDoc([{ text: message }]);
  await ctx.client.addComment(link.issueId, body);
  return new CodedError('TRANSITION_BLOCKED', message);
}
