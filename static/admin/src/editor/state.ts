/**
 * The project editor's state: a draft of a ProjectConfig, the reducer that
 * changes it, the problems the editor can see without asking Jira, and the
 * conversion to the config the server validates and saves. Pure, so it is
 * unit-tested without a browser (test/unit/admin/editor-state.test.ts).
 */
import type {
  FieldMapping,
  GroupBy,
  FieldSource,
  LifecycleStage,
  ProjectConfig,
  StatusRef,
  WritePolicy,
} from '../../../../src/core/config/model';
import type { ResolveReason, Severity } from '../../../../src/core/events/schema';
import type { StatusBackRule } from '../../../../src/core/outbound/mapping-back';
import { DEFAULT_STATUS_BACK, MAX_STATUS_BACK_RULES } from '../../../../src/core/outbound/status-back-defaults';
import type { CreateField, MappingProblem } from '../../../../src/shared/contracts/admin';
import { controlFor, needsMapping, suggestSource, APP_MANAGED_FIELDS } from './fields';

export const STAGES: ReadonlyArray<{ stage: LifecycleStage; label: string }> = [
  { stage: 'prOpened', label: 'Pull request opened' },
  { stage: 'prMerged', label: 'Pull request merged' },
  { stage: 'prClosed', label: 'Pull request closed without merge' },
  { stage: 'resolved', label: 'Finding resolved' },
  { stage: 'reopened', label: 'Finding reopened' },
];

export const REASONS: ReadonlyArray<{ reason: ResolveReason; label: string }> = [
  { reason: 'fixed', label: 'Fixed' },
  { reason: 'not_detected', label: 'No longer detected' },
  { reason: 'false_positive', label: 'False positive' },
  { reason: 'accepted_risk', label: 'Risk accepted' },
];

export const SEVERITY_LIST: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export const POLICIES: ReadonlyArray<{ policy: WritePolicy; label: string; help: string }> = [
  { policy: 'create-only', label: 'On create only', help: 'Set when the issue is created; later edits in Jira are kept.' },
  { policy: 'sync', label: 'Keep in sync', help: 'Overwritten whenever Backline’s value changes.' },
  { policy: 'fill-if-empty', label: 'Fill if empty', help: 'Set on create, and later only while the field is empty.' },
];

export interface Draft {
  projectKey: string;
  projectId: string;
  projectName: string;
  issueTypeId: string;
  issueTypeName: string;
  enabled: boolean;
  fields: FieldMapping[];
  statuses: Partial<Record<LifecycleStage, StatusRef>>;
  /** Every reason has a resolution (the config requires all four). */
  resolutions: Record<ResolveReason, string>;
  minimumSeverity: Severity;
  recreateDeletedIssues: boolean;
  commentOnLifecycle: boolean;
  /** Jira's Security tab and development panel (docs/security-tab.md); absent in a saved config = on. */
  showInSecurityTab: boolean;
  showInDevelopmentPanel: boolean;
  /** Mapping back (docs/outbound.md): the project's own rules, or null for Backline's defaults. */
  statusBack: StatusBackRule[] | null;
  /** One issue per finding (the default), remediation, or vulnerability per repository (docs/sync.md "Grouping"). */
  groupBy: GroupBy;
}

export const DEFAULT_RESOLUTION_NAMES: Record<ResolveReason, string> = {
  fixed: 'Fixed',
  not_detected: 'Fixed',
  false_positive: "Won't Fix",
  accepted_risk: "Won't Fix",
};

export function emptyDraft(project?: { key: string; id?: string; name?: string }): Draft {
  return {
    projectKey: project?.key ?? '',
    projectId: project?.id ?? '',
    projectName: project?.name ?? '',
    issueTypeId: '',
    issueTypeName: '',
    enabled: true,
    fields: [],
    statuses: {},
    resolutions: { ...DEFAULT_RESOLUTION_NAMES },
    minimumSeverity: 'info',
    recreateDeletedIssues: true,
    commentOnLifecycle: true,
    showInSecurityTab: true,
    showInDevelopmentPanel: true,
    statusBack: null,
    groupBy: 'finding',
  };
}

export function draftFromConfig(config: ProjectConfig): Draft {
  return {
    projectKey: config.projectKey,
    projectId: config.projectId,
    projectName: config.projectName,
    issueTypeId: config.issueTypeId,
    issueTypeName: config.issueTypeName,
    enabled: config.enabled,
    fields: config.fields.map((f) => ({ ...f, sources: f.sources.map((s) => ({ ...s })) })),
    statuses: { ...config.statuses },
    resolutions: { ...DEFAULT_RESOLUTION_NAMES, ...config.resolutions },
    minimumSeverity: config.minimumSeverity,
    recreateDeletedIssues: config.recreateDeletedIssues,
    commentOnLifecycle: config.commentOnLifecycle,
    showInSecurityTab: config.showInSecurityTab ?? true,
    showInDevelopmentPanel: config.showInDevelopmentPanel ?? true,
    statusBack: config.statusBack ? config.statusBack.map((rule) => ({ ...rule })) : null,
    groupBy: config.groupBy ?? 'finding',
  };
}

