/**
 * What kind of value a Jira field takes, from the `schema` that create
 * metadata gives (`type`, `items`, `system`, `custom`). One place decides it,
 * so conversion, validation and the editor agree.
 */
import type { CreateMetaField } from '../jira/create-meta';

const CF = 'com.atlassian.jira.plugin.system.customfieldtypes:';

export type FieldKind =
  | 'text' // single-line string (summary, text field)
  | 'url'
  | 'richText' // ADF: description, multi-line text
  | 'number'
  | 'date'
  | 'datetime'
  | 'option'
  | 'options' // multi select, checkboxes
  | 'cascading'
  | 'labels' // array of string
  | 'priority'
  | 'user'
  | 'users'
  | 'components'
  | 'version'
  | 'versions'
  | 'securityLevel'
  | 'unsupported';

/** Fields the app sets itself or that a mapping cannot meaningfully fill. */
export const RESERVED_FIELDS = new Set(['project', 'issuetype', 'resolution', 'status', 'attachment', 'issuelinks', 'parent', 'timetracking', 'worklog', 'watches', 'votes', 'comment']);

export function fieldKind(field: Pick<CreateMetaField, 'fieldId' | 'schema'>): FieldKind {
  const { type, items, system, custom } = field.schema;
  if (RESERVED_FIELDS.has(field.fieldId) || (system !== undefined && RESERVED_FIELDS.has(system))) return 'unsupported';
  if (system === 'description' || system === 'environment' || custom === `${CF}textarea`) return 'richText';
  if (custom === `${CF}url`) return 'url';
  switch (type) {
    case 'string':
      return 'text';
    case 'number':
      return 'number';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'option':
      return 'option';
    case 'option-with-child':
      return 'cascading';
    case 'priority':
      return 'priority';
    case 'user':
      return 'user';
    case 'version':
      return 'version';
    case 'securitylevel':
      return 'securityLevel';
    case 'array':
      switch (items) {
        case 'option':
          return 'options';
        case 'string':
          return 'labels';
        case 'user':
          return 'users';
        case 'component':
          return 'components';
        case 'version':
          return 'versions';
        default:
          return 'unsupported';
      }
    default:
      return 'unsupported';
  }
}

export const MULTI_VALUE_KINDS: ReadonlySet<FieldKind> = new Set(['options', 'labels', 'users', 'components', 'versions']);

/** Human description of a field's type for messages ("a single-select field"). */
export function describeKind(kind: FieldKind): string {
  const names: Record<FieldKind, string> = {
    text: 'a text field',
    url: 'a URL field',
    richText: 'a rich-text field',
    number: 'a number field',
    date: 'a date field',
    datetime: 'a date-time field',
    option: 'a single-select field',
    options: 'a multi-select field',
    cascading: 'a cascading select field',
    labels: 'a labels field',
    priority: 'the priority field',
    user: 'a user field',
    users: 'a multi-user field',
    components: 'the components field',
    version: 'a version field',
    versions: 'a versions field',
    securityLevel: 'the security level field',
    unsupported: 'a field type Backline cannot fill',
  };
  return names[kind];
}

/** Type text of a field for messages, e.g. `array<option>` or `com.atlassian…:select`. */
export function schemaText(field: Pick<CreateMetaField, 'schema'>): string {
  const { type, items, custom } = field.schema;
  return custom ?? (items ? `${type}<${items}>` : type);
}
