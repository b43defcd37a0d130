/** The editor's reads of Jira (projects, issue types, create screens, statuses, priorities, resolutions, people), through JiraMetadata's caches. */
import type { JiraStatusSummary } from '../../shared/contracts/admin';
import type { AdminServices } from './context';
import { toCreateField } from './mapping-check';

export const jiraServices: Pick<AdminServices, 'jira/projects' | 'jira/issueTypes' | 'jira/fields' | 'jira/statuses' | 'jira/priorities' | 'jira/resolutions' | 'jira/users'> = {
  async 'jira/projects'(ctx, { query }) {
    return ctx.metadata.listProjects(query);
  },

  async 'jira/issueTypes'(ctx, { projectKey }) {
    const types = await ctx.metadata.listIssueTypes(projectKey);
    return types.filter((t) => !t.subtask).map((t) => ({ id: t.id, name: t.name }));
  },

  async 'jira/fields'(ctx, { projectKey, issueTypeId }) {
    const meta = await ctx.metadata.getCreateMeta(projectKey, issueTypeId);
    return meta.fields.map((f) => toCreateField(f));
  },

  async 'jira/statuses'(ctx, { projectKey, issueTypeId }): Promise<JiraStatusSummary[]> {
    const statuses = await ctx.metadata.getProjectStatuses(projectKey, issueTypeId);
    return statuses.map((s) => ({
      id: s.id,
      name: s.name,
      category: s.categoryKey === 'new' || s.categoryKey === 'indeterminate' || s.categoryKey === 'done' ? s.categoryKey : 'unknown',
    }));
  },

  async 'jira/priorities'(ctx, { projectKey }) {
    return ctx.metadata.getPriorities(projectKey);
  },

  async 'jira/resolutions'(ctx) {
    return ctx.metadata.getResolutions();
  },

  async 'jira/users'(ctx, { projectKey, query, accountId, assignable }) {
    const text = query?.trim();
    // Jira's user search needs something to search for; an empty box lists nobody and costs no call.
    if (!accountId && !text && !assignable) return [];
    return ctx.metadata.searchUsers(projectKey, { query: text || undefined, accountId, assignable: assignable ?? false });
  },
};
