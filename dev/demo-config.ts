/**
 * The default configuration of the demo project SEC (the simulator's demo
 * site, dev/jira-sim/seed.ts), expressed in the configuration model, and the
 * seeding the local runtime runs on first start so the demo works before
 * anyone opens the admin page. Fields are found by name in SEC's create
 * metadata, so the same code works against the simulator and a real site with
 * those fields. Development only: the app itself never seeds a configuration.
 *
 * Write policies:
 * - summary, description, priority, Severity, CVE, Repository, CVSS, due date: `sync`
 *   (they describe the finding; Backline is the source of truth for them);
 * - labels: `create-only` (teams add and remove labels; the app never fights them);
 * - components and assignee-like fields: `fill-if-empty` (a team's triage wins).
 */
import type { CreateMeta, CreateMetaField } from '../src/core/jira/create-meta';
import { JiraMetadata } from '../src/core/jira/metadata';
import type { Platform } from '../src/core/ports';
import {
  CONFIG_VERSION,
  DEFAULT_RESOLUTIONS,
  DEFAULT_SEVERITY_TO_PRIORITY,
  type FieldMapping,
  type FieldSource,
  type ProjectConfig,
  type StatusRef,
  type WritePolicy,
} from '../src/core/config/model';
import { ConfigRepository } from '../src/core/config/repository';
import type { NamedItem } from '../src/core/config/validate';

export const DEMO_PROJECT_KEY = 'SEC';
export const DEMO_ISSUE_TYPE_NAME = 'Vulnerability';

function byName<T extends { name: string }>(items: T[], name: string): T | undefined {
  const wanted = name.toLowerCase();
  return items.find((item) => item.name.toLowerCase() === wanted);
}

function status(statuses: NamedItem[], name: string): StatusRef | undefined {
  const found = byName(statuses, name);
  return found ? { id: found.id, name: found.name } : undefined;
}

export interface DemoProjectInfo {
  projectName?: string;
  issueTypeName?: string;
}

/** SEC's default configuration, built from its create metadata and workflow statuses. */
export function demoSecProjectConfig(meta: CreateMeta, statuses: NamedItem[], info: DemoProjectInfo = {}): ProjectConfig {
  const fields: FieldMapping[] = [];
  const add = (field: CreateMetaField | undefined, sources: FieldSource[], writePolicy: WritePolicy): void => {
    if (field) fields.push({ fieldId: field.fieldId, fieldName: field.name, sources, writePolicy });
  };
  const system = (id: string): CreateMetaField | undefined => meta.fields.find((f) => f.fieldId === id);
  const custom = (name: string): CreateMetaField | undefined => meta.fields.find((f) => f.schema.custom !== undefined && f.name.toLowerCase() === name.toLowerCase());

  add(system('summary'), [{ kind: 'template', template: '[{{finding.severity}}] {{finding.title}}' }], 'sync');
  add(system('description'), [{ kind: 'backline', path: 'finding.description' }], 'sync');
  add(system('priority'), [{ kind: 'backline', path: 'finding.severity', valueMap: { ...DEFAULT_SEVERITY_TO_PRIORITY } }], 'sync');
  add(system('labels'), [{ kind: 'manual', value: 'backline' }, { kind: 'backline', path: 'finding.category' }], 'create-only');
  // Severity options are named like Backline's severities; matched ignoring case, so no value map is needed.
  add(custom('Severity'), [{ kind: 'backline', path: 'finding.severity' }], 'sync');
  add(custom('CVE'), [{ kind: 'backline', path: 'finding.cveIds' }], 'sync');
  add(custom('Repository'), [{ kind: 'backline', path: 'finding.repository.name' }], 'sync');
  add(custom('CVSS'), [{ kind: 'backline', path: 'finding.cvssScore' }], 'sync');
  add(system('duedate'), [{ kind: 'backline', path: 'finding.slaDueDate' }], 'sync');

  const stages: ProjectConfig['statuses'] = {};
  const inProgress = status(statuses, 'In Progress');
  const inReview = status(statuses, 'In Review');
  const done = status(statuses, 'Done');
  const toDo = status(statuses, 'To Do');
  if (inProgress) stages.prOpened = inProgress;
  if (inReview) stages.prMerged = inReview;
  if (done) stages.resolved = done;
  if (toDo) {
    stages.reopened = toDo;
    stages.prClosed = toDo;
  }

  return {
    version: CONFIG_VERSION,
    projectKey: meta.projectKey,
    projectId: meta.projectId,
    projectName: info.projectName ?? 'Security',
    issueTypeId: meta.issueTypeId,
    issueTypeName: info.issueTypeName ?? DEMO_ISSUE_TYPE_NAME,
    enabled: true,
    fields,
    statuses: stages,
    resolutions: { ...DEFAULT_RESOLUTIONS },
    minimumSeverity: 'info',
    recreateDeletedIssues: true,
    commentOnLifecycle: true,
  };
}

/**
 * Connects SEC with the default configuration unless it is already connected
 * (idempotent; an admin's later changes are never overwritten). Reads SEC's
 * issue types, create metadata and statuses from Jira as the app. When the
 * site has no SEC project or no Vulnerability issue type (a real site), it
 * logs and does nothing.
 */
export async function seedDemoConfiguration(platform: Platform): Promise<void> {
  const repository = new ConfigRepository(platform.store, platform.clock);
  if (await repository.getProject(DEMO_PROJECT_KEY)) return;
  const metadata = new JiraMetadata(platform.jira, platform.store, platform.clock);
  let issueTypes: Awaited<ReturnType<JiraMetadata['listIssueTypes']>>;
  try {
    issueTypes = await metadata.listIssueTypes(DEMO_PROJECT_KEY);
  } catch (error) {
    platform.logger.warn('demo configuration not seeded: project SEC not readable', { error: error instanceof Error ? error.message : String(error) });
    return;
  }
  const issueType = byName(issueTypes, DEMO_ISSUE_TYPE_NAME);
  if (!issueType) {
    platform.logger.warn('demo configuration not seeded: SEC has no Vulnerability issue type');
    return;
  }
  const meta = await metadata.getCreateMeta(DEMO_PROJECT_KEY, issueType.id);
  const statuses = await metadata.getProjectStatuses(DEMO_PROJECT_KEY, issueType.id);
  const projectName = (await metadata.getProject(DEMO_PROJECT_KEY)).name;
  const config = demoSecProjectConfig(meta, statuses, { issueTypeName: issueType.name, projectName });
  await repository.saveProject(config);
  platform.logger.info('demo configuration seeded', { projectKey: DEMO_PROJECT_KEY, issueTypeId: issueType.id, fields: config.fields.length });
}
