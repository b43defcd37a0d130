/**
 * Rendering a project's field mappings into the `fields` of a Jira create or
 * edit request. Pure: no Jira calls, no storage (users are resolved before,
 * see users.ts), so the sync engine, the preview and tests share it.
 */
import type { FieldMapping, FieldSource, ProjectConfig } from '../config/model';
import type { CreateMeta, CreateMetaField } from '../jira/create-meta';
import { convertValues, type SourceValue } from './convert';
import { fieldKind, MULTI_VALUE_KINDS } from './field-types';
import { getPath } from './paths';
import { renderTemplate } from './template';
import type { MappingContext, MappingProblem, RenderedField, RenderedFields, RenderInput } from './types';

/** Fields Jira fills itself or the app sets outside the mapping. */
const SET_BY_APP = new Set(['project', 'issuetype']);

function scalars(value: unknown): Array<string | number | boolean> {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string' || typeof value === 'boolean') return [value];
  if (typeof value === 'number') return Number.isFinite(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((item) => (Array.isArray(item) ? [] : scalars(item)));
  return []; // objects have no single value; map one of their properties instead
}

/** valueMap lookup: exact key, then key ignoring case. Unmapped values pass through (matched by name later). */
function mapValue(valueMap: Record<string, string> | undefined, value: string | number | boolean): string | number | boolean {
  if (!valueMap) return value;
  const key = String(value);
  if (Object.prototype.hasOwnProperty.call(valueMap, key)) return valueMap[key]!;
  const lower = key.toLowerCase();
  const found = Object.keys(valueMap).find((k) => k.toLowerCase() === lower);
  return found === undefined ? value : valueMap[found]!;
}

/** The values one source yields for the event. */
export function sourceValues(source: FieldSource, context: MappingContext, options: { joinLists?: boolean } = {}): SourceValue[] {
  switch (source.kind) {
    case 'jira':
      return source.values.map((v) => ({ from: 'jira', id: v.id, label: v.label }));
    case 'backline': {
      const values = scalars(getPath(context, source.path)).map((value) => mapValue(source.valueMap, value));
      // Text fields get a list as one value, comma-separated (CVE ids: "CVE-1, CVE-2").
      if (options.joinLists && values.length > 1) return [{ from: 'raw', value: values.map(String).join(', ') }];
      return values.map((value) => ({ from: 'raw', value }));
    }
    case 'manual':
      return (Array.isArray(source.value) ? source.value : [source.value]).map((value) => ({ from: 'raw', value }));
    case 'template': {
      const text = renderTemplate(source.template, context);
      return text.trim() ? [{ from: 'raw', value: text }] : [];
    }
  }
}

export function findingUrl(context: MappingContext): string | undefined {
  const url = getPath(context, 'finding.url');
  return typeof url === 'string' ? url : undefined;
}

function screenName(meta: CreateMeta, config: ProjectConfig): string {
  return `${meta.projectKey}/${config.issueTypeName || meta.issueTypeId}`;
}

/** Renders one mapping; the value is undefined when there is nothing to write. */
export function renderMapping(
  mapping: FieldMapping,
  field: CreateMetaField,
  context: MappingContext,
  users?: Readonly<Record<string, string>>,
): { value: unknown; problem?: string } {
  const kind = fieldKind(field);
  const joinLists = kind === 'text' || kind === 'richText' || kind === 'url';
  const url = findingUrl(context);
  const convertContext = { ...(users ? { users } : {}), ...(url ? { findingUrl: url } : {}) };
  if (MULTI_VALUE_KINDS.has(kind) || kind === 'text' || kind === 'richText' || kind === 'cascading') {
    // Multi-value and text kinds take every source's values.
    const conversion = convertValues(field, kind, mapping.sources.flatMap((source) => sourceValues(source, context, { joinLists })), convertContext);
    return conversion.ok ? { value: conversion.value } : { value: undefined, problem: conversion.problem };
  }
  // Any other field: the first source, in order, whose value converts (docs/mapping.md "Sources"):
  // `finding.owner.team` when it names an option, else the fallback behind it.
  let firstProblem: string | undefined;
  for (const source of mapping.sources) {
    const values = sourceValues(source, context, { joinLists });
    if (values.length === 0) continue;
    const conversion = convertValues(field, kind, values.slice(0, 1), convertContext);
    if (conversion.ok && conversion.value !== undefined) return { value: conversion.value };
    if (!conversion.ok) firstProblem ??= conversion.problem;
  }
  return firstProblem ? { value: undefined, problem: firstProblem } : { value: undefined };
}

export function renderIssueFields(input: RenderInput): RenderedFields {
  const { config, meta, context, mode, users } = input;
  const metaById = new Map(meta.fields.map((f) => [f.fieldId, f]));
  const fields: Record<string, unknown> = {};
  const byField: RenderedField[] = [];
  const problems: MappingProblem[] = [];
  const screen = screenName(meta, config);

  if (mode === 'create') {
    fields.project = { id: meta.projectId };
    fields.issuetype = { id: meta.issueTypeId };
  }

  for (const mapping of config.fields) {
    const base = { fieldId: mapping.fieldId, fieldName: metaById.get(mapping.fieldId)?.name ?? mapping.fieldName, policy: mapping.writePolicy };
    if (SET_BY_APP.has(mapping.fieldId)) continue;
    if (mode === 'update' && mapping.writePolicy === 'create-only') {
      byField.push({ ...base, value: undefined });
      continue;
    }
    const field = metaById.get(mapping.fieldId);
    if (!field) {
      problems.push({
        ...base,
        message: `${base.fieldName} is not on the create screen of ${screen} (or no longer exists): add it to the screen in Jira or remove its mapping`,
      });
      byField.push({ ...base, value: undefined });
      continue;
    }
    const rendered = renderMapping(mapping, field, context, users);
    if (rendered.problem) problems.push({ ...base, message: rendered.problem });
    byField.push({ ...base, value: rendered.value });
    if (rendered.value !== undefined) fields[mapping.fieldId] = rendered.value;
  }

  if (mode === 'create') {
    for (const field of meta.fields) {
      if (!field.required || SET_BY_APP.has(field.fieldId) || fields[field.fieldId] !== undefined) continue;
      if (field.hasDefaultValue) continue; // Jira fills it (reporter, default priority …)
      if (problems.some((p) => p.fieldId === field.fieldId)) {
        const existing = problems.find((p) => p.fieldId === field.fieldId)!;
        existing.message = `${existing.message} (${field.name} is required in ${screen}, so no issue can be created until this is fixed)`;
        continue;
      }
      const mapped = config.fields.some((m) => m.fieldId === field.fieldId);
      problems.push({
        fieldId: field.fieldId,
        fieldName: field.name,
        message: mapped
          ? `${field.name} is required in ${screen} but its mapping gave no value for this finding: add a fallback source (a value from Jira or a manual value)`
          : `${field.name} is required in ${screen}: map it to a value from Jira, a Backline field or a manual value`,
      });
    }
  }

  return { fields, byField, problems };
}