export function draftToConfig(draft: Draft): ProjectConfig {
  const statuses: ProjectConfig['statuses'] = {};
  for (const { stage } of STAGES) {
    const ref = draft.statuses[stage];
    if (ref) statuses[stage] = ref;
  }
  const resolutions = { ...DEFAULT_RESOLUTION_NAMES };
  for (const { reason } of REASONS) {
    const name = draft.resolutions[reason];
    if (name) resolutions[reason] = name;
  }
  return {
    version: 1,
    projectKey: draft.projectKey,
    projectId: draft.projectId,
    projectName: draft.projectName,
    issueTypeId: draft.issueTypeId,
    issueTypeName: draft.issueTypeName,
    enabled: draft.enabled,
    fields: draft.fields,
    statuses,
    resolutions,
    minimumSeverity: draft.minimumSeverity,
    recreateDeletedIssues: draft.recreateDeletedIssues,
    commentOnLifecycle: draft.commentOnLifecycle,
    showInSecurityTab: draft.showInSecurityTab,
    showInDevelopmentPanel: draft.showInDevelopmentPanel,
    ...(draft.statusBack ? { statusBack: draft.statusBack } : {}),
    ...(draft.groupBy !== 'finding' ? { groupBy: draft.groupBy } : {}),
  };
}

/** Seeds the mappings for a freshly chosen issue type: every field that must be mapped, plus the usual ones. */
export function seedMappings(fields: readonly CreateField[]): FieldMapping[] {
  const usual = new Set(['summary', 'description', 'priority', 'labels', 'duedate']);
  const result: FieldMapping[] = [];
  for (const field of fields) {
    if (APP_MANAGED_FIELDS.has(field.fieldId)) continue;
    if (!needsMapping(field) && !usual.has(field.fieldId)) continue;
    const source = suggestSource(field);
    if (!source) continue;
    result.push({ fieldId: field.fieldId, fieldName: field.name, sources: [source], writePolicy: defaultPolicy(field.fieldId) });
  }
  return result;
}

/** Summary and description follow Backline; fields people curate in Jira are only filled once. */
export function defaultPolicy(fieldId: string): WritePolicy {
  if (fieldId === 'summary' || fieldId === 'description') return 'sync';
  if (fieldId === 'priority' || fieldId === 'duedate') return 'fill-if-empty';
  return 'create-only';
}

export type EditorAction =
  | { type: 'load'; draft: Draft }
  | { type: 'setProject'; project: { key: string; id: string; name: string } }
  | { type: 'setIssueType'; issueType: { id: string; name: string }; fields: readonly CreateField[] }
  | { type: 'mapField'; field: CreateField }
  | { type: 'unmapField'; fieldId: string }
  | { type: 'setSource'; fieldId: string; index: number; source: FieldSource }
  | { type: 'addSource'; fieldId: string; source: FieldSource }
  /** The create screen of the issue type just chosen arrived: the mapping starts from it. */
  | { type: 'seedFields'; issueTypeId: string; fields: CreateField[] }
  | { type: 'removeSource'; fieldId: string; index: number }
  | { type: 'setPolicy'; fieldId: string; policy: WritePolicy }
  | { type: 'setSeverityPriority'; severity: Severity; priorityName: string }
  | { type: 'setStatus'; stage: LifecycleStage; status: StatusRef | null }
  | { type: 'setResolution'; reason: ResolveReason; name: string }
  | { type: 'setOption'; option: 'enabled' | 'recreateDeletedIssues' | 'commentOnLifecycle' | 'showInSecurityTab' | 'showInDevelopmentPanel'; value: boolean }
  | { type: 'setMinimumSeverity'; severity: Severity }
  | { type: 'setGroupBy'; groupBy: GroupBy }
  /** Mapping back: change, add, remove or move a rule; `resetStatusBack` returns to Backline's defaults. */
  | { type: 'setStatusBackRule'; index: number; rule: StatusBackRule }
  | { type: 'addStatusBackRule' }
  | { type: 'removeStatusBackRule'; index: number }
  | { type: 'moveStatusBackRule'; index: number; by: -1 | 1 }
  | { type: 'resetStatusBack' };

