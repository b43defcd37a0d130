/**
 * Request body validation: all-or-nothing, every problem listed by a path a
 * human can read (`events[0].data.finding.severity`), in words Backline's
 * developers can act on. The web trigger calls this only after the signature
 * verified and the JSON parsed.
 */
import type { z } from 'zod';
import type { ErrorDetail } from '../errors';
import { batchSchema, EVENT_TYPES, eventSchema, type BacklineEvent } from './schema';

/**
 * Deeper bodies are refused before zod sees them: V8's JSON.parse accepts
 * arbitrarily deep nesting, but a recursive validator (and Forge KVS, whose
 * values may be at most 31 levels deep) would not. The deepest legal event is
 * about 6 levels; 64 leaves room for nested unknown finding properties.
 */
export const MAX_BODY_DEPTH = 64;

/** Enough detail to fix a body; a body with thousands of problems is answered with the count and the first ones. */
export const MAX_LISTED_PROBLEMS = 100;

export type ValidationResult = { ok: true; events: BacklineEvent[]; batch: boolean } | { ok: false; problemCount: number; details: ErrorDetail[] };

/** Nesting depth of a parsed JSON value (a scalar is 0), computed iteratively so a hostile body cannot blow the stack. Stops counting past `limit`. */
export function jsonDepth(value: unknown, limit = MAX_BODY_DEPTH): number {
  let max = 0;
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const next = stack.pop();
    if (next === undefined || next.value === null || typeof next.value !== 'object') continue;
    const depth = next.depth + 1;
    if (depth > max) max = depth;
    if (max > limit) return max;
    const children: unknown[] = Array.isArray(next.value) ? next.value : Object.values(next.value);
    for (const child of children) if (child !== null && typeof child === 'object') stack.push({ value: child, depth });
  }
  return max;
}

/** `['events', 0, 'data', 'finding', 'severity']` → `events[0].data.finding.severity`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const name = String(segment);
      out += /^[A-Za-z_$][\w$]*$/.test(name) ? (out ? `.${name}` : name) : `[${JSON.stringify(name)}]`;
    }
  }
  return out || '(root)';
}

function describeType(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  return typeof input;
}

const FORMAT_NAMES: Record<string, string> = {
  datetime: 'an RFC 3339 timestamp such as 2026-11-28T10:00:00Z',
  date: 'a date YYYY-MM-DD',
  email: 'an email address',
  url: 'an https URL',
};

/**
 * Messages for zod's issue codes, used unless the schema gave its own. Kept
 * short and specific: "required", "expected one of critical, high, …".
 */
const errorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'required' : `expected ${issue.expected}, received ${describeType(issue.input)}`;
    case 'invalid_value':
      if (issue.input === undefined) return `required: one of ${issue.values.map(String).join(', ')}`;
      return issue.values.length === 1 ? `expected ${String(issue.values[0])}` : `expected one of ${issue.values.map(String).join(', ')}`;
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return `expected at least ${min} character${min === 1 ? '' : 's'}`;
      if (issue.origin === 'array') return `expected at least ${min} item${min === 1 ? '' : 's'}`;
      return `expected a number ${issue.inclusive ? '>=' : '>'} ${min}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `expected at most ${max} characters`;
      if (issue.origin === 'array') return `expected at most ${max} items`;
      return `expected a number ${issue.inclusive ? '<=' : '<'} ${max}`;
    }
    case 'invalid_format':
      return `expected ${FORMAT_NAMES[issue.format] ?? issue.format}`;
    case 'invalid_union':
      // Only the discriminated union raises this here: `type` is not a known event type.
      if (issue.note === 'No matching discriminator') return unknownTypeMessage(issue.input);
      return undefined;
    default:
      return undefined;
  }
};

function unknownTypeMessage(event: unknown): string {
  const type = event !== null && typeof event === 'object' && 'type' in event ? event.type : undefined;
  if (type === undefined) return `required: one of ${EVENT_TYPES.join(', ')}`;
  if (typeof type !== 'string') return `expected a string, one of ${EVENT_TYPES.join(', ')}`;
  return `unknown event type "${type.slice(0, 64)}"; expected one of ${EVENT_TYPES.join(', ')}`;
}

/** One detail per distinct (path, message): two checks saying the same thing about one value are one problem. */
function toDetails(issues: ReadonlyArray<z.core.$ZodIssue>): ErrorDetail[] {
  const seen = new Set<string>();
  const details: ErrorDetail[] = [];
  for (const issue of issues) {
    const detail = { path: formatPath(issue.path), message: issue.message };
    const key = `${detail.path}\u0000${detail.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    details.push(detail);
  }
  return details;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Validates a parsed body: one event, or `{ "events": [...] }` (an object with
 * an `events` property is a batch). Answers the events in request order, or
 * every problem found.
 */
export function validateRequestBody(body: unknown): ValidationResult {
  if (jsonDepth(body) > MAX_BODY_DEPTH) {
    return { ok: false, problemCount: 1, details: [{ path: '(root)', message: `nested deeper than ${MAX_BODY_DEPTH} levels` }] };
  }
  if (!isObject(body)) {
    return {
      ok: false,
      problemCount: 1,
      details: [{ path: '(root)', message: `expected an object: one event or { "events": [...] }, received ${describeType(body)}` }],
    };
  }
  const batch = 'events' in body;
  const result = batch ? batchSchema.safeParse(body, { error: errorMap }) : eventSchema.safeParse(body, { error: errorMap });
  if (result.success) {
    return { ok: true, batch, events: 'events' in result.data ? result.data.events : [result.data] };
  }
  const details = toDetails(result.error.issues);
  return { ok: false, problemCount: details.length, details: details.slice(0, MAX_LISTED_PROBLEMS) };
}
