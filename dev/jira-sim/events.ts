/**
 * Forge product events from the simulator: when a REST write changes an issue's
 * status, resolution or assignee, or deletes it, listeners receive the event
 * Forge would deliver to an app's `trigger`, in the payload shape of
 * Atlassian's Jira events reference (developer.atlassian.com/platform/forge/
 * events-reference/jira: "Issue updated", "Issue assigned", "Issue deleted"):
 *
 * - `eventType`, `issue { id, key, fields { summary, issuetype, project, status, assignee, updated } }`,
 *   `atlassianId` (the caller), `associatedUsers`;
 * - updated/assigned: `changelog { id, items }` with the REST changelog's item shape
 *   (`field`, `fieldtype`, `fieldId`, `from`, `fromString`, `to`, `toString`); an assignment
 *   emits both an `updated` and an `assigned` event, as Jira documents;
 * - `selfGenerated`: true when the app itself (no `x-sim-account-id`) made the change. Forge
 *   drops such events before the function for a trigger with `filter.ignoreSelf`; without
 *   it they arrive flagged (events-reference/product_events, "Detect and filter self-generated
 *   events"). The local runtime applies the filter (dev/runtime/triggers.ts).
 *
 * Beside the payload each listener gets the issue's entity properties at the time of the
 * event, for the runtime's `event.runtime.issue.properties` filter expressions (Forge
 * resolves those on its side; they are not part of the payload).
 *
 * Hooked into the REST pipeline once (simulator.ts): `watch` snapshots the issue a write
 * names before the handler runs, and the returned function emits what changed after it.
 */
import type { Repr } from './repr';
import type { SimStore } from './store';
import type { SimIssue, SimUser } from './types';

export interface SimProductEvent {
  payload: Record<string, unknown>;
  issueProperties: Record<string, unknown>;
}
export type SimEventListener = (event: SimProductEvent) => void;

interface Snapshot {
  id: string;
  key: string;
  statusId: string;
  resolutionId: string | null;
  assignee: string | null;
  issue: Record<string, unknown>;
  properties: Record<string, unknown>;
}

const ISSUE_WRITE = /\/issue\/\{issueIdOrKey\}(\/transitions)?$/;

export class SimEvents {
  private readonly listeners = new Set<SimEventListener>();
  private changelogId = 0;

  constructor(
    private readonly store: SimStore,
    private readonly repr: Repr,
  ) {}

  /** Answers the function that unsubscribes. */
  subscribe(listener: SimEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Before a write that names an issue: a function to call after a successful handler. */
  watch(method: string, template: string | undefined, issueIdOrKey: string | undefined, caller: SimUser): (() => void) | undefined {
    if (this.listeners.size === 0 || method === 'GET' || !template || !issueIdOrKey || !ISSUE_WRITE.test(template)) return undefined;
    const issue = this.store.issue(issueIdOrKey);
    if (!issue) return undefined;
    const before = this.snapshot(issue);
    return () => this.emitChanges(before, caller);
  }

  private snapshot(issue: SimIssue): Snapshot {
    const assignee = issue.fields.assignee;
    return {
      id: issue.id,
      key: issue.key,
      statusId: issue.statusId,
      resolutionId: issue.resolutionId,
      assignee: typeof assignee === 'string' ? assignee : null,
      issue: this.issueJson(issue),
      properties: structuredClone(issue.properties),
    };
  }

  private issueJson(issue: SimIssue): Record<string, unknown> {
    const project = this.store.projectById(issue.projectId);
    const type = this.store.issueType(issue.issueTypeId);
    const assignee = issue.fields.assignee;
    return {
      id: issue.id,
      key: issue.key,
      fields: {
        summary: issue.fields.summary,
        ...(type ? { issuetype: this.repr.issueType(type) } : {}),
        project: this.repr.projectRef(project),
        status: this.repr.status(this.store.status(issue.statusId)),
        assignee: typeof assignee === 'string' ? { accountId: assignee } : null,
        updated: new Date(issue.updated).toISOString(),
      },
    };
  }

  private emitChanges(before: Snapshot, caller: SimUser): void {
    const after = this.store.issue(before.id);
    const common = { atlassianId: caller.accountId, selfGenerated: caller.accountType === 'app' };
    if (!after) {
      this.emit({ eventType: 'avi:jira:deleted:issue', ...common, issue: before.issue, associatedUsers: [{ accountId: caller.accountId }] }, before.properties);
      return;
    }
    const items: Array<Record<string, unknown>> = [];
    if (after.statusId !== before.statusId) {
      items.push(this.item('status', before.statusId, this.store.status(before.statusId).name, after.statusId, this.store.status(after.statusId).name));
    }
    if (after.resolutionId !== before.resolutionId) {
      items.push(this.item('resolution', before.resolutionId, this.resolutionName(before.resolutionId), after.resolutionId, this.resolutionName(after.resolutionId)));
    }
    const assignee = typeof after.fields.assignee === 'string' ? after.fields.assignee : null;
    const assigneeItem =
      assignee !== before.assignee ? this.item('assignee', before.assignee, this.userName(before.assignee), assignee, this.userName(assignee)) : undefined;
    if (assigneeItem) items.push(assigneeItem);
    if (items.length === 0) return;
    const issue = this.issueJson(after);
    const users = [{ accountId: caller.accountId }, ...[before.assignee, assignee].flatMap((id) => (id ? [{ accountId: id }] : []))];
    this.emit({ eventType: 'avi:jira:updated:issue', ...common, issue, changelog: { id: this.nextChangelogId(), items }, associatedUsers: users }, after.properties);
    if (assigneeItem) {
      this.emit({ eventType: 'avi:jira:assigned:issue', ...common, issue, changelog: { id: this.nextChangelogId(), items: [assigneeItem] }, associatedUsers: users }, after.properties);
    }
  }

  private item(field: string, from: string | null, fromString: string | null, to: string | null, toString: string | null): Record<string, unknown> {
    return { field, fieldtype: 'jira', fieldId: field, from, fromString, to, toString };
  }

  private resolutionName(id: string | null): string | null {
    return id === null ? null : (this.store.data.resolutions.find((r) => r.id === id)?.name ?? null);
  }

  private userName(accountId: string | null): string | null {
    return accountId === null ? null : (this.store.user(accountId)?.displayName ?? null);
  }

  private nextChangelogId(): string {
    this.changelogId += 1;
    return String(10000 + this.changelogId);
  }

  private emit(payload: Record<string, unknown>, issueProperties: Record<string, unknown>): void {
    const event: SimProductEvent = { payload: structuredClone(payload), issueProperties: structuredClone(issueProperties) };
    for (const listener of this.listeners) listener(event);
  }
}
