/**
 * The Projects tab's and editor's services: connected mappings (list, get,
 * save, disconnect) and the live preview. Only saving re-reads the create
 * screen, so a save is checked against Jira as it is now; the list and the
 * preview use JiraMetadata's caches (docs/platform-limits.md "Jira REST rate limits").
 */
import type { ProjectConfig } from '../config/model';
import { CodedError } from '../errors';
import type { Finding } from '../events/schema';
import { JiraError } from '../jira/http';
import { previewIssue } from '../mapping/preview';
import { getDriftState } from '../failures/drift';
import { unavailableMessage } from '../resolvers/dispatch';
import { SAMPLE_FINDING } from '../../shared/backline-fields';
import type { IssuePreview, MappingProblem, ProjectListItem } from '../../shared/contracts/admin';
import type { AdminServices } from './context';
import { displayValue, labelsOf } from './display';
import { checkConfig, dedupe } from './mapping-check';

export const projectServices: Pick<AdminServices, 'projects/list' | 'projects/get' | 'projects/save' | 'projects/delete' | 'mapping/preview'> = {
  async 'projects/list'(ctx, { refresh }): Promise<ProjectListItem[]> {
    const projects = await ctx.repository.listProjects();
    const items: ProjectListItem[] = [];
    for (const config of projects) {
      let problems: MappingProblem[];
      try {
        problems = (await checkConfig(ctx, config, refresh ?? false)).problems;
      } catch (error) {
        // One project Jira cannot describe right now must not hide the others.
        const why =
          error instanceof JiraError && error.retryable
            ? unavailableMessage(error.status, error.retryAfterSeconds, ctx.platform.clock.now())
            : `${error instanceof Error ? error.message : String(error)}; try again later.`;
        problems = [{ path: 'project', message: `Could not check the mapping against Jira: ${why}`, severity: 'warning' }];
      }
      // What the scheduled drift check found (src/core/failures/drift.ts): Jira changed under the mapping.
      // A save after the last check supersedes it (the save re-read Jira).
      const drift = await getDriftState(ctx.platform.store, config.projectKey).catch(() => undefined);
      const current = drift && (!config.updatedAt || drift.checkedAt >= Date.parse(config.updatedAt));
      if (current) problems = dedupe([...problems, ...drift.problems.map((p) => ({ ...p, severity: 'error' as const }))]);
      items.push({
        projectKey: config.projectKey,
        projectName: config.projectName,
        issueTypeName: config.issueTypeName,
        enabled: config.enabled,
        status: problems.some((p) => p.severity === 'error') ? 'needs-attention' : 'valid',
        problems,
        ...(config.updatedAt ? { updatedAt: config.updatedAt } : {}),
        ...(config.updatedBy ? { updatedBy: config.updatedBy } : {}),
      });
    }
    return items;
  },

  async 'projects/get'(ctx, { projectKey }) {
    const [config, project] = await Promise.all([ctx.repository.getProject(projectKey), ctx.metadata.getProject(projectKey)]);
    return { config: config ?? null, project };
  },

  async 'projects/save'(ctx, { config, create }) {
    // "Add project" on a project that is already connected would replace its mapping without a word.
    if (create && (await ctx.repository.getProject(config.projectKey))) {
      throw new CodedError('CONFLICT', `${config.projectKey} is already connected to Backline; nothing was saved. Edit its mapping instead of adding it again.`, {
        details: [{ path: 'project', message: `${config.projectKey} is already connected.` }],
      });
    }
    // Identity comes from Jira, not from the browser: the project id and name as Jira has them now.
    const project = await ctx.metadata.getProject(config.projectKey);
    const candidate: ProjectConfig = { ...config, projectId: project.id, projectName: project.name };
    const { problems } = await checkConfig(ctx, candidate, true);
    const errors = problems.filter((p) => p.severity === 'error');
    if (errors.length > 0) {
      throw new CodedError('MAPPING_INVALID', `The mapping for ${config.projectKey} does not fit Jira (${errors.length} problem${errors.length === 1 ? '' : 's'}); nothing was saved. Fix the fields marked in red.`, {
        details: errors.map((p) => ({ path: p.path, message: p.message })),
      });
    }
    const saved = await ctx.repository.saveProject(candidate, ctx.caller.accountId);
    ctx.platform.logger.info('project configuration saved', { projectKey: saved.projectKey, by: ctx.caller.accountId });
    return { config: saved };
  },

  async 'projects/delete'(ctx, { projectKey }) {
    const existing = await ctx.repository.getProject(projectKey);
    if (!existing) throw new CodedError('NOT_FOUND', `${projectKey} is not connected to Backline; there is nothing to disconnect.`);
    await ctx.repository.deleteProject(projectKey);
    ctx.platform.logger.info('project disconnected', { projectKey, by: ctx.caller.accountId });
    return {
      projectKey,
      message: `${projectKey} is disconnected. Its existing issues and their links to Backline findings are kept. Findings routed to ${projectKey} now fail with NO_ROUTE until you connect it again or change the routing rules.`,
    };
  },

  async 'mapping/preview'(ctx, { config, finding }): Promise<IssuePreview> {
    const checked = await checkConfig(ctx, config, false);
    if (!checked.meta) return { fields: [], problems: checked.problems };
    const meta = checked.meta;
    const sample: Finding = finding ?? SAMPLE_FINDING;
    const preview = previewIssue(config, meta, { finding: sample });
    const byId = new Map(meta.fields.map((f) => [f.fieldId, f]));
    const fields = Object.entries(preview.request.fields)
      .filter(([fieldId]) => fieldId !== 'project' && fieldId !== 'issuetype')
      .map(([fieldId, value]) => ({ fieldId, name: byId.get(fieldId)?.name ?? fieldId, display: displayValue(value, labelsOf(byId.get(fieldId))), value }));
    const renderProblems: MappingProblem[] = preview.problems.map((p) => ({ path: `fields.${p.fieldId}`, message: p.message, severity: 'error' }));
    return { fields, problems: dedupe([...checked.problems, ...renderProblems]) };
  },
};
