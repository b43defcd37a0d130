/** The simulator's state with the lookups every handler needs. */
import { JiraError, notFound, ISSUE_NOT_FOUND } from './http';
import { demoSite, emptySite } from './seed';
import type { SimData, SimField, SimIssue, SimIssueType, SimProject, SimStatus, SimUser, SimWorkflow, ScreenField } from './types';

export type SeedName = 'demo' | 'empty';

/**
 * One committed change to an issue. Every write to an issue (REST or control
 * call) ends in `SimStore.commit`, so whatever must follow a change (the
 * search index, product events) listens in one place.
 */
export interface IssueChange {
  kind: 'created' | 'updated' | 'transitioned' | 'commented' | 'property' | 'remotelink' | 'deleted';
  issue: SimIssue;
  /** The account that made the change. */
  byAccountId: string;
}

export type IssueChangeListener = (change: IssueChange) => void;

export class SimStore {
  data: SimData;
  private readonly listeners: IssueChangeListener[] = [];

  constructor(readonly seed: SeedName) {
    this.data = seed === 'empty' ? emptySite() : demoSite();
  }

  reset(): void {
    this.data = this.seed === 'empty' ? emptySite() : demoSite();
  }

  /** Subscribes to committed issue changes; answers the unsubscribe function. */
  onIssueChange(listener: IssueChangeListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** The one point where an issue change is committed: a deletion removes it, then every listener hears of it. */
  commit(change: IssueChange): void {
    if (change.kind === 'deleted') this.data.issues.delete(change.issue.id);
    for (const listener of this.listeners) listener(change);
  }

  user(accountId: string): SimUser | undefined {
    return this.data.users.find((u) => u.accountId === accountId);
  }

  field(idOrKey: string): SimField | undefined {
    return this.data.fields.find((f) => f.id === idOrKey || f.key === idOrKey);
  }

  status(id: string): SimStatus {
    const s = this.data.statuses.find((x) => x.id === id);
    if (!s) throw new Error(`sim: unknown status ${id}`);
    return s;
  }

  issueType(id: string): SimIssueType | undefined {
    return this.data.issueTypes.find((t) => t.id === id);
  }

  /** Project by id or key (keys case-insensitively, as Jira resolves them). */
  project(idOrKey: string): SimProject | undefined {
    const upper = idOrKey.toUpperCase();
    return this.data.projects.find((p) => p.id === idOrKey || p.key === upper);
  }

  projectOrThrow(idOrKey: string): SimProject {
    const p = this.project(idOrKey);
    if (!p) throw notFound(`No project could be found with key '${idOrKey}'.`);
    return p;
  }

  projectById(id: string): SimProject {
    const p = this.data.projects.find((x) => x.id === id);
    if (!p) throw new Error(`sim: unknown project ${id}`);
    return p;
  }

  workflow(id: string): SimWorkflow {
    const w = this.data.workflows.find((x) => x.id === id);
    if (!w) throw new Error(`sim: unknown workflow ${id}`);
    return w;
  }

  workflowFor(project: SimProject, issueTypeId: string): SimWorkflow {
    return this.workflow(project.workflowScheme.mappings[issueTypeId] ?? project.workflowScheme.defaultWorkflowId);
  }

  /** Create-screen fields of a project + issue type (the createmeta "fields"). */
  createScreen(project: SimProject, issueTypeId: string): ScreenField[] {
    return project.screens[issueTypeId]?.create ?? [];
  }

  editScreen(project: SimProject, issueTypeId: string): string[] {
    return project.screens[issueTypeId]?.edit ?? [];
  }

  /** Issue by id or key; a moved/deleted issue is simply gone. */
  issue(idOrKey: string): SimIssue | undefined {
    const byId = this.data.issues.get(idOrKey);
    if (byId) return byId;
    const upper = idOrKey.toUpperCase();
    for (const issue of this.data.issues.values()) if (issue.key === upper) return issue;
    return undefined;
  }

  issueOrThrow(idOrKey: string): SimIssue {
    const issue = this.issue(idOrKey);
    if (!issue) throw new JiraError(404, [ISSUE_NOT_FOUND]);
    return issue;
  }

  nextIssueKey(project: SimProject): { id: string; key: string } {
    const counters = this.data.counters;
    counters.issueId += 1;
    const n = (counters.perProject[project.key] ?? 0) + 1;
    counters.perProject[project.key] = n;
    return { id: String(counters.issueId), key: `${project.key}-${n}` };
  }

  /** Whether a user holds a project permission (global ADMINISTER does not imply project ones in Jira; the seed grants them explicitly). */
  hasProjectPermission(user: SimUser, project: SimProject, permission: string): boolean {
    const grants = user.projectPermissions[project.key] ?? user.projectPermissions['*'] ?? [];
    return grants.includes(permission);
  }

  hasGlobalPermission(user: SimUser, permission: string): boolean {
    return user.globalPermissions.includes(permission);
  }
}

/** Jira's timestamp format: `2026-11-28T17:30:00.000+0000`. */
export function jiraTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}
