/**
 * Checking a configuration against the Jira site as it is now: the create
 * screen (create metadata, with the priorities the project allows), the
 * workflow's statuses and resolutions. Runs when an admin saves, when the settings page opens, and
 * after Jira rejects a write, so a change in Jira shows up as a precise
 * message ("Team is required in APP/Bug: …") instead of failing events.
 */
import type { CreateMeta, CreateMetaField } from '../jira/create-meta';
import { convertValues, type SourceValue } from '../mapping/convert';
import { describeKind, fieldKind, MULTI_VALUE_KINDS, schemaText, type FieldKind } from '../mapping/field-types';
import { knownPath, unknownPathProblem, type PathType } from '../mapping/known-paths';
import { isSafePath } from '../mapping/paths';
import { templatePaths } from '../mapping/template';
import { LIFECYCLE_STAGES, type FieldMapping, type FieldSource, type LifecycleStage, type ProjectConfig } from './model';

export interface ConfigProblem {
  /** Where in the configuration, e.g. `fields.customfield_10020`, `statuses.prOpened`, `resolutions.fixed`. */
  path: string;
  fieldId?: string;
  message: string;
}

export interface NamedItem {
  id: string;
  name: string;
}

export interface ValidationExtras {
  /** Statuses of the issue type's workflow in this project. */
  statuses: NamedItem[];
  resolutions: NamedItem[];
  /**
   * The workflow graph, when Jira (or the simulator) lets the app read it:
   * transitions by target status with the statuses they start from (empty
   * `from` = from any status). With it, unreachable target statuses are reported.
   */
  workflow?: { initialStatusId?: string; transitions: Array<{ from: string[]; to: string }> };
}

const STAGE_LABELS: Record<LifecycleStage, string> = {
  prOpened: 'PR opened',
  prMerged: 'PR merged',
  prClosed: 'PR closed',
  resolved: 'Resolved',
  reopened: 'Reopened',
};

/** Fields Jira or the app always sets: never "required but unmapped". */
const SET_BY_APP = new Set(['project', 'issuetype']);

const PATH_TYPES_FOR_KIND: Partial<Record<FieldKind, readonly PathType[]>> = {
  url: ['url'],
  number: ['number'],
  date: ['date', 'datetime'],
  datetime: ['date', 'datetime'],
  option: ['enum', 'string', 'strings'],
  options: ['enum', 'string', 'strings'],
  cascading: ['enum', 'string'],
  priority: ['enum', 'string'],
  securityLevel: ['enum', 'string'],
  components: ['enum', 'string', 'strings'],
  version: ['string'],
  versions: ['string', 'strings'],
  user: ['email', 'string'],
  users: ['email', 'string', 'strings'],
};

const OPTION_LIKE = new Set<FieldKind>(['option', 'options', 'priority', 'securityLevel', 'components', 'version', 'versions', 'cascading']);
const TEMPLATE_KINDS = new Set<FieldKind>(['text', 'richText', 'labels', 'url', 'options', 'option', 'components']);

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

function screenName(config: ProjectConfig, meta: CreateMeta): string {
  return `${meta.projectKey}/${config.issueTypeName || meta.issueTypeId}`;
}

function checkJiraSource(field: CreateMetaField, kind: FieldKind, source: Extract<FieldSource, { kind: 'jira' }>): string[] {
  const problems: string[] = [];
  if (!MULTI_VALUE_KINDS.has(kind) && kind !== 'cascading' && source.values.length > 1) {
    problems.push(`${field.name} takes one value, but ${source.values.length} are chosen: keep one`);
  }
  if (kind === 'cascading') return problems; // checked by the conversion below (parent, then child)
  const values: SourceValue[] = source.values.map((v) => ({ from: 'jira', id: v.id, label: v.label }));
  if (OPTION_LIKE.has(kind) && field.allowedValues) {
    for (const value of values) {
      const result = convertValues(field, kind, [value]);
      if (!result.ok) problems.push(result.problem);
    }
  } else if (!OPTION_LIKE.has(kind) && kind !== 'user' && kind !== 'users') {
    problems.push(`${field.name} is ${describeKind(kind)} and has no values to choose from in Jira: use a Backline field, a template or a manual value`);
  }
  return problems;
}

