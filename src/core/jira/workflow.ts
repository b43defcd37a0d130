/**
 * Reaching a target status from wherever an issue is, in the team's own
 * workflow. Reading a workflow definition needs Administer Jira, which the app
 * does not ask for, so the graph is learned from what Jira tells every caller:
 * the transitions out of an issue's *current* status, filed under the status
 * Jira reported with them (never under the one the app believed: that filed a
 * person's moves under the wrong status and walked issues backwards).
 * Those edges are cached per (project, issue type, status) in KVS and in
 * memory, so a warm status change costs exactly one request (the transition,
 * carrying comment, fields and the `backline` property): it is sent without
 * reading the issue first only when the cached graph says the transition
 * leaves from the believed status alone (`sendsBlind`), so Jira accepting it
 * proves the issue was there. Anything else reads the issue first
 * (docs/sync.md, "People win").
 *
 * Path finding is BFS over known edges; when no known path exists the solver
 * explores, moving to a status whose edges are not known yet (each hop is a
 * real transition, at most MAX_HOPS in total), because the only way to learn a
 * status's transitions is to stand in it.
 */
import { z } from 'zod';
import type { Clock, KeyValueStore } from '../ports';
import type { TransitionField, TransitionInfo } from './issue-types';

export const WORKFLOW_CACHE_TTL_SECONDS = 7 * 24 * 60 * 60;
export const MAX_HOPS = 6;

export interface KnownTransition {
  id: string;
  name: string;
  toStatusId: string;
  toStatusName?: string;
  hasScreen: boolean;
  /** Jira's `isGlobal`: available from every status, so accepting it proves nothing about where the issue was. */
  global?: boolean;
  /** Ids of the fields on the transition screen (they may be set in the transition request). */
  screenFieldIds: string[];
  /** Required screen fields without a default, with their allowed values (e.g. resolution). */
  required: TransitionField[];
}

export interface WorkflowGraph {
  /** statusId → transitions out of it (as Jira listed them). */
  edges: Record<string, KnownTransition[]>;
  /** The status a newly created issue starts in (learned once per project + issue type). */
  initialStatusId?: string;
  statusNames: Record<string, string>;
}

const knownTransitionSchema = z.object({
  id: z.string(),
  name: z.string(),
  toStatusId: z.string(),
  toStatusName: z.string().optional(),
  hasScreen: z.boolean(),
  global: z.boolean().optional(),
  screenFieldIds: z.array(z.string()),
  required: z.array(
    z.object({
      fieldId: z.string(),
      name: z.string().optional(),
      required: z.boolean(),
      allowedValues: z.array(z.object({ id: z.string().optional(), name: z.string().optional(), value: z.string().optional() })).optional(),
      hasDefaultValue: z.boolean().optional(),
    }),
  ),
});
const graphSchema = z.object({
  edges: z.record(z.string(), z.array(knownTransitionSchema)),
  initialStatusId: z.string().optional(),
  statusNames: z.record(z.string(), z.string()),
  at: z.number(),
});

/**
 * `v2`: graphs cached before the fix could hold a person's moves filed under the wrong status
 * (docs/sync.md, "Transition solver"); a new key drops them, at the cost of one cold lifecycle.
 */
export function workflowCacheKey(projectKey: string, issueTypeId: string): string {
  return `cache:workflow:v2:${projectKey}:${issueTypeId}`;
}

export function toKnownTransitions(transitions: TransitionInfo[]): KnownTransition[] {
  return transitions
    .filter((t) => t.isAvailable)
    .map((t) => ({
      id: t.id,
      name: t.name,
      toStatusId: t.toStatusId,
      ...(t.toStatusName ? { toStatusName: t.toStatusName } : {}),
      hasScreen: t.hasScreen,
      ...(t.isGlobal ? { global: true } : {}),
      screenFieldIds: t.fields.map((f) => f.fieldId),
      required: t.fields.filter((f) => f.required && !f.hasDefaultValue),
    }));
}

/**
 * Whether `transition` may be sent without reading the issue first: the cached graph says it
 * leaves from `believed` and from no other status the app has read, and it is not global. Then
 * Jira accepting it proves the issue was in `believed`; refusing it (400) sends the app to read.
 */
