/**
 * "What would the issue look like": the exact create request body the
 * configuration produces for a sample finding, and the problems. Writes
 * nothing and calls nothing; the admin page shows it next to the editor.
 */
import type { ProjectConfig } from '../config/model';
import type { CreateMeta } from '../jira/create-meta';
import { renderIssueFields } from './render';
import type { MappingContext, MappingProblem } from './types';

export interface IssuePreview {
  request: { fields: Record<string, unknown>; properties?: Array<{ key: string; value: unknown }> };
  problems: MappingProblem[];
}

export function previewIssue(
  config: ProjectConfig,
  meta: CreateMeta,
  context: MappingContext,
  options: { properties?: Array<{ key: string; value: unknown }>; users?: Readonly<Record<string, string>> } = {},
): IssuePreview {
  const rendered = renderIssueFields({ config, meta, context, mode: 'create', ...(options.users ? { users: options.users } : {}) });
  return {
    request: { fields: rendered.fields, ...(options.properties ? { properties: options.properties } : {}) },
    problems: rendered.problems,
  };
}
