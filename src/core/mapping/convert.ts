/**
 * Converting source values to the request format Jira expects for a field
 * (REST v3 "create issue" field formats), by the field's kind (field-types.ts).
 * Each conversion either gives a value, says "nothing to write" (empty), or
 * gives a problem text that says what is wrong and what to do.
 */
import type { AllowedValue, CreateMetaField } from '../jira/create-meta';
import { markdownToJiraAdf } from './adf-limit';
import { describeKind, type FieldKind } from './field-types';

/** One value coming out of a mapping source. */
export type SourceValue =
  /** Picked from the field's allowed values in Jira (ids are authoritative). */
  | { from: 'jira'; id: string; label: string }
  /** A scalar from the event, a manual value or a rendered template. */
  | { from: 'raw'; value: string | number | boolean };

export type Conversion = { ok: true; value: unknown } | { ok: true; value: undefined; empty: true } | { ok: false; problem: string };

export interface ConvertContext {
  /** Lower-case email → accountId, resolved before rendering. */
  users?: Readonly<Record<string, string>>;
  /** The finding in Backline, linked from a shortened description. */
  findingUrl?: string;
}

/** Jira's limit for summary and single-line text fields. */
export const SHORT_TEXT_LIMIT = 255;
/** Jira's limit for one label. */
export const LABEL_LIMIT = 255;

const EMPTY: Conversion = { ok: true, value: undefined, empty: true };

function ok(value: unknown): Conversion {
  return { ok: true, value };
}
function fail(problem: string): Conversion {
  return { ok: false, problem };
}

export function rawText(value: SourceValue): string {
  return value.from === 'jira' ? value.label : String(value.value);
}

function nonEmpty(values: SourceValue[]): SourceValue[] {
  return values.filter((v) => v.from === 'jira' || (typeof v.value === 'string' ? v.value.trim() !== '' : true));
}

function allowedLabel(value: AllowedValue): string {
  return value.value ?? value.name ?? value.id ?? '';
}

function listAllowed(values: AllowedValue[] | undefined, limit = 8): string {
  const labels = (values ?? []).filter((v) => !v.disabled).map(allowedLabel).filter(Boolean);
  if (labels.length === 0) return '';
  const shown = labels.slice(0, limit).join(', ');
  return labels.length > limit ? ` (allowed: ${shown}, …)` : ` (allowed: ${shown})`;
}

/** Finds an allowed value by id, then by value/name ignoring case and surrounding spaces. */
export function matchAllowed(values: AllowedValue[] | undefined, wanted: string): AllowedValue | undefined {
  if (!values) return undefined;
  const active = values.filter((v) => !v.disabled);
  const byId = active.find((v) => v.id === wanted);
  if (byId) return byId;
  const needle = wanted.trim().toLowerCase();
  return active.find((v) => (v.value ?? v.name ?? '').trim().toLowerCase() === needle);
}

/** One Jira reference (`{id}`) for an option-like value, or a problem. */
function reference(field: CreateMetaField, value: SourceValue, nameKey: 'value' | 'name'): { ref: Record<string, string> } | { problem: string } {
  if (value.from === 'jira') {
    if (field.allowedValues && !matchAllowed(field.allowedValues, value.id)) {
      return { problem: `${field.name}: option ${value.label} no longer exists in Jira; choose another value${listAllowed(field.allowedValues)}` };
    }
    return { ref: { id: value.id } };
  }
  const wanted = String(value.value);
  if (!field.allowedValues) return { ref: { [nameKey]: wanted } }; // Jira did not list values (large fields): let Jira match by name.
  const match = matchAllowed(field.allowedValues, wanted);
  if (match?.id) return { ref: { id: match.id } };
  return { problem: `"${wanted}" is not an allowed value of ${field.name}: map it to one of the field's values with a value map${listAllowed(field.allowedValues)}` };
}

function singleLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').replace(/ {2,}/g, ' ').trim();
}

