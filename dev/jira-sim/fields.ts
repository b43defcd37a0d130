/**
 * Field values: validation of what a client sends (as Jira validates it against
 * the field's schema), the stored form, the REST form, and the create/edit/
 * transition metadata entries. Error messages are Jira's where known.
 */
import { adfTextLength, validateAdf } from './adf';
import type { Repr } from './repr';
import type { SimStore } from './store';
import { jiraTime } from './store';
import type { AdfDoc, ScreenField, SimField, SimOption, SimProject } from './types';
import { isObject, str } from './util';

export const NOT_ON_SCREEN = (fieldId: string): string => `Field '${fieldId}' cannot be set. It is not on the appropriate screen, or unknown.`;

/** Jira's rich-text limit (description, multi-line text fields, comments). */
export const MAX_RICH_TEXT = 32767;
const MAX_SHORT_TEXT = 255;

export interface FieldContext {
  store: SimStore;
  repr: Repr;
  project: SimProject;
}

export type Normalized = { ok: true; value: unknown } | { ok: false; error: string };

const ok = (value: unknown): Normalized => ({ ok: true, value });
const fail = (error: string): Normalized => ({ ok: false, error });

/** `{id}` or `{name}` / `{value}` reference to a named thing; ids may come as numbers. */
function refOf(v: unknown, nameKey: 'name' | 'value'): { id?: string; name?: string } | null {
  if (!isObject(v)) return null;
  if (typeof v.id === 'string' || typeof v.id === 'number') return { id: String(v.id) };
  if (typeof v[nameKey] === 'string') return { name: v[nameKey] };
  return null;
}

function findOption(options: SimOption[], ref: { id?: string; name?: string }): SimOption | undefined {
  return options.find((o) => !o.disabled && (ref.id !== undefined ? o.id === ref.id : o.value === ref.name));
}

function optionError(ref: { id?: string; name?: string }): string {
  return ref.id !== undefined ? `Option id '${ref.id}' is not valid` : `Option value '${ref.name}' is not valid`;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function validDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Jira accepts `2026-11-28T10:00:00.000+0000`, `+01:00` offsets and `Z`. */
function parseDateTime(s: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/.test(s)) return null;
  const normal = s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const t = Date.parse(normal);
  return Number.isNaN(t) ? null : t;
}

/**
 * Converts a value sent by a client into the stored form, or answers Jira's
 * error message. `null` clears optional fields (required-ness is checked by
 * the caller, who knows whether this is a create, edit or transition).
 */
