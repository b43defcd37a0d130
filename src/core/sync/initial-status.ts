/**
 * The status new issues start in, for a workflow whose graph does not know it
 * yet (a fresh installation, or a cache that expired). Without it a new issue's
 * link has no status, and its first move must read the issue first: a storm that
 * creates hundreds of issues before any of them moves pays one read each. Read
 * once instead, from the issue just created (it is where Jira puts new issues),
 * and kept in the workflow graph for every later issue (docs/performance.md
 * "Storm"). Best effort: a failed read leaves it unknown, as before.
 */
import type { JiraClient } from '../jira/client';
import type { WorkflowCache, WorkflowGraph } from '../jira/workflow';
import type { Link } from './links';

export async function initialStatusOf(client: JiraClient, workflows: WorkflowCache, link: Link, graph: WorkflowGraph): Promise<string | undefined> {
  if (graph.initialStatusId) return graph.initialStatusId;
  const state = await client.getIssueState(link.issueId).catch(() => undefined);
  if (!state) return undefined;
  workflows.learnInitial(link.projectKey, link.issueTypeId, graph, state.statusId);
  if (state.statusName) graph.statusNames[state.statusId] = state.statusName;
  await workflows.flush().catch(() => undefined);
  return state.statusId;
}
