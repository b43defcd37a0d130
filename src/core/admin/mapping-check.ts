/**
 * A project mapping checked against Jira as it is: its create screen (with
 * the project's priorities), statuses and resolutions, from JiraMetadata's
 * caches unless `refresh` asks Jira again (docs/platform-limits.md "Jira REST
 * rate limits"). Problems are placed at the control that fixes them.
 */
import type { ProjectConfig } from '../config/model';
import { validateProjectConfig, type ConfigProblem } from '../config/validate';
import { JiraError } from '../jira/http';
import type { CreateMeta } from '../jira/create-meta';
import type { CreateField, MappingProblem } from '../../shared/contracts/admin';
import type { AdminContext } from './context';
import { label } from './display';

function toProblems(problems: ConfigProblem[]): MappingProblem[] {
  return problems.map((p) => ({ path: p.fieldId ? `fields.${p.fieldId}` : p.path, message: p.message, severity: 'error' as const }));
}

export function toCreateField(field: CreateMeta['fields'][number]): CreateField {
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
export async function checkConfig(ctx: AdminContext, config: ProjectConfig, refresh: boolean): Promise<{ problems: MappingProblem[]; meta?: CreateMeta }> {
  const meta = await createMetaOrProblem(ctx, config, refresh);
  if (!('fields' in meta)) return { problems: [meta] };
  const [statuses, resolutions] = await Promise.all([
    ctx.metadata.getProjectStatuses(config.projectKey, config.issueTypeId),
    ctx.metadata.getResolutions(),
  ]);
  return { problems: toProblems(validateProjectConfig(config, meta, { statuses, resolutions })), meta };
}

/** Each problem once (the same path and message can come from several checks). */
export function dedupe(problems: MappingProblem[]): MappingProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