export function normalizeValue(field: SimField, value: unknown, ctx: FieldContext): Normalized {
  if (value === null) return ok(null);
  const { store, project } = ctx;
  switch (field.kind) {
    case 'summary': {
      if (typeof value !== 'string') return fail('Operation value must be a string');
      if (value.trim() === '') return fail('You must specify a summary of the issue.');
      if (value.length > MAX_SHORT_TEXT) return fail('Summary must be less than 255 characters.');
      if (/[\r\n]/.test(value)) return fail('Summary must be a single line.');
      return ok(value);
    }
    case 'text': {
      if (typeof value !== 'string') return fail('Operation value must be a string');
      if (value.length > MAX_SHORT_TEXT) return fail(`The entered text is too long. It exceeds the allowed limit of ${MAX_SHORT_TEXT} characters.`);
      return ok(value);
    }
    case 'adf': {
      const problem = validateAdf(value);
      if (problem) return fail(problem);
      if (adfTextLength(value as AdfDoc) > MAX_RICH_TEXT) return fail('The entered text is too long. It exceeds the allowed limit of 32,767 characters.');
      return ok(value);
    }
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? ok(value) : fail('Operation value must be a number');
    case 'date':
      return typeof value === 'string' && validDate(value) ? ok(value) : fail(`Error parsing date string: ${str(value)}`);
    case 'datetime': {
      const t = typeof value === 'string' ? parseDateTime(value) : null;
      return t === null ? fail(`Error parsing time: ${str(value)}`) : ok(t);
    }
    case 'priority': {
      const ref = refOf(value, 'name');
      if (!ref) return fail('Specify the Priority (id or name) in the string format');
      const p = store.data.priorities.find((x) => (ref.id !== undefined ? x.id === ref.id : x.name === ref.name));
      return p ? ok(p.id) : fail("Specify a valid 'id' or 'name' for Priority");
    }
    case 'resolution': {
      const ref = refOf(value, 'name');
      if (!ref) return fail('Specify the Resolution (id or name) in the string format');
      const r = store.data.resolutions.find((x) => (ref.id !== undefined ? x.id === ref.id : x.name === ref.name));
      if (!r) return fail(ref.id !== undefined ? `Resolution with id '${ref.id}' does not exist.` : `Resolution with name '${ref.name}' does not exist.`);
      return ok(r.id);
    }
    case 'labels': {
      if (!Array.isArray(value)) return fail('Operation value must be an array');
      for (const label of value) {
        const problem = labelProblem(label);
        if (problem) return fail(problem);
      }
      return ok([...new Set(value as string[])]);
    }
    case 'components':
    case 'versions': {
      if (!Array.isArray(value)) return fail('Operation value must be an array');
      const ids: string[] = [];
      for (const item of value) {
        const r = projectItem(field.kind, item, project);
        if (!r.ok) return r;
        ids.push(r.value as string);
      }
      return ok([...new Set(ids)]);
    }
    case 'option': {
      const ref = refOf(value, 'value');
      if (!ref) return fail(`Specify a valid 'id' or 'value' for ${field.name}`);
      const o = findOption(field.options ?? [], ref);
      return o ? ok(o.id) : fail(optionError(ref));
    }
    case 'options': {
      if (!Array.isArray(value)) return fail('Operation value must be an array');
      const ids: string[] = [];
      for (const item of value) {
        const r = normalizeValue({ ...field, kind: 'option' }, item, ctx);
        if (!r.ok) return r;
        ids.push(r.value as string);
      }
      return ok([...new Set(ids)]);
    }
    case 'cascading': {
      const ref = refOf(value, 'value');
      if (!ref) return fail(`Specify a valid 'id' or 'value' for ${field.name}`);
      const parent = findOption(field.options ?? [], ref);
      if (!parent) return fail(optionError(ref));
      const childRaw = isObject(value) ? value.child : undefined;
      if (childRaw === undefined || childRaw === null) return ok({ parent: parent.id });
      const childRef = refOf(childRaw, 'value');
      const child = childRef ? findOption(parent.children ?? [], childRef) : undefined;
      if (!childRef || !child) return fail(childRef ? `${optionError(childRef)} for the parent option '${parent.value}'` : `Specify a valid 'id' or 'value' for the child of ${field.name}`);
      return ok({ parent: parent.id, child: child.id });
    }
    case 'user': {
      if (!isObject(value) || typeof value.accountId !== 'string') return fail('Specify the user by accountId, e.g. {"accountId": "…"}');
      const user = store.user(value.accountId);
      if (!user || !user.active) return fail(`Specified user does not exist or you do not have required permissions`);
      if (field.id === 'assignee' && !store.hasProjectPermission(user, project, 'ASSIGNABLE_USER')) return fail(`User '${user.displayName}' cannot be assigned issues.`);
      return ok(user.accountId);
    }
    case 'project':
    case 'issuetype':
      // Handled by the create handler (they pick the configuration); here only the shape.
      return ok(value);
  }
}

function labelProblem(label: unknown): string | null {
  if (typeof label !== 'string' || label.length === 0) return 'Labels must be non-empty strings.';
  if (/\s/.test(label)) return `The label '${label}' contains spaces which is invalid.`;
  if (label.length > MAX_SHORT_TEXT) return `The label '${label.slice(0, 20)}…' is longer than ${MAX_SHORT_TEXT} characters.`;
  return null;
}

function projectItem(kind: 'components' | 'versions', item: unknown, project: SimProject): Normalized {
  const noun = kind === 'components' ? 'Component' : 'Version';
  const list = kind === 'components' ? project.components : project.versions;
  const ref = refOf(item, 'name');
  if (!ref) return fail(`Specify a valid 'id' or 'name' for the ${noun.toLowerCase()}.`);
  const found = list.find((c) => (ref.id !== undefined ? c.id === ref.id : c.name === ref.name));
  if (!found) return fail(ref.id !== undefined ? `${noun} with id '${ref.id}' does not exist.` : `${noun} name '${ref.name}' is not valid`);
  return ok(found.id);
}

/** Operations a field supports in `update` (and that create metadata advertises). */
export function operationsOf(field: SimField): string[] {
  switch (field.kind) {
    case 'labels':
    case 'components':
    case 'versions':
    case 'options':
      return ['add', 'set', 'remove'];
    case 'project':
    case 'issuetype':
      return field.kind === 'issuetype' ? [] : ['set'];
    default:
      return ['set'];
  }
}

/**
 * Applies one `update` operation (`add`/`remove`/`set`) to a stored value.
 * `add`/`remove` work on the array fields, as in Jira.
 */