function checkManualSource(field: CreateMetaField, kind: FieldKind, source: Extract<FieldSource, { kind: 'manual' }>): string[] {
  const values: SourceValue[] = (Array.isArray(source.value) ? source.value : [source.value]).map((value) => ({ from: 'raw', value }));
  const result = convertValues(field, kind, MULTI_VALUE_KINDS.has(kind) ? values : values.slice(0, 1));
  return result.ok ? [] : [`The manual value of ${field.name} does not fit: ${result.problem}`];
}

function checkTemplateSource(field: CreateMetaField, kind: FieldKind, source: Extract<FieldSource, { kind: 'template' }>): string[] {
  const problems: string[] = [];
  if (!TEMPLATE_KINDS.has(kind)) problems.push(`${field.name} is ${describeKind(kind)}; a template produces text: map a Backline field or choose a value from Jira instead`);
  for (const path of templatePaths(source.template)) {
    if (!isSafePath(path) || !/^(finding|remediation|pullRequest)\./.test(path)) {
      problems.push(`The template of ${field.name} uses {{${path}}}, which is not a Backline field: use paths such as {{finding.title}}`);
      continue;
    }
    const unknown = unknownPathProblem(path);
    if (unknown) problems.push(`The template of ${field.name} uses {{${path}}}: ${unknown.replace(/did you mean (\S+)\?/, 'did you mean {{$1}}?')}`);
  }
  return problems;
}

/** A Backline path must exist, suit the field's type, and (an enum) land every value it can take on an allowed value. */
function checkBacklineSource(field: CreateMetaField, kind: FieldKind, source: Extract<FieldSource, { kind: 'backline' }>): string[] {
  if (!isSafePath(source.path)) return [`${source.path} is not a valid Backline field path for ${field.name}`];
  const unknown = unknownPathProblem(source.path);
  if (unknown) return [`${field.name}: ${unknown}`];
  const known = knownPath(source.path);
  const accepted = PATH_TYPES_FOR_KIND[kind];
  if (known && accepted && !accepted.includes(known.type)) {
    return [`${source.path} (${known.label}) cannot fill ${field.name}, which is ${describeKind(kind)}: choose a compatible Backline field`];
  }
  const problems: string[] = [];
  // Every value an enum path can take must land on an allowed value (through the value map or by name).
  if (known?.type === 'enum' && known.values && OPTION_LIKE.has(kind) && field.allowedValues) {
    const unmatched: string[] = [];
    for (const raw of known.values) {
      const mapped = source.valueMap?.[raw] ?? raw;
      const result = convertValues(field, kind, [{ from: 'raw', value: mapped }]);
      if (!result.ok) unmatched.push(mapped === raw ? raw : `${raw} → ${mapped}`);
    }
    if (unmatched.length > 0) {
      problems.push(`${field.name} has no value for ${unmatched.join(', ')} from ${source.path}: add them to the value map`);
    }
  } else if (source.valueMap && OPTION_LIKE.has(kind) && field.allowedValues) {
    for (const [from, to] of Object.entries(source.valueMap)) {
      const result = convertValues(field, kind, [{ from: 'raw', value: to }]);
      if (!result.ok) problems.push(`The value map of ${field.name} sends "${from}" to "${to}", which is not an allowed value: choose another`);
    }
  }
  return problems;
}

