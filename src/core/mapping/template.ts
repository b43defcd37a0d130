/**
 * `{{path}}` templates (`[{{finding.severity}}] {{finding.title}}`). Only path
 * lookups: no expressions, helpers or code, so an admin's template cannot do
 * anything but read the event. Missing paths render as empty text; arrays are
 * joined with ", "; objects render as empty text (they have no single text form).
 */
import { getPath } from './paths';

const PLACEHOLDER = /\{\{\s*([A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z0-9_$]+)*)\s*\}\}/g;

/** Placeholders used by a template (for validation and the editor). */
export function templatePaths(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
}

/** Text form of a scalar or a list of scalars; anything else is empty. */
export function scalarText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(scalarText).filter((s) => s !== '').join(', ');
  return '';
}

export function renderTemplate(template: string, context: unknown): string {
  return template.replace(PLACEHOLDER, (_match, path: string) => scalarText(getPath(context, path)));
}
