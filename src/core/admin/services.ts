/**
 * The admin page's and project settings page's operations, one function per
 * resolver key, on the core's ports. Each runs after the caller's permission
 * check (dispatch.ts) and calls Jira as the app through `platform.jira`.
 *
 * Jira calls are the scarce resource (docs/platform-limits.md "Jira REST rate limits"):
 * create metadata (with the project's priorities) and resolutions come from
 * `JiraMetadata`'s caches;
 * only saving re-reads the create screen, so a save is checked against Jira as
 * it is now.
 */
import type { ProjectConfig } from '../config/model';
import { ConfigRepository } from '../config/repository';
import { validateGlobalSettings, validateProjectConfig, type ConfigProblem } from '../config/validate';
import { CodedError } from '../errors';
import type { Finding } from '../events/schema';
import { JiraError } from '../jira/http';
import { JiraMetadata, type AllowedValue, type CreateMeta } from '../jira/metadata';
import { previewIssue } from '../mapping/preview';
import type { Platform } from '../ports';
import { routeFinding } from '../routing';
import { getDriftState } from '../failures/drift';
import { unavailableMessage } from '../resolvers/dispatch';
import { rotateSigningSecret, signingSecretStatus } from '../secrets/signing-secret';
import { getLastEvent, type LastEvent } from '../webhook/connection-status';
import { SAMPLE_FINDING } from '../../shared/backline-fields';
import type {
  ConnectionInfo,
  CreateField,
  IssuePreview,
  JiraStatusSummary,
  LastEventSummary,
  MappingProblem,
  ParsedPayloadOf,
  ProjectListItem,
  ResolverKey,
  ResultOf,
  RoutingTestResult,
} from '../../shared/contracts/admin';
import { callerAccess, type AdminCaller } from './access';

export interface AdminEnvironment {
  /** The `backline-events` web trigger URL (Forge: `webTrigger.getUrl`), asked only when shown. */
  webTriggerUrl(): Promise<string>;
}

export interface AdminContext {
  platform: Platform;
  caller: AdminCaller;
  env: AdminEnvironment;
  repository: ConfigRepository;
  metadata: JiraMetadata;
}

export function adminContext(platform: Platform, caller: AdminCaller, env: AdminEnvironment): AdminContext {
  return {
    platform,
    caller,
    env,
    repository: new ConfigRepository(platform.store, platform.clock),
    metadata: new JiraMetadata(platform.jira, platform.store, platform.clock),
  };
}

type Service<K extends ResolverKey> = (ctx: AdminContext, payload: ParsedPayloadOf<K>) => Promise<ResultOf<K>>;
export type AdminServices = { [K in ResolverKey]: Service<K> };

// ---------------------------------------------------------------------------
// Helpers

function toProblems(problems: ConfigProblem[]): MappingProblem[] {
  return problems.map((p) => ({ path: p.fieldId ? `fields.${p.fieldId}` : p.path, message: p.message, severity: 'error' as const }));
}

function label(value: AllowedValue): string {
  return value.value ?? value.name ?? value.id ?? '';
}

function toCreateField(field: CreateMeta['fields'][number]): CreateField {
  const values = field.allowedValues?.filter((v) => v.id !== undefined && !v.disabled).map((v) => ({ id: String(v.id), label: label(v) }));
  return {
    fieldId: field.fieldId,
    name: field.name,
    required: field.required,
    hasDefaultValue: field.hasDefaultValue ?? false,
    schema: {
      type: field.schema.type,
      ...(field.schema.items ? { items: field.schema.items } : {}),
      ...(field.schema.system ? { system: field.schema.system } : {}),
      ...(field.schema.custom ? { custom: field.schema.custom } : {}),
    },
    ...(values ? { allowedValues: values } : {}),
  };
}

/** Create metadata, or a problem saying the project or issue type is gone (Jira answers 404 then). */
async function createMetaOrProblem(ctx: AdminContext, config: ProjectConfig, refresh: boolean): Promise<CreateMeta | MappingProblem> {
  try {
    return await ctx.metadata.getCreateMeta(config.projectKey, config.issueTypeId, { refresh });
  } catch (error) {
    if (error instanceof JiraError && (error.status === 404 || error.status === 400)) {
      return {
        path: 'issueType',
        message: `Jira has no issue type ${config.issueTypeName} (${config.issueTypeId}) in ${config.projectKey} any more, or the app cannot see the project: choose another issue type.`,
        severity: 'error',
      };
    }
    throw error;
  }
}

/** Checks a configuration against Jira as it is (create screen with its priorities, statuses, resolutions). */
async function checkConfig(ctx: AdminContext, config: ProjectConfig, refresh: boolean): Promise<{ problems: MappingProblem[]; meta?: CreateMeta }> {
  const meta = await createMetaOrProblem(ctx, config, refresh);
  if (!('fields' in meta)) return { problems: [meta] };
  const [statuses, resolutions] = await Promise.all([
    ctx.metadata.getProjectStatuses(config.projectKey, config.issueTypeId),
    ctx.metadata.getResolutions(),
  ]);
  return { problems: toProblems(validateProjectConfig(config, meta, { statuses, resolutions })), meta };
}

function summariseLastEvent(event: LastEvent): LastEventSummary {
  const counts = event.statusCounts ? Object.entries(event.statusCounts).map(([status, n]) => `${n} ${status}`) : [];
  const message = `${event.eventCount} event${event.eventCount === 1 ? '' : 's'}, HTTP ${event.httpStatus}${counts.length ? ` (${counts.join(', ')})` : ''}`;
  return {
    at: new Date(event.at).toISOString(),
    ...(event.types.length ? { type: event.types.join(', ') } : {}),
    outcome: event.outcome,
    message,
  };
}

