/**
 * Which rendered field values an event writes, by each field's write policy:
 * on create everything rendered; on update only what changed since the app
 * last wrote it, never a create-only field, and a fill-if-empty field only
 * while it is the app's (written by it) or empty in Jira now. A person's value
 * is never overwritten (docs/mapping.md, write policies).
 */
import { adfPlainText } from '../jira/issue-types';
import { valueFingerprint } from '../mapping/fingerprint';
import type { RenderedFields } from '../mapping/types';
import type { Link } from './links';

/** The fields to send; records the fingerprints of what is sent (and of fill-if-empty values found taken) on `link`. */
export function fieldsToWrite(rendered: RenderedFields, link: Link, creating: boolean, jiraEmpty: Readonly<Record<string, boolean>> | undefined): Record<string, unknown> {
  if (creating) {
    for (const field of rendered.byField) if (field.value !== undefined) link.fieldFingerprints[field.fieldId] = valueFingerprint(field.value);
    return rendered.fields;
  }
  const fields: Record<string, unknown> = {};
  for (const field of rendered.byField) {
    if (field.value === undefined || field.policy === 'create-only') continue;
    const fingerprint = valueFingerprint(field.value);
    const previous = link.fieldFingerprints[field.fieldId];
    if (previous === fingerprint) continue;
    if (field.policy === 'fill-if-empty') {
      // Written by the app once: the field is the team's from then on.
      if (previous !== undefined || link.fillSkipped?.[field.fieldId] === fingerprint) continue;
      // Never written by the app: only when Jira says it is empty now (unknown = not written).
      const empty = jiraEmpty?.[field.fieldId];
      if (empty !== true) {
        if (empty === false) link.fillSkipped = { ...link.fillSkipped, [field.fieldId]: fingerprint };
        continue;
      }
      if (link.fillSkipped) delete link.fillSkipped[field.fieldId];
    }
    fields[field.fieldId] = field.value;
    link.fieldFingerprints[field.fieldId] = fingerprint;
  }
  return fields;
}

/**
 * The fill-if-empty fields whose value must be read from Jira before an update: a rendered
 * value the app never wrote (no fingerprint) and did not already find taken by a person for
 * this same value. Empty for a stale event or a create, and in the steady state.
 */
export function fillIfEmptyToCheck(rendered: RenderedFields, link: Link, stale: boolean): string[] {
  if (stale || !link.issueId) return [];
  return rendered.byField
    .filter((field) => field.policy === 'fill-if-empty' && field.value !== undefined && link.fieldFingerprints[field.fieldId] === undefined)
    .filter((field) => link.fillSkipped?.[field.fieldId] !== valueFingerprint(field.value))
    .map((field) => field.fieldId);
}

/** Whether a field value as Jira answers it (`GET /issue?fields=`) is empty: null, blank text, no items, an ADF document without text. */
export function isEmptyJiraValue(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object' && 'type' in value && value.type === 'doc') return adfPlainText(value).trim() === '';
  return false;
}