export function applyOperation(field: SimField, current: unknown, op: string, arg: unknown, ctx: FieldContext): Normalized {
  if (op === 'set') return normalizeValue(field, arg, ctx);
  const arrayKinds = ['labels', 'components', 'versions', 'options'];
  if ((op !== 'add' && op !== 'remove') || !arrayKinds.includes(field.kind)) {
    return fail(`The operation '${op}' is not supported by the field '${field.id}'.`);
  }
  const one = normalizeValue(field, [arg], ctx);
  if (!one.ok) return one;
  const [item] = one.value as string[];
  const list = Array.isArray(current) ? (current as string[]) : [];
  return ok(op === 'add' ? [...new Set([...list, item])] : list.filter((x) => x !== item));
}

/** The REST form of a stored value. */
export function renderValue(field: SimField, stored: unknown, ctx: Omit<FieldContext, 'project'> & { project: SimProject }): unknown {
  if (stored === null || stored === undefined) {
    return ['labels', 'components', 'versions'].includes(field.kind) ? [] : null;
  }
  const { store, repr, project } = ctx;
  const customId = field.schema.customId ?? 0;
  const allOptions = (field.options ?? []).flatMap((o) => [o, ...(o.children ?? [])]);
  const optionRepr = (id: string): unknown => {
    const o = allOptions.find((x) => x.id === id);
    return o ? repr.option(customId, o) : { id };
  };
  switch (field.kind) {
    case 'datetime':
      return jiraTime(stored as number);
    case 'priority': {
      const p = store.data.priorities.find((x) => x.id === stored);
      return p ? repr.priority(p) : null;
    }
    case 'resolution': {
      const r = store.data.resolutions.find((x) => x.id === stored);
      return r ? repr.resolution(r) : null;
    }
    case 'components':
      return (stored as string[]).map((id) => project.components.find((c) => c.id === id)).filter((c) => c !== undefined).map((c) => repr.component(c));
    case 'versions':
      return (stored as string[]).map((id) => project.versions.find((c) => c.id === id)).filter((c) => c !== undefined).map((c) => repr.version(c));
    case 'option':
      return optionRepr(stored as string);
    case 'options':
      return (stored as string[]).map(optionRepr);
    case 'cascading': {
      const v = stored as { parent: string; child?: string };
      const parent = optionRepr(v.parent) as Record<string, unknown>;
      return v.child ? { ...parent, child: optionRepr(v.child) } : parent;
    }
    case 'user': {
      const u = store.user(stored as string);
      return u ? repr.userDetails(u) : null;
    }
    default:
      return stored;
  }
}

/** One field entry of create metadata / transition screen metadata. */
export function fieldMetadata(field: SimField, screenField: ScreenField, ctx: FieldContext & { issueTypeId: string }, withFieldId: boolean): Record<string, unknown> {
  const { store, repr, project } = ctx;
  const meta: Record<string, unknown> = {
    required: screenField.required ?? false,
    schema: field.schema,
    name: field.name,
    ...(withFieldId ? { fieldId: field.id } : {}),
    key: field.key,
  };
  let allowed: unknown[] | undefined;
  switch (field.kind) {
    case 'priority': allowed = store.data.priorities.map((p) => repr.priority(p)); break;
    case 'resolution': allowed = store.data.resolutions.map((r) => repr.resolution(r)); break;
    case 'components': allowed = project.components.map((c) => repr.component(c)); break;
    case 'versions': allowed = project.versions.map((v) => repr.version(v)); break;
    case 'option':
    case 'options': allowed = (field.options ?? []).filter((o) => !o.disabled).map((o) => repr.option(field.schema.customId ?? 0, o)); break;
    case 'cascading':
      allowed = (field.options ?? []).filter((o) => !o.disabled).map((o) => ({ ...repr.option(field.schema.customId ?? 0, o), children: (o.children ?? []).filter((c) => !c.disabled).map((c) => repr.option(field.schema.customId ?? 0, c)) }));
      break;
    case 'project': allowed = [repr.projectRef(project)]; break;
    case 'issuetype': {
      const t = store.issueType(ctx.issueTypeId);
      allowed = t ? [repr.issueType(t)] : [];
      break;
    }
    default: break;
  }
  if (field.kind === 'user') meta.autoCompleteUrl = `${repr.rest}/user/search?query=`;
  if (field.kind === 'labels') meta.autoCompleteUrl = `${repr.baseUrl}/rest/api/1.0/labels/suggest?query=`;
  const hasDefault = screenField.defaultValue !== undefined;
  meta.hasDefaultValue = hasDefault;
  meta.operations = operationsOf(field);
  if (allowed) meta.allowedValues = allowed;
  if (hasDefault && field.kind === 'priority') {
    const p = store.data.priorities.find((x) => x.id === screenField.defaultValue);
    if (p) meta.defaultValue = repr.priority(p);
  }
  return meta;
}
