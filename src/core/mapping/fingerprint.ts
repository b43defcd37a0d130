import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal values always serialise the same way. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

/**
 * A stable short hash of a field value (sha1 of canonical JSON, first 12 hex).
 * The sync engine stores the fingerprint of what it last wrote per field, so
 * it can tell "Backline's value changed" without reading the issue back (a
 * Jira read costs points; docs/platform-limits.md "Jira REST rate limits").
 */
export function valueFingerprint(value: unknown): string {
  return createHash('sha1').update(canonicalJson(value)).digest('hex').slice(0, 12);
}