function textOfAdf(node: unknown): string {
  if (!node || typeof node !== 'object') return '';
  const n = node as { type?: unknown; text?: unknown; content?: unknown };
  if (typeof n.text === 'string') return n.text;
  const children = Array.isArray(n.content) ? n.content.map(textOfAdf) : [];
  const block = n.type === 'paragraph' || n.type === 'heading' || n.type === 'listItem' || n.type === 'codeBlock';
  return children.join(block ? '' : n.type === 'doc' || n.type === 'bulletList' || n.type === 'orderedList' ? '\n' : '');
}

/** A Jira request value as a person reads it (ADF as text, options by name). */
export function displayValue(value: unknown, labels: ReadonlyMap<string, string> = new Map()): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((v) => displayValue(v, labels)).join(', ');
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (v.type === 'doc') return textOfAdf(v).trim();
    const child = v.child ? ` / ${displayValue(v.child, labels)}` : '';
    // Jira takes options and priorities by id: show the name the admin knows.
    if (typeof v.id === 'string' && labels.has(v.id)) return `${labels.get(v.id) ?? v.id}${child}`;
    for (const key of ['name', 'value', 'key', 'accountId', 'id']) {
      if (typeof v[key] === 'string') return `${v[key]}${child}`;
    }
  }
  return JSON.stringify(value);
}

/** Option and priority names by id, from the field's allowed values in create metadata. */
function labelsOf(field: CreateMeta['fields'][number] | undefined): Map<string, string> {
  const labels = new Map<string, string>();
  const walk = (values: AllowedValue[] | undefined) => {
    for (const v of values ?? []) {
      if (v.id !== undefined) labels.set(String(v.id), label(v));
      walk(v.children);
    }
  };
  walk(field?.allowedValues);
  return labels;
}

function dedupe(problems: MappingProblem[]): MappingProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function explainRoute(decision: ReturnType<typeof routeFinding>): RoutingTestResult {
  if (!decision.ok) return { projectKey: null, ruleId: null, explanation: decision.reason };
  switch (decision.via) {
    case 'rule':
      return {
        projectKey: decision.projectKey,
        ruleId: decision.rule?.id ?? null,
        ...(decision.rule ? { ruleName: decision.rule.name } : {}),
        explanation: `The first enabled rule that matches is “${decision.rule?.name ?? decision.rule?.id ?? ''}”.`,
      };
    case 'hint':
      return { projectKey: decision.projectKey, ruleId: null, explanation: `The finding names the project itself (finding.jira.projectKey = ${decision.projectKey}).` };
    case 'default':
      return { projectKey: decision.projectKey, ruleId: null, explanation: 'No rule matches; the default project receives it.' };
    case 'only-project':
      return { projectKey: decision.projectKey, ruleId: null, explanation: `No rule matches and no default project is set; ${decision.projectKey} is the only connected project, so it receives it.` };
  }
}

// ---------------------------------------------------------------------------
// The services

export const adminServices: AdminServices = {
  async 'connection/get'(ctx): Promise<ConnectionInfo> {
    const [status, last, url] = await Promise.all([
      signingSecretStatus(ctx.platform.secrets, ctx.platform.clock),
      getLastEvent(ctx.platform.store),
      ctx.env.webTriggerUrl(),
    ]);
    return {
      webTriggerUrl: url,
      secret: {
        configured: status.exists,
        ...(status.rotatedAt !== undefined ? { createdAt: new Date(status.rotatedAt).toISOString() } : {}),
        ...(status.previousValidUntil !== undefined ? { previousValidUntil: new Date(status.previousValidUntil).toISOString() } : {}),
      },
      lastEvent: last ? summariseLastEvent(last) : null,
    };
  },

  async 'secret/rotate'(ctx) {
    const secret = await rotateSigningSecret(ctx.platform.secrets, ctx.platform.clock);
    const status = await signingSecretStatus(ctx.platform.secrets, ctx.platform.clock);
    ctx.platform.logger.info('signing secret rotated', { by: ctx.caller.accountId });
    return {
      secret,
      createdAt: new Date(status.rotatedAt ?? ctx.platform.clock.now()).toISOString(),
      ...(status.previousValidUntil !== undefined ? { previousValidUntil: new Date(status.previousValidUntil).toISOString() } : {}),
    };
  },

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

  async 'routing/get'(ctx) {
    const [settings, projects] = await Promise.all([ctx.repository.getGlobal(), ctx.repository.listProjects()]);
    return { settings, connectedProjects: projects.map((p) => p.projectKey) };
  },

  async 'routing/save'(ctx, { settings }) {
    const connected = (await ctx.repository.listProjects()).map((p) => p.projectKey);
    const problems = validateGlobalSettings(settings, connected);
    if (problems.length > 0) {
      throw new CodedError('INVALID_INPUT', `The routing rules have ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was saved.`, {
        details: problems.map((p) => ({ path: p.path, message: p.message })),
      });
    }
    return { settings: await ctx.repository.saveGlobal(settings, ctx.caller.accountId) };
  },

  async 'routing/test'(ctx, { finding }) {
    const [settings, projects] = await Promise.all([ctx.repository.getGlobal(), ctx.repository.listProjects()]);
    return explainRoute(routeFinding(finding, settings, projects));
  },

  'access/me': (ctx) => callerAccess(ctx.caller, { store: ctx.platform.store, clock: ctx.platform.clock }),
};