function updateField(draft: Draft, fieldId: string, change: (mapping: FieldMapping) => FieldMapping | null): Draft {
  const fields: FieldMapping[] = [];
  for (const mapping of draft.fields) {
    if (mapping.fieldId !== fieldId) fields.push(mapping);
    else {
      const next = change(mapping);
      if (next) fields.push(next);
    }
  }
  return { ...draft, fields };
}

export function editorReducer(draft: Draft, action: EditorAction): Draft {
  switch (action.type) {
    case 'load':
      return action.draft;
    case 'setProject':
      if (action.project.key === draft.projectKey) return { ...draft, projectId: action.project.id, projectName: action.project.name };
      // Another project has other issue types, fields and statuses: start its mapping afresh.
      return { ...emptyDraft(action.project), enabled: draft.enabled };
    case 'setIssueType':
      if (action.issueType.id === draft.issueTypeId) return { ...draft, issueTypeName: action.issueType.name };
      return { ...draft, issueTypeId: action.issueType.id, issueTypeName: action.issueType.name, fields: seedMappings(action.fields), statuses: {} };
    case 'seedFields':
      return action.issueTypeId === draft.issueTypeId ? { ...draft, fields: seedMappings(action.fields) } : draft;
    case 'mapField': {
      if (draft.fields.some((f) => f.fieldId === action.field.fieldId)) return draft;
      const source = suggestSource(action.field) ?? { kind: 'backline', path: 'finding.title' };
      const mapping: FieldMapping = { fieldId: action.field.fieldId, fieldName: action.field.name, sources: [source], writePolicy: defaultPolicy(action.field.fieldId) };
      return { ...draft, fields: [...draft.fields, mapping] };
    }
    case 'unmapField':
      return updateField(draft, action.fieldId, () => null);
    case 'setSource':
      return updateField(draft, action.fieldId, (m) => ({ ...m, sources: m.sources.map((s, i) => (i === action.index ? action.source : s)) }));
    case 'addSource':
      return updateField(draft, action.fieldId, (m) => (m.sources.length >= 10 ? m : { ...m, sources: [...m.sources, action.source] }));
    case 'removeSource':
      return updateField(draft, action.fieldId, (m) => {
        const sources = m.sources.filter((_, i) => i !== action.index);
        return sources.length === 0 ? null : { ...m, sources };
      });
    case 'setPolicy':
      return updateField(draft, action.fieldId, (m) => ({ ...m, writePolicy: action.policy }));
    case 'setSeverityPriority':
      return updateField(draft, 'priority', (m) => ({
        ...m,
        sources: m.sources.map((s) =>
          s.kind === 'backline' && s.path === 'finding.severity' ? { ...s, valueMap: { ...(s.valueMap ?? {}), [action.severity]: action.priorityName } } : s,
        ),
      }));
    case 'setStatus': {
      const statuses = { ...draft.statuses };
      if (action.status) statuses[action.stage] = action.status;
      else delete statuses[action.stage];
      return { ...draft, statuses };
    }
    case 'setResolution':
      return action.name ? { ...draft, resolutions: { ...draft.resolutions, [action.reason]: action.name } } : draft;
    case 'setOption':
      return { ...draft, [action.option]: action.value };
    case 'setMinimumSeverity':
      return { ...draft, minimumSeverity: action.severity };
    case 'setGroupBy':
      return { ...draft, groupBy: action.groupBy };
    case 'setStatusBackRule':
    case 'addStatusBackRule':
    case 'removeStatusBackRule':
    case 'moveStatusBackRule':
      return { ...draft, statusBack: changeStatusBack(statusBackRules(draft), action) };
    case 'resetStatusBack':
      return { ...draft, statusBack: null };
  }
}

/** The rules in force: the project's own, else Backline's defaults. */
export function statusBackRules(draft: Draft): StatusBackRule[] {
  return (draft.statusBack ?? DEFAULT_STATUS_BACK).map((rule) => ({ ...rule }));
}


function changeStatusBack(
  rules: StatusBackRule[],
  action: Extract<EditorAction, { type: 'setStatusBackRule' | 'addStatusBackRule' | 'removeStatusBackRule' | 'moveStatusBackRule' }>,
): StatusBackRule[] {
  switch (action.type) {
    case 'setStatusBackRule':
      return rules.map((rule, i) => (i === action.index ? action.rule : rule));
    case 'addStatusBackRule':
      return rules.length >= MAX_STATUS_BACK_RULES ? rules : [...rules, { statusCategory: 'done', outcome: 'fixed' }];
    case 'removeStatusBackRule':
      return rules.filter((_, i) => i !== action.index);
    case 'moveStatusBackRule': {
      const to = action.index + action.by;
      if (to < 0 || to >= rules.length) return rules;
      const moved = [...rules];
      moved.splice(to, 0, ...moved.splice(action.index, 1));
      return moved;
    }
  }
}

