/**
 * Executes a FindingPlan against Jira, one issue at a time, keeping the link
 * in step with what Jira accepted. Status changes go through the transition
 * solver (workflow.ts); Jira errors become the contract's failure codes.
 */
import { CodedError } from '../errors';
import { type JiraClient } from '../jira/client';
import { type AdfDocument, type EntityPropertyInput } from '../jira/issue-types';
import { JiraError } from '../jira/http';
import { MAX_HOPS, type FieldFill, type KnownTransition, type WorkflowCache, type WorkflowGraph, explorationStep, fillRequired, findPath, sameTransitions, sendsBlind, toKnownTransitions } from '../jira/workflow';
import type { Link } from './links';
import { type IssuePosition, mayMove } from './move-policy';
import { initialStatusOf } from './initial-status';
import { textDoc } from './messages';
import type { TransitionWrite } from './jira-writes';
import { PROPERTY_KEY, describeWrite, type FindingPlan, type JiraWrite } from './plan';

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
  /** What did not happen and did not stop the rest (a refused remote link), for the activity entry. */
  warnings: string[];
  /** Set when the issue stayed where a person put it (docs/sync.md, "People win"). */
  kept?: string;
  /** Jira accepted a transition the app sent (a status the app learned by reading is not a move). */
  moved?: boolean;
}

export class IssueDeletedError extends CodedError {
  constructor(key: string) {
    super('ISSUE_DELETED', `The linked issue ${key} no longer exists in Jira`);
  }
}

const props = (property: Record<string, unknown> | undefined): EntityPropertyInput[] | undefined => (property ? [{ key: PROPERTY_KEY, value: property }] : undefined);

const commentUpdate = (body: AdfDocument) => ({ comment: [{ add: { body } }] });

export async function applyPlan(ctx: ApplyContext, plan: FindingPlan): Promise<ApplyOutcome> {
  const link = plan.next;
  const outcome: ApplyOutcome = { link, created: false, done: [], warnings: [] };
  for (const write of plan.writes) {
    try {
      await applyWrite(ctx, link, write, outcome);
    } catch (error) {
      if (error instanceof JiraError && error.status === 404 && write.kind !== 'create') throw new IssueDeletedError(link.issueKey);
      if (error instanceof JiraError && error.status === 403 && write.kind === 'remotelink') {
        // No Link Issues permission, or linking switched off: the PR is still named (and linked) in the
        // comment, and the status change goes on. The link is tried again with the PR's next event.
        refusedRemoteLink(link, write.link.globalId, outcome, error);
        continue;
      }
      throw error;
    }
    outcome.done.push(describeWrite(write));
  }
  return outcome;
}

function refusedRemoteLink(link: Link, globalId: string, outcome: ApplyOutcome, error: JiraError): void {
  for (const pr of link.remediations.flatMap((r) => r.prs)) if (pr.url === globalId) pr.linked = false;
  outcome.warnings.push(`Jira refused the link to the pull request (${error.status}: ${jiraMessage(error)}); the comment names the pull request instead. Grant the app the Link Issues permission (and switch issue linking on) to get the link.`);
  outcome.done.push(`remotelink refused (${error.status})`);
}

/** Jira's own words for a refusal (`errorMessages`, then field `errors`). */
function jiraMessage(error: JiraError): string {
  const messages = [...error.errorMessages, ...Object.entries(error.errors).map(([field, message]) => `${field}: ${message}`)];
  return messages.length > 0 ? messages.join('; ') : error.message;
}

