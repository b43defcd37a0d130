/**
 * How the editor presents a Jira field: the control that fits its type, the
 * order (required first), the fields the app sets itself, and a sensible first
 * source when an admin picks an issue type. Pure functions, unit-tested.
 */
import type { CreateField } from '../../../../src/shared/contracts/admin';
import type { FieldSource } from '../../../../src/core/config/model';
import { fieldKind } from '../../../../src/core/mapping/field-types';

/** Set by the app from the configuration itself (project, issue type) or by Jira (resolution on transitions). */
export const APP_MANAGED_FIELDS: ReadonlySet<string> = new Set(['project', 'issuetype', 'resolution', 'status']);

export type ControlKind =
  | 'text' // one line
  | 'textarea' // ADF in Jira, edited as plain text / Markdown
  | 'number'
  | 'date'
  | 'datetime'
  | 'select' // one value from allowedValues
  | 'multiselect' // several values from allowedValues
  | 'labels' // free-form list without spaces
  | 'user' // accountId
  | 'unsupported';

/**
 * The control for a field follows from the one place that decides a field's
 * kind (src/core/mapping/field-types.ts), so the editor, conversion and
 * validation never disagree about what a field takes.
 */
export function controlFor(field: Pick<CreateField, 'fieldId' | 'schema' | 'allowedValues'>): ControlKind {
  const kind = fieldKind(field);
  switch (kind) {
    case 'richText':
      return 'textarea';
    case 'text':
    case 'url':
      return field.allowedValues && field.allowedValues.length > 0 ? 'select' : 'text';
    case 'number':
    case 'date':
    case 'datetime':
    case 'labels':
    case 'user':
      return kind;
    case 'option':
    case 'cascading':
    case 'priority':
    case 'version':
    case 'securityLevel':
      return 'select';
    case 'options':
    case 'components':
    case 'versions':
      return 'multiselect';
    case 'users':
    case 'unsupported':
      return 'unsupported';
  }
}

/** Which source kinds make sense for a control (a select cannot take free text it will not match). */
export function sourceKindsFor(control: ControlKind): Array<FieldSource['kind']> {
  switch (control) {
    case 'select':
    case 'multiselect':
      return ['jira', 'backline'];
    case 'labels':
      return ['manual', 'backline', 'template'];
    case 'number':
    case 'date':
    case 'datetime':
    case 'user':
      return ['backline', 'manual'];
    case 'unsupported':
      return ['backline'];
    default:
      return ['template', 'backline', 'manual'];
  }
}

/** Fields the admin can map: required first (summary leading), then by name; app-managed ones hidden. */
export function orderFields(fields: readonly CreateField[]): CreateField[] {
  return fields
    .filter((f) => !APP_MANAGED_FIELDS.has(f.fieldId))
    .slice()
    .sort((a, b) => {
      const ra = a.required && !a.hasDefaultValue ? 0 : 1;
      const rb = b.required && !b.hasDefaultValue ? 0 : 1;
      if (ra !== rb) return ra - rb;
      if (a.fieldId === 'summary') return -1;
      if (b.fieldId === 'summary') return 1;
      return a.name.localeCompare(b.name);
    });
}

/** A field that must be mapped: required by Jira and without a default Jira fills in. */
export function needsMapping(field: CreateField): boolean {
  return field.required && !field.hasDefaultValue && !APP_MANAGED_FIELDS.has(field.fieldId);
}

export const DEFAULT_SEVERITY_PRIORITY: Record<string, string> = {
  critical: 'Highest',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Lowest',
};

/** A first source for a field when the admin starts a mapping; undefined = leave unmapped. */
export function suggestSource(field: CreateField): FieldSource | undefined {
  switch (field.fieldId) {
    case 'summary':
      return { kind: 'template', template: '[{{finding.severity}}] {{finding.title}}' };
    case 'description':
      return { kind: 'backline', path: 'finding.description' };
    case 'priority':
      return { kind: 'backline', path: 'finding.severity', valueMap: { ...DEFAULT_SEVERITY_PRIORITY } };
    case 'labels':
      return { kind: 'manual', value: ['backline'] };
    case 'duedate':
      return { kind: 'backline', path: 'finding.slaDueDate' };
    default:
      break;
  }
  const control = controlFor(field);
  if ((control === 'select' || control === 'multiselect') && field.allowedValues?.[0]) {
    const first = field.allowedValues[0];
    return { kind: 'jira', values: [{ id: first.id, label: first.label }] };
  }
  if (control === 'text' || control === 'textarea') return { kind: 'template', template: '{{finding.title}}' };
  return undefined;
}
