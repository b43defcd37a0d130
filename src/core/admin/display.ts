/** Jira request values as a person reads them: the live preview shows these. */
import type { AllowedValue, CreateMeta } from '../jira/create-meta';

/** An allowed value's name as Jira shows it. */
export function label(value: AllowedValue): string {
  return value.value ?? value.name ?? value.id ?? '';
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
export function labelsOf(field: CreateMeta['fields'][number] | undefined): Map<string, string> {
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