async function applyWrite(ctx: ApplyContext, link: Link, write: JiraWrite, outcome: ApplyOutcome): Promise<void> {
  const { client } = ctx;
  switch (write.kind) {
    case 'create': {
      const created = await client.createIssue({ fields: write.fields, properties: [{ key: PROPERTY_KEY, value: { ...write.property } }] });
      link.issueId = created.id;
      link.issueKey = created.key;
      outcome.created = true;
      const initial = await initialStatusOf(client, ctx.workflows, link, await ctx.workflows.get(link.projectKey, link.issueTypeId));
      if (initial) link.statusId = initial;
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

/**
 * Where the issue is, read from Jira (one request: status, resolution and the transitions out of the
 * status). The transitions are filed under the status Jira reported; when they differ from the cached
 * ones and one has a screen, its fields are read once more (`transitions.fields` exists only on
 * `GET /transitions`). The link follows Jira: a status the app did not put the issue in is a person's.
 */
async function readPosition(ctx: ApplyContext, link: Link, graph: WorkflowGraph, created: boolean, appStatusId: string | undefined): Promise<IssuePosition> {
  const state = await ctx.client.getIssueState(link.issueId);
  if (!state) throw new IssueDeletedError(link.issueKey);
  const { projectKey, issueTypeId } = link;
  const read = toKnownTransitions(state.transitions);
  const cached = graph.edges[state.statusId];
  if (!cached || !sameTransitions(cached, read)) {
    let learned = read;
    if (read.some((t) => t.hasScreen)) {
      const detailed = toKnownTransitions(await ctx.client.getTransitions(link.issueId));
      // Different lists: a person moved the issue between the two reads; a refusal will read again.
      if (sameTransitions(detailed, read)) learned = detailed;
    }
    ctx.workflows.learn(projectKey, issueTypeId, graph, state.statusId, learned);
  }
  if (state.statusName) graph.statusNames[state.statusId] = state.statusName;
  // A link without a status belongs to an issue the app created before it knew the workflow's initial status.
  if (link.statusId === undefined && !graph.initialStatusId) ctx.workflows.learnInitial(projectKey, issueTypeId, graph, state.statusId);
  link.statusId = state.statusId;
  if (!created && appStatusId !== undefined && state.statusId !== appStatusId) link.statusByPerson = { closed: state.closed };
  return { statusId: state.statusId, closed: state.closed };
}

/** The state of one walk toward a target status. */
interface Walk {
  /** Where Jira says the issue is (a read, or a transition Jira accepted); undefined while only believed. */
  known: IssuePosition | undefined;
  /** The policy was judged on Jira's answer (after the app's own accepted move there is nothing to judge). */
  judged: boolean;
  rereads: number;
  moves: number;
  visited: Set<string>;
  /** What rides on the final transition, until it is sent (or goes on its own at the end). */
  pending: { comment?: AdfDocument | undefined; property?: Record<string, unknown> | undefined; fields?: Record<string, unknown> | undefined };
  read: () => Promise<IssuePosition>;
}

/**
 * Moves the issue toward the write's target by the policy (docs/sync.md, "People win"), judged on
 * where Jira says the issue is: a transition goes out unread only when Jira accepting it proves the
 * issue was where the link believes (`sendsBlind`); a refusal, or any doubt, reads the issue first.
 */
async function transition(ctx: ApplyContext, link: Link, write: TransitionWrite, outcome: ApplyOutcome): Promise<void> {
  const { client, workflows } = ctx;
  const graph = await workflows.get(link.projectKey, link.issueTypeId);
  const appStatusId = link.statusByPerson ? undefined : link.statusId;
  const read = () => readPosition(ctx, link, graph, outcome.created, appStatusId);
  const walk: Walk = {
    known: link.statusId === undefined ? await read() : undefined,
    judged: false,
    rereads: 0,
    moves: 0,
    visited: new Set<string>(),
    pending: { comment: write.comment, property: write.property, fields: write.fields },
    read,
  };

  while (walk.moves <= MAX_HOPS) {
    const from = walk.known?.statusId ?? link.statusId;
    if (from === undefined || from === write.target.id) break;
    if (walk.known && !walk.judged) {
      if (!mayMove(write.rule, walk.known, { ...(appStatusId ? { appStatusId } : {}), ...(graph.initialStatusId ? { initialStatusId: graph.initialStatusId } : {}) })) {
        outcome.kept = `${link.issueKey} stays in ${graph.statusNames[from] ?? `status ${from}`}${walk.known.closed ? ' (closed)' : ''}, where a person put it: Backline moves issues only forward along the configured steps`;
        outcome.done.push(`status kept (${graph.statusNames[from] ?? from})`);
        break;
      }
      walk.judged = true;
    }
    if (!graph.edges[from]) {
      if (walk.moves > 0) {
        // The app just moved the issue here, so its status is proven: only its transitions are new.
        workflows.learn(link.projectKey, link.issueTypeId, graph, from, toKnownTransitions(await client.getTransitions(link.issueId)));
      } else walk.known = await read();
      continue;
    }
    walk.visited.add(from);
    const next = findPath(graph, from, write.target.id, fillFor(ctx, write, true))?.[0] ?? explorationStep(graph, from, walk.visited, fillFor(ctx, write, true));
    if (!next) {
      outcome.blocked = await blocked(ctx, link, write, noPathReason(graph, from, write), walk.pending.comment);
      walk.pending.comment = undefined;
      break;
    }
    if (!walk.known && !sendsBlind(graph, from, next)) {
      walk.known = await read();
      continue;
    }
    const sent = await sendHop(ctx, link, write, graph, walk, from, next);
    if (sent.blocked !== undefined) {
      outcome.blocked = await blocked(ctx, link, write, sent.blocked, walk.pending.comment);
      walk.pending.comment = undefined;
      break;
    }
  }
  if (walk.moves > 0) outcome.moved = true;
  // Already there, kept, or blocked: what did not ride along goes on its own.
  const { fields, property, comment } = walk.pending;
  if (fields) await client.editIssue(link.issueId, { fields, ...(property ? { properties: props(property) } : {}) });
  else if (property) await client.setIssueProperty(link.issueId, PROPERTY_KEY, property);
  if (comment) await client.addComment(link.issueId, comment);
  await workflows.flush();
  if (outcome.blocked) outcome.done.push('comment(blocked)');
}

/** The resolution a transition's screen may ask for: the wanted one on the final step, only the fallback on a hop. */
function fillFor(ctx: ApplyContext, write: TransitionWrite, final: boolean): FieldFill {
  return {
    ...(final && write.resolutionName ? { resolutionName: write.resolutionName } : {}),
    ...(ctx.fallbackResolutionName ? { fallbackResolutionName: ctx.fallbackResolutionName } : {}),
  };
}

/**
 * Sends one transition; the final one carries the comment, the property and the fields its screen has
 * (the others go in an edit first). A refusal reads the issue: moved by a person or a stale graph, the
 * walk goes on from there; still offered where the app believed, or refused twice, it is blocked.
 */
async function sendHop(ctx: ApplyContext, link: Link, write: TransitionWrite, graph: WorkflowGraph, walk: Walk, from: string, next: KnownTransition): Promise<{ blocked?: string }> {
  const { client } = ctx;
  const final = next.toStatusId === write.target.id;
  const filled = fillRequired(next, fillFor(ctx, write, final));
  const fields: Record<string, unknown> = 'fields' in filled ? { ...filled.fields } : {};
  let separateFields: Record<string, unknown> | undefined;
  if (final && walk.pending.fields) {
    // Mapped fields ride along only when the transition screen has them.
    for (const [id, value] of Object.entries(walk.pending.fields)) {
      if (next.screenFieldIds.includes(id)) fields[id] = value;
      else (separateFields ??= {})[id] = value;
    }
    walk.pending.fields = undefined;
  }
  if (separateFields) await client.editIssue(link.issueId, { fields: separateFields });
  try {
    await client.transitionIssue(link.issueId, {
      transitionId: next.id,
      ...(Object.keys(fields).length > 0 ? { fields } : {}),
      ...(final && walk.pending.comment ? { update: commentUpdate(walk.pending.comment) } : {}),
      ...(final && walk.pending.property ? { properties: props(walk.pending.property) } : {}),
    });
  } catch (error) {
    if (!(error instanceof JiraError) || (error.status !== 400 && error.status !== 409)) throw error;
    // Refused: the issue is not where the app believed (a person moved it), the cached graph is
    // stale (the workflow changed), or a validator or screen refused it. Reading tells which.
    if (walk.rereads++ > 0) return { blocked: `Jira refused the transition "${next.name}": ${jiraMessage(error)}` };
    walk.known = await walk.read();
    walk.judged = false;
    const stillOffered = walk.known.statusId === from && (graph.edges[from] ?? []).some((t) => t.id === next.id);
    return stillOffered ? { blocked: `Jira refused the transition "${next.name}": ${jiraMessage(error)}` } : {};
  }
  walk.moves++;
  link.statusId = next.toStatusId;
  delete link.statusByPerson;
  walk.known = { statusId: next.toStatusId, closed: false };
  walk.judged = true;
  if (final) {
    walk.pending.comment = undefined;
    walk.pending.property = undefined;
  }
  return {};
}

function noPathReason(graph: WorkflowGraph, statusId: string, write: TransitionWrite): string {
  const needs = (graph.edges[statusId] ?? [])
    .filter((t: KnownTransition) => t.toStatusId === write.target.id)
    .flatMap((t) => {
      const filled = fillRequired(t, { ...(write.resolutionName ? { resolutionName: write.resolutionName } : {}) });
      return 'missing' in filled ? filled.missing : [];
    });
  const statusName = graph.statusNames[statusId];
  return needs.length > 0 ? `the transition needs ${needs.join(', ')}` : `the workflow has no transition path from ${statusName ?? `status ${statusId}`} to ${write.target.name} that the app may take`;
}

/** A comment naming what blocked the move (with the event's own comment, which must not be lost), and TRANSITION_BLOCKED. */
async function blocked(ctx: ApplyContext, link: Link, write: TransitionWrite, why: string, comment: AdfDocument | undefined): Promise<CodedError> {
  const message = `Backline could not move ${link.issueKey} to "${write.target.name}": ${why}. Move it by hand, or change the status mapping in the Backline project settings.`;
  const body: AdfDocument = comment
    ? { ...comment, content: [...comment.content, ...textDoc([{ text: message }]).content] }
    : textDoc([{ text: message }]);
  await ctx.client.addComment(link.issueId, body);
  return new CodedError('TRANSITION_BLOCKED', message);
}