function checkSource(field: CreateMetaField, kind: FieldKind, source: FieldSource, index: number): string[] {
  const problems =
    source.kind === 'jira'
      ? checkJiraSource(field, kind, source)
      : source.kind === 'manual'
        ? checkManualSource(field, kind, source)
        : source.kind === 'template'
          ? checkTemplateSource(field, kind, source)
          : checkBacklineSource(field, kind, source);
  return problems.map((p) => (index > 0 ? `${p} (source ${index + 1})` : p));
}

/** Whether a required field's mapping can come out empty for some findings. */
function mayBeEmpty(mapping: FieldMapping): boolean {
  return mapping.sources.every((source) => {
    if (source.kind === 'backline') return !knownPath(source.path)?.always;
    if (source.kind === 'template') return templatePaths(source.template).every((p) => !knownPath(p)?.always) && source.template.replace(/\{\{[^}]*\}\}/g, '').trim() === '';
    return false;
  });
}

function reachable(workflow: NonNullable<ValidationExtras['workflow']>, statusIds: string[]): Set<string> {
  const start = workflow.initialStatusId ? [workflow.initialStatusId] : statusIds;
  const seen = new Set<string>(start);
  const queue = [...start];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const t of workflow.transitions) {
      if ((t.from.length === 0 || t.from.includes(current)) && !seen.has(t.to)) {
        seen.add(t.to);
        queue.push(t.to);
      }
    }
  }
  return seen;
}

export function validateProjectConfig(config: ProjectConfig, meta: CreateMeta, extras: ValidationExtras): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (config.projectKey !== meta.projectKey || config.issueTypeId !== meta.issueTypeId) {
    problems.push({ path: 'issueTypeId', message: `The configuration is for ${config.projectKey}/${config.issueTypeName} but was checked against ${meta.projectKey}/${meta.issueTypeId}: reload the settings page` });
  }
  const { problems: mappingProblems, mapped } = checkFieldMappings(config, meta);
  return [...problems, ...mappingProblems, ...checkUnmappedRequired(config, meta, mapped), ...checkSeverityFollowsBackline(meta, mapped), ...checkWorkflow(config, meta, extras)];
}

/** Each mapping: once, for a field on the create screen that the app can fill, from sources that fit it. */
function checkFieldMappings(config: ProjectConfig, meta: CreateMeta): { problems: ConfigProblem[]; mapped: Map<string, FieldMapping> } {
  const problems: ConfigProblem[] = [];
  const screen = screenName(config, meta);
  const metaById = new Map(meta.fields.map((f) => [f.fieldId, f]));
  const mapped = new Map<string, FieldMapping>();
  config.fields.forEach((mapping) => {
    const path = `fields.${mapping.fieldId}`;
    if (mapped.has(mapping.fieldId)) {
      problems.push({ path, fieldId: mapping.fieldId, message: `${mapping.fieldName} is mapped twice: remove one of the mappings` });
      return;
    }
    mapped.set(mapping.fieldId, mapping);
    if (SET_BY_APP.has(mapping.fieldId)) {
      problems.push({ path, fieldId: mapping.fieldId, message: `${mapping.fieldName} is set by the app itself: remove its mapping` });
      return;
    }
    const field = metaById.get(mapping.fieldId);
    if (!field) {
      problems.push({ path, fieldId: mapping.fieldId, message: `${mapping.fieldName} is not on the create screen of ${screen} (or no longer exists): add it to the screen in Jira or remove its mapping` });
      return;
    }
    const kind = fieldKind(field);
    if (kind === 'unsupported') {
      problems.push({ path, fieldId: field.fieldId, message: `${field.name} (${schemaText(field)}) is a field type Backline cannot fill: remove its mapping${field.required ? ' and give the field a default value in Jira' : ''}` });
      return;
    }
    mapping.sources.forEach((source, index) => {
      for (const message of checkSource(field, kind, source, index)) problems.push({ path, fieldId: field.fieldId, message });
    });
    if (field.required && !field.hasDefaultValue && mayBeEmpty(mapping)) {
      problems.push({ path, fieldId: field.fieldId, message: `${field.name} is required in ${screen}, but its Backline field can be missing on a finding: add a fallback source (a value from Jira or a manual value)` });
    }
  });

  return { problems, mapped };
}

