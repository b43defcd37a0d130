/**
 * The drift check (a housekeeping job): Jira's configuration changes under
 * the app (a field removed from the create screen, an option renamed or
 * removed, a transition removed or a status dropped from the workflow, the
 * project deleted). Rather than wait for events to fail, the job re-validates
 * every connected project's mapping against Jira as it is now (create
 * metadata re-read, which also refreshes the cache the sync engine uses),
 * stores the problems per project (`drift:project:<KEY>`, shown in the
 * Projects list as "needs attention") and notifies once per new set of problems.
 *
 * Jira points: per project and run, one create-metadata read, one project and
 * one statuses read (priorities come with create metadata), the site's
 * resolutions from their 24 h cache,
 * and for the workflow two requests (a search and a transitions read) per
 * status the app has seen, at most MAX_STATUS_PROBES. Reading the workflow
 * definition itself needs Administer Jira, which the app does not ask for
 * (src/core/jira/workflow.ts): transitions are learned from issues standing
 * in each status.
 */
import { z } from 'zod';
import type { ProjectConfig } from '../config/model';
import { ConfigRepository } from '../config/repository';
import { validateProjectConfig, type ValidationExtras } from '../config/validate';
import { JiraClient, jqlString } from '../jira/client';
import { JiraError } from '../jira/http';
import { JiraMetadata } from '../jira/metadata';
import { type StatusSummary } from '../jira/create-meta';
import { WorkflowCache, toKnownTransitions } from '../jira/workflow';
import type { KeyValueStore, Platform } from '../ports';
import { PROPERTY_KEY } from '../sync/plan';
import { Notifier } from './notifications';

export const DRIFT_PREFIX = 'drift:project:';
export const driftKey = (projectKey: string): string => `${DRIFT_PREFIX}${projectKey}`;
const MAX_STATUS_PROBES = 6;

export interface DriftProblem {
  path: string;
  message: string;
}

const driftStateSchema = z.object({
  projectKey: z.string(),
  checkedAt: z.number(),
  problems: z.array(z.object({ path: z.string(), message: z.string() })),
  fingerprint: z.string(),
  notifiedFingerprint: z.string().optional(),
});
export type DriftState = z.infer<typeof driftStateSchema>;

export async function getDriftState(store: KeyValueStore, projectKey: string): Promise<DriftState | undefined> {
  const parsed = driftStateSchema.safeParse(await store.get<unknown>(driftKey(projectKey)));
  return parsed.success ? parsed.data : undefined;
}

function fingerprintOf(problems: DriftProblem[]): string {
  return problems
    .map((p) => `${p.path}\u0000${p.message}`)
    .sort()
    .join('\u0001');
}

function isGone(error: unknown): boolean {
  return error instanceof JiraError && (error.status === 404 || error.status === 400);
}

/**
 * The workflow as far as Jira lets the app see it: transitions re-learned from
 * an issue standing in each status the app has met. A status whose
 * transitions are unknown counts as leading anywhere, so an unknown edge never
 * raises a false alarm; a transition that is gone is found once every status
 * that led to the target has been re-read.
 */
async function workflowOf(platform: Platform, client: JiraClient, config: ProjectConfig, statuses: StatusSummary[]): Promise<ValidationExtras['workflow']> {
  const cache = new WorkflowCache(platform.store, platform.clock);
  const graph = await cache.get(config.projectKey, config.issueTypeId);
  const known = Object.keys(graph.edges);
  if (!graph.initialStatusId || known.length === 0) return undefined;
  const current = new Set(statuses.map((s) => s.id));
  for (const statusId of known.slice(0, MAX_STATUS_PROBES)) {
    if (!current.has(statusId)) continue;
    const page = await client.searchJql(
      `project = ${jqlString(config.projectKey)} AND issuetype = ${jqlString(config.issueTypeId)} AND status = ${jqlString(statusId)} AND issue.property[${PROPERTY_KEY}].findingId IS NOT EMPTY`,
      { fields: ['status'], maxResults: 1 },
    );
    const issue = page.issues[0];
    if (!issue) continue;
    cache.learn(config.projectKey, config.issueTypeId, graph, statusId, toKnownTransitions(await client.getTransitions(issue.key)));
  }
  await cache.flush();
  const transitions: Array<{ from: string[]; to: string }> = [];
  for (const status of statuses) {
    const edges = graph.edges[status.id];
    if (edges) for (const edge of edges) transitions.push({ from: [status.id], to: edge.toStatusId });
    else for (const to of current) transitions.push({ from: [status.id], to });
  }
  return { initialStatusId: graph.initialStatusId, transitions };
}

/** Problems of one project's mapping against Jira as it is now. */
export async function checkProject(platform: Platform, config: ProjectConfig): Promise<DriftProblem[]> {
  const metadata = new JiraMetadata(platform.jira, platform.store, platform.clock);
  const client = new JiraClient(platform.jira);
  try {
    await metadata.getProject(config.projectKey);
  } catch (error) {
    if (isGone(error)) {
      return [{ path: 'project', message: `Project ${config.projectKey} no longer exists in Jira (or the app can no longer see it): findings routed to it fail. Disconnect it, or restore the project.` }];
    }
    throw error;
  }
  let meta;
  try {
    meta = await metadata.getCreateMeta(config.projectKey, config.issueTypeId, { refresh: true });
  } catch (error) {
    if (isGone(error)) {
      return [{ path: 'issueType', message: `Issue type ${config.issueTypeName} can no longer be created in ${config.projectKey}: choose another issue type.` }];
    }
    throw error;
  }
  const [statuses, resolutions] = await Promise.all([
    metadata.getProjectStatuses(config.projectKey, config.issueTypeId),
    metadata.getResolutions(),
  ]);
  const workflow = await workflowOf(platform, client, config, statuses);
  return validateProjectConfig(config, meta, { statuses, resolutions, ...(workflow ? { workflow } : {}) }).map((p) => ({ path: p.path, message: p.message }));
}

export interface DriftReport {
  projectKey: string;
  problems: DriftProblem[];
  /** A set of problems not notified before. */
  isNew: boolean;
  error?: string;
}

/** Checks every connected project; one project that cannot be checked does not stop the others. */
export async function checkDrift(platform: Platform, notifier: Notifier = new Notifier(platform)): Promise<DriftReport[]> {
  const projects = await new ConfigRepository(platform.store, platform.clock).listProjects();
  const reports: DriftReport[] = [];
  for (const config of projects) {
    let problems: DriftProblem[];
    try {
      problems = await checkProject(platform, config);
    } catch (error) {
      // Jira unavailable or rate limited: no verdict this hour, the stored one stays.
      reports.push({ projectKey: config.projectKey, problems: [], isNew: false, error: error instanceof Error ? error.message : String(error) });
      continue;
    }
    const previous = await getDriftState(platform.store, config.projectKey);
    const fingerprint = fingerprintOf(problems);
    const isNew = problems.length > 0 && previous?.notifiedFingerprint !== fingerprint;
    const state: DriftState = {
      projectKey: config.projectKey,
      checkedAt: platform.clock.now(),
      problems,
      fingerprint,
      ...(problems.length > 0 ? { notifiedFingerprint: fingerprint } : {}),
    };
    await platform.store.set(driftKey(config.projectKey), state);
    if (isNew) {
      platform.logger.warn('mapping needs attention', { projectKey: config.projectKey, problems: problems.length });
      await notifier.onDrift(config.projectKey, problems);
    }
    reports.push({ projectKey: config.projectKey, problems, isNew });
  }
  return reports;
}