export function sendsBlind(graph: WorkflowGraph, believed: string, transition: KnownTransition): boolean {
  if (transition.global) return false;
  if (!(graph.edges[believed] ?? []).some((t) => t.id === transition.id)) return false;
  return Object.entries(graph.edges).every(([status, edges]) => status === believed || !edges.some((t) => t.id === transition.id));
}

/** Whether two lists name the same transitions to the same statuses (then the cached one, with screen fields, stands). */
export function sameTransitions(a: KnownTransition[], b: KnownTransition[]): boolean {
  const key = (list: KnownTransition[]) => list.map((t) => `${t.id}>${t.toStatusId}:${t.hasScreen ? 1 : 0}`).sort().join(',');
  return key(a) === key(b);
}

/** Workflow graphs per (project, issue type), cached in memory and KVS. */
export class WorkflowCache {
  private readonly memory = new Map<string, WorkflowGraph>();
  private readonly dirty = new Set<string>();
  /** Per graph: the statuses whose transitions this invocation learned (or forgot): what `flush` writes over the stored graph. */
  private readonly touched = new Map<string, Set<string>>();

  constructor(
    private readonly store: KeyValueStore,
    private readonly clock: Clock,
  ) {}

  async get(projectKey: string, issueTypeId: string): Promise<WorkflowGraph> {
    const key = workflowCacheKey(projectKey, issueTypeId);
    const cached = this.memory.get(key);
    if (cached) return cached;
    return this.remember(key, await this.store.get<unknown>(key));
  }

  /** Whether `get` would read KVS for this project + issue type (so a caller can batch the read). */
  needs(projectKey: string, issueTypeId: string): boolean {
    return !this.memory.has(workflowCacheKey(projectKey, issueTypeId));
  }

  /** The raw KVS value of `workflowCacheKey(...)` read by the caller in a batch: becomes the invocation's graph. */
  prime(projectKey: string, issueTypeId: string, raw: unknown): void {
    const key = workflowCacheKey(projectKey, issueTypeId);
    if (!this.memory.has(key)) this.remember(key, raw);
  }

  private remember(key: string, raw: unknown): WorkflowGraph {
    const parsed = graphSchema.safeParse(raw);
    const graph: WorkflowGraph = parsed.success
      ? {
          edges: parsed.data.edges,
          statusNames: parsed.data.statusNames,
          ...(parsed.data.initialStatusId ? { initialStatusId: parsed.data.initialStatusId } : {}),
        }
      : { edges: {}, statusNames: {} };
    this.memory.set(key, graph);
    return graph;
  }

  learn(projectKey: string, issueTypeId: string, graph: WorkflowGraph, statusId: string, transitions: KnownTransition[]): void {
    graph.edges[statusId] = transitions;
    for (const t of transitions) if (t.toStatusName) graph.statusNames[t.toStatusId] = t.toStatusName;
    this.touch(workflowCacheKey(projectKey, issueTypeId), statusId);
  }

  private touch(key: string, statusId: string): void {
    this.dirty.add(key);
    const statuses = this.touched.get(key) ?? new Set<string>();
    statuses.add(statusId);
    this.touched.set(key, statuses);
  }

  learnInitial(projectKey: string, issueTypeId: string, graph: WorkflowGraph, statusId: string): void {
    graph.initialStatusId = statusId;
    this.dirty.add(workflowCacheKey(projectKey, issueTypeId));
  }

  forget(projectKey: string, issueTypeId: string, graph: WorkflowGraph, statusId: string): void {
    delete graph.edges[statusId];
    this.touch(workflowCacheKey(projectKey, issueTypeId), statusId);
  }