/** Required fields without a default value that no mapping fills: Jira would refuse every create. */
function checkUnmappedRequired(config: ProjectConfig, meta: CreateMeta, mapped: Map<string, FieldMapping>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const screen = screenName(config, meta);
  for (const field of meta.fields) {
    if (!field.required || SET_BY_APP.has(field.fieldId) || field.hasDefaultValue || mapped.has(field.fieldId)) continue;
    const kind = fieldKind(field);
    problems.push({
      path: `fields.${field.fieldId}`,
      fieldId: field.fieldId,
      message:
        kind === 'unsupported'
          ? `${field.name} is required in ${screen} and is a field type Backline cannot fill (${schemaText(field)}): give it a default value in Jira or make it optional`
          : `${field.name} is required in ${screen}: map it to a value from Jira, a Backline field or a manual value`,
    });
  }

  return problems;
}

/** Severity drives priority and the Severity field: both must follow Backline, not a fixed value. */
function checkSeverityFollowsBackline(meta: CreateMeta, mapped: Map<string, FieldMapping>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const priority = meta.fields.find((f) => f.fieldId === 'priority');
  const severity = meta.fields.find((f) => sameName(f.name, 'Severity') && f.fieldId !== 'priority');
  for (const field of [priority, severity]) {
    if (!field) continue;
    const mapping = mapped.get(field.fieldId);
    const path = `fields.${field.fieldId}`;
    if (!mapping) {
      problems.push({ path, fieldId: field.fieldId, message: `${field.name} is not mapped: map it from the Backline field finding.severity so it follows the finding` });
    } else if (!mapping.sources.some((s) => s.kind === 'backline' || s.kind === 'template')) {
      problems.push({ path, fieldId: field.fieldId, message: `${field.name} is set to a fixed value: map it from the Backline field finding.severity so it follows the finding` });
    }
  }

  return problems;
}

/** Target statuses exist in the issue type's workflow (and can be reached, when the workflow is known); resolutions exist. */
function checkWorkflow(config: ProjectConfig, meta: CreateMeta, extras: ValidationExtras): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const screen = screenName(config, meta);
  const statusIds = extras.statuses.map((s) => s.id);
  const reach = extras.workflow ? reachable(extras.workflow, statusIds) : undefined;
  for (const stage of LIFECYCLE_STAGES) {
    const target = config.statuses[stage];
    if (!target) continue;
    const found = extras.statuses.find((s) => s.id === target.id) ?? extras.statuses.find((s) => sameName(s.name, target.name));
    if (!found) {
      problems.push({ path: `statuses.${stage}`, message: `The "${STAGE_LABELS[stage]}" status ${target.name} does not exist in the workflow of ${screen}: choose another status` });
    } else if (reach && !reach.has(found.id)) {
      problems.push({ path: `statuses.${stage}`, message: `The "${STAGE_LABELS[stage]}" status ${found.name} cannot be reached in the workflow of ${screen}: add a transition into it or choose another status` });
    }
  }

  for (const [reason, name] of Object.entries(config.resolutions)) {
    if (!extras.resolutions.some((r) => sameName(r.name, name))) {
      problems.push({ path: `resolutions.${reason}`, message: `The resolution ${name} (for ${reason.replace('_', ' ')}) does not exist in Jira: choose another resolution` });
    }
  }
  (config.statusBack ?? []).forEach(({ resolution }, index) => {
    if (resolution && !extras.resolutions.some((r) => sameName(r.name, resolution))) problems.push({ path: `statusBack.${index}`, message: `Mapping back rule ${index + 1}: the resolution ${resolution} does not exist in Jira, so the rule would never match: choose another resolution` });
  });

  return problems;
}