function cutShort(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const slice = text.slice(0, limit - 1);
  const lastSpace = slice.lastIndexOf(' ');
  return `${(lastSpace > limit * 0.6 ? slice.slice(0, lastSpace) : slice).trimEnd()}…`;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})/;

function toDate(value: SourceValue): string | undefined {
  const text = rawText(value).trim();
  const match = DATE.exec(text);
  if (!match) return undefined;
  const date = `${match[1]}-${match[2]}-${match[3]}`;
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date) ? date : undefined;
}

/** Jira's date-time request format: `2026-11-28T10:00:00.000+0000`. */
function toDateTime(value: SourceValue): string | undefined {
  const text = rawText(value).trim();
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : new Date(text);
  if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  return date.toISOString().replace('Z', '+0000');
}

function toNumber(value: SourceValue): number | undefined {
  if (value.from === 'raw' && typeof value.value === 'number') return Number.isFinite(value.value) ? value.value : undefined;
  const text = rawText(value).trim();
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  const number = Number(text);
  return Number.isFinite(number) ? number : undefined;
}

function toLabel(value: SourceValue): string {
  // Jira refuses labels with spaces.
  return rawText(value).trim().replace(/\s+/g, '-').slice(0, LABEL_LIMIT);
}

function toAccountId(field: CreateMetaField, value: SourceValue, context: ConvertContext): { accountId: string } | { problem: string } {
  if (value.from === 'jira') return { accountId: value.id };
  const text = String(value.value).trim();
  if (text.includes('@')) {
    const accountId = context.users?.[text.toLowerCase()];
    if (accountId) return { accountId };
    return { problem: `No Jira user with the email ${text} was found for ${field.name}: the user may not exist or hides their email; map ${field.name} to a user from Jira instead` };
  }
  return { accountId: text };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Converts the values of a field's sources. Multi-value kinds take every value;
 * text kinds join them; other single-value kinds use the first value.
 */
export function convertValues(field: CreateMetaField, kind: FieldKind, input: SourceValue[], context: ConvertContext = {}): Conversion {
  const values = nonEmpty(input);
  if (values.length === 0) return EMPTY;
  switch (kind) {
    case 'text':
    case 'url':
    case 'richText':
    case 'number':
    case 'date':
    case 'datetime':
    case 'labels':
      return convertPlain(field, kind, values, context);
    case 'option':
    case 'securityLevel':
    case 'priority':
    case 'version':
    case 'options':
    case 'components':
    case 'versions':
      return convertReferences(field, kind, values);
    case 'user':
    case 'users':
      return convertUsers(field, kind, values, context);
    case 'cascading':
      return convertCascading(field, values);
    case 'unsupported':
      return fail(`${field.name} is ${describeKind(kind)}: remove its mapping (and, if Jira requires it, give it a default value in Jira)`);
  }
}

/** Text, URLs, rich text, numbers, dates and labels: values Jira takes as they are once well-formed. */
function convertPlain(field: CreateMetaField, kind: 'text' | 'url' | 'richText' | 'number' | 'date' | 'datetime' | 'labels', values: SourceValue[], context: ConvertContext): Conversion {
  const first = values[0]!;
  switch (kind) {
    case 'text': {
      const text = singleLine(values.map(rawText).join(' '));
      return text ? ok(cutShort(text, SHORT_TEXT_LIMIT)) : EMPTY;
    }
    case 'url': {
      const text = rawText(first).trim();
      return isHttpUrl(text) ? ok(text) : fail(`"${cutShort(text, 80)}" is not an http or https URL, so it cannot go into ${field.name}: map a URL such as finding.url`);
    }
    case 'richText': {
      const markdown = values.map(rawText).join('\n\n');
      const doc = markdownToJiraAdf(markdown, context.findingUrl);
      return doc.content.length > 0 ? ok(doc) : EMPTY;
    }
    case 'number': {
      const number = toNumber(first);
      return number === undefined ? fail(`"${rawText(first)}" is not a number, so it cannot go into ${field.name}: map a numeric Backline field such as finding.cvssScore`) : ok(number);
    }
    case 'date': {
      const date = toDate(first);
      return date ? ok(date) : fail(`"${rawText(first)}" is not a date (YYYY-MM-DD), so it cannot go into ${field.name}: map a date such as finding.slaDueDate`);
    }
    case 'datetime': {
      const dateTime = toDateTime(first);
      return dateTime ? ok(dateTime) : fail(`"${rawText(first)}" is not a date-time, so it cannot go into ${field.name}: map a timestamp such as finding.firstSeenAt`);
    }
    case 'labels': {
      const labels = [...new Set(values.map(toLabel).filter((l) => l !== ''))];
      return labels.length > 0 ? ok(labels) : EMPTY;
    }
  }
}

/** Options, priorities, security levels, components and versions: references to what the field allows, by id. */
function convertReferences(field: CreateMetaField, kind: 'option' | 'securityLevel' | 'priority' | 'version' | 'options' | 'components' | 'versions', values: SourceValue[]): Conversion {
  const by = kind === 'option' || kind === 'options' ? 'value' : 'name';
  if (kind !== 'options' && kind !== 'components' && kind !== 'versions') {
    const ref = reference(field, values[0]!, by);
    return 'ref' in ref ? ok(ref.ref) : fail(ref.problem);
  }
  const refs: Array<Record<string, string>> = [];
  const seen = new Set<string>();
  for (const value of values) {
    const ref = reference(field, value, by);
    if ('problem' in ref) return fail(ref.problem);
    const key = JSON.stringify(ref.ref);
    if (!seen.has(key)) refs.push(ref.ref);
    seen.add(key);
  }
  return ok(refs);
}

function convertUsers(field: CreateMetaField, kind: 'user' | 'users', values: SourceValue[], context: ConvertContext): Conversion {
  if (kind === 'user') {
    const user = toAccountId(field, values[0]!, context);
    return 'accountId' in user ? ok({ accountId: user.accountId }) : fail(user.problem);
  }
  const users: Array<{ accountId: string }> = [];
  for (const value of values) {
    const user = toAccountId(field, value, context);
    if ('problem' in user) return fail(user.problem);
    if (!users.some((u) => u.accountId === user.accountId)) users.push({ accountId: user.accountId });
  }
  return ok(users);
}

/** Cascading select: `{ id, child: { id } }`, from Jira values (parent then child) or text "Parent/Child" or "Parent > Child". */
function convertCascading(field: CreateMetaField, values: SourceValue[]): Conversion {
  const parents = field.allowedValues ?? [];
  const jiraValues = values.filter((v): v is Extract<SourceValue, { from: 'jira' }> => v.from === 'jira');
  if (jiraValues.length > 0) {
    const parent = parents.find((p) => p.id === jiraValues[0]!.id);
    if (!parent?.id) return fail(`"${jiraValues[0]!.label}" is no longer an option of ${field.name} in Jira: choose another value${listAllowed(parents)}`);
    const childValue = jiraValues[1];
    if (!childValue) return ok({ id: parent.id });
    const child = (parent.children ?? []).find((c) => c.id === childValue.id);
    if (!child?.id) return fail(`"${childValue.label}" is no longer an option under "${allowedLabel(parent)}" in ${field.name}: choose another value`);
    return ok({ id: parent.id, child: { id: child.id } });
  }
  const text = rawText(values[0]!);
  const parts = text.includes(' > ') ? text.split(' > ') : text.split('/');
  const parentName = (parts[0] ?? '').trim();
  const childName = parts[1]?.trim() || undefined;
  const parent = matchAllowed(parents, parentName);
  if (!parent?.id) return fail(`"${parentName}" is not an option of ${field.name}: map it with a value map to one of${listAllowed(parents) || ' the field’s options'}`);
  if (!childName) return ok({ id: parent.id });
  const child = matchAllowed(parent.children, childName);
  if (!child?.id) return fail(`"${childName}" is not an option under "${allowedLabel(parent)}" in ${field.name}${listAllowed(parent.children)}`);
  return ok({ id: parent.id, child: { id: child.id } });
}