  /**
   * Writes changed graphs back to KVS (once per invocation, not per hop), over the stored one: what
   * this invocation learned replaces those statuses only, so invocations learning different parts of
   * one workflow at once (a queue's parallel deliveries) do not undo each other's.
   */
  async flush(): Promise<void> {
    for (const key of [...this.dirty]) {
      const graph = this.memory.get(key);
      this.dirty.delete(key);
      const touched = this.touched.get(key) ?? new Set<string>();
      this.touched.delete(key);
      if (!graph) continue;
      const stored = graphSchema.safeParse(await this.store.get<unknown>(key));
      const merged: WorkflowGraph = stored.success ? { edges: { ...stored.data.edges }, statusNames: { ...stored.data.statusNames, ...graph.statusNames } } : { edges: {}, statusNames: { ...graph.statusNames } };
      if (!stored.success) Object.assign(merged.edges, graph.edges);
      for (const statusId of touched) {
        const edges = graph.edges[statusId];
        if (edges) merged.edges[statusId] = edges;
        else delete merged.edges[statusId];
      }
      const initialStatusId = graph.initialStatusId ?? (stored.success ? stored.data.initialStatusId : undefined);
      if (initialStatusId) merged.initialStatusId = initialStatusId;
      await this.store.set(key, { ...merged, at: this.clock.now() }, { ttlSeconds: WORKFLOW_CACHE_TTL_SECONDS });
    }
  }
}

/** What the solver can put into required transition-screen fields. */
export interface FieldFill {
  /** Resolution name wanted for this change (e.g. "Fixed"); used for a required `resolution`. */
  resolutionName?: string;
  /** Resolution used when an intermediate hop demands one and no specific one is wanted. */
  fallbackResolutionName?: string;
}

/** The screen values for a transition, or the names of required fields nothing can fill. */
export function fillRequired(transition: KnownTransition, fill: FieldFill): { fields: Record<string, unknown> } | { missing: string[] } {
  const fields: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const field of transition.required) {
    if (field.fieldId === 'resolution') {
      const wanted = [fill.resolutionName, fill.fallbackResolutionName].filter((n): n is string => !!n);
      const allowed = field.allowedValues ?? [];
      const match = wanted
        .map((name) => allowed.find((v) => (v.name ?? v.value ?? '').toLowerCase() === name.toLowerCase()))
        .find((v) => v !== undefined);
      if (match?.id) fields.resolution = { id: match.id };
      else if (allowed.length === 0 && wanted[0]) fields.resolution = { name: wanted[0] };
      else missing.push(`${field.name ?? 'Resolution'} (no resolution named ${wanted.map((w) => `"${w}"`).join(' or ') || 'by the configuration'})`);
      continue;
    }
    missing.push(field.name ?? field.fieldId);
  }
  return missing.length > 0 ? { missing } : { fields };
}

/**
 * Shortest path of transitions from `from` to `to` over the known edges,
 * skipping transitions whose required fields cannot be filled. `[]` when
 * already there, undefined when no known path exists.
 */
export function findPath(graph: WorkflowGraph, from: string, to: string, fill: FieldFill): KnownTransition[] | undefined {
  if (from === to) return [];
  const previous = new Map<string, { status: string; transition: KnownTransition }>();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length > 0) {
    const status = queue.shift();
    if (status === undefined) break;
    for (const transition of graph.edges[status] ?? []) {
      if (seen.has(transition.toStatusId)) continue;
      const hopFill = transition.toStatusId === to ? fill : { ...(fill.fallbackResolutionName ? { fallbackResolutionName: fill.fallbackResolutionName } : {}) };
      if ('missing' in fillRequired(transition, hopFill)) continue;
      seen.add(transition.toStatusId);
      previous.set(transition.toStatusId, { status, transition });
      if (transition.toStatusId === to) {
        const path: KnownTransition[] = [];
        let cursor = to;
        while (cursor !== from) {
          const step = previous.get(cursor);
          if (!step) return undefined;
          path.unshift(step.transition);
          cursor = step.status;
        }
        return path;
      }
      queue.push(transition.toStatusId);
    }
  }
  return undefined;
}

/**
 * When no known path exists: the next transition to explore, one leading to a
 * status whose edges are unknown and not visited in this run (so exploration
 * never loops). Undefined = nothing left to explore.
 */
export function explorationStep(graph: WorkflowGraph, from: string, visited: Set<string>, fill: FieldFill): KnownTransition | undefined {
  const candidates = (graph.edges[from] ?? []).filter(
    (t) => !visited.has(t.toStatusId) && !('missing' in fillRequired(t, { ...(fill.fallbackResolutionName ? { fallbackResolutionName: fill.fallbackResolutionName } : {}) })),
  );
  return candidates.find((t) => graph.edges[t.toStatusId] === undefined) ?? candidates[0];
}