/** The severity → priority table when priority follows severity, else undefined (priority mapped another way or not at all). */
export function severityPriorityMap(draft: Draft): Record<string, string> | undefined {
  const priority = draft.fields.find((f) => f.fieldId === 'priority');
  const source = priority?.sources.find((s) => s.kind === 'backline' && s.path === 'finding.severity');
  return source && source.kind === 'backline' ? source.valueMap ?? {} : undefined;
}

const PATH_PATTERN = /^(finding|remediation|pullRequest)(\.[A-Za-z_$][A-Za-z0-9_$]*)+$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

function sourceProblem(source: FieldSource, field: CreateField | undefined): string | undefined {
  switch (source.kind) {
    case 'jira':
      return source.values.length === 0 ? 'Choose a value.' : undefined;
    case 'backline':
      return PATH_PATTERN.test(source.path) ? undefined : 'Choose a Backline field.';
    case 'template':
      if (!source.template.trim()) return 'Write a template, e.g. {{finding.title}}.';
      if (/\{\{(?![^}]*\}\})/.test(source.template)) return 'A placeholder is not closed: write {{finding.title}}.';
      return undefined;
    case 'manual': {
      const value = source.value;
      if (Array.isArray(value) ? value.length === 0 : String(value).trim() === '') return 'Enter a value.';
      const control = field ? controlFor(field) : 'text';
      if (control === 'number' && (typeof value !== 'number' || !Number.isFinite(value))) return 'Enter a number.';
      if (control === 'date' && (typeof value !== 'string' || !DATE_PATTERN.test(value))) return 'Enter a date as YYYY-MM-DD.';
      if (control === 'labels' && Array.isArray(value) && value.some((l) => /\s/.test(l))) return 'Labels cannot contain spaces.';
      return undefined;
    }
  }
}

/**
 * Problems visible without asking Jira again: what is missing or malformed,
 * placed at the control that fixes it. `fields` is the create screen of the
 * chosen issue type (undefined while it loads: field checks wait for it).
 */
export function draftProblems(draft: Draft, fields: readonly CreateField[] | undefined): MappingProblem[] {
  const problems: MappingProblem[] = [];
  if (!draft.projectKey) problems.push({ path: 'project', message: 'Choose the Jira project that receives the issues.', severity: 'error' });
  if (!draft.issueTypeId) problems.push({ path: 'issueType', message: 'Choose the issue type to create.', severity: 'error' });
  if (!fields) return problems;
  const byId = new Map(fields.map((f) => [f.fieldId, f]));
  for (const field of fields) {
    if (needsMapping(field) && !draft.fields.some((m) => m.fieldId === field.fieldId)) {
      problems.push({ path: `fields.${field.fieldId}`, message: `${field.name} is required by Jira: choose where its value comes from.`, severity: 'error' });
    }
  }
  for (const mapping of draft.fields) {
    const field = byId.get(mapping.fieldId);
    if (!field) {
      problems.push({ path: `fields.${mapping.fieldId}`, message: `${mapping.fieldName} is no longer on the create screen of ${draft.issueTypeName}: remove the mapping or add the field to the screen in Jira.`, severity: 'error' });
      continue;
    }
    mapping.sources.forEach((source, index) => {
      const message = sourceProblem(source, field);
      if (message) problems.push({ path: `fields.${mapping.fieldId}.${index}`, message, severity: 'error' });
    });
    // Several sources on a one-value field are a fallback chain (docs/mapping.md "Sources"): no problem.
  }
  return problems;
}

export function hasErrors(problems: readonly MappingProblem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** Problems at one path and below it (`fields.x` also shows `fields.x.0`). */
export function problemsAt(problems: readonly MappingProblem[], path: string): MappingProblem[] {
  return problems.filter((p) => p.path === path || p.path.startsWith(`${path}.`));
}

/** Server and local problems together, without saying the same thing twice. */
export function mergeProblems(local: readonly MappingProblem[], server: readonly MappingProblem[]): MappingProblem[] {
  const seen = new Set<string>();
  const result: MappingProblem[] = [];
  for (const problem of [...local, ...server]) {
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(problem);
  }
  return result;
}

/** True when the draft differs from what was last saved (drives the "unsaved changes" guard). */
export function isDirty(saved: Draft, current: Draft): boolean {
  return stableJson(draftToConfig(saved)) !== stableJson(draftToConfig(current));
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)));
    }
    return v;
  });
}
