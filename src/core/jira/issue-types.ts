/**
 * What the Jira client sends and answers, in the app's terms: issue inputs,
 * snapshots, transitions with their screen fields, remote links. Kept apart
 * from the client so the engine, the planner and the admin can share the
 * shapes without the request code.
 */
/** Atlassian Document Format node (validated by Jira; built by the app's renderers). */
export type AdfDocument = { type: 'doc'; version: 1; content: unknown[] };

/** The text of an ADF document (text nodes concatenated, blocks separated by newlines), to compare comments. */
export function adfPlainText(node: unknown): string {
  if (!node || typeof node !== 'object') return '';
  const record = node as { type?: unknown; text?: unknown; content?: unknown; attrs?: unknown };
  if (record.type === 'text' && typeof record.text === 'string') return record.text;
  if (!Array.isArray(record.content)) return '';
  const parts = record.content.map(adfPlainText);
  return record.type === 'doc' ? parts.join('\n').trim() : parts.join('');
}

export interface EntityPropertyInput {
  key: string;
  value: unknown;
}

export interface IssueInput {
  fields: Record<string, unknown>;
  update?: Record<string, unknown[]>;
  properties?: EntityPropertyInput[];
}

export interface IssueRefDetails {
  id: string;
  key: string;
}

export interface BulkCreateResult {
  /** One entry per input, in input order: the created issue or Jira's errors for that element. */
  results: Array<{ ok: true; issue: IssueRefDetails } | { ok: false; status: number; errorMessages: string[]; errors: Record<string, string> }>;
}

export interface IssueSnapshot {
  id: string;
  key: string;
  projectKey?: string;
  issueTypeId?: string;
  statusId?: string;
  statusName?: string;
  fields: Record<string, unknown>;
  properties: Record<string, unknown>;
}

export interface TransitionField {
  fieldId: string;
  name?: string;
  required: boolean;
  allowedValues?: Array<{ id?: string; name?: string; value?: string }>;
  hasDefaultValue?: boolean;
}

export interface TransitionInfo {
  id: string;
  name: string;
  toStatusId: string;
  toStatusName?: string;
  hasScreen: boolean;
  isAvailable: boolean;
  /** Available from every status of the workflow (Jira's `isGlobal`). */
  isGlobal: boolean;
  fields: TransitionField[];
}

/**
 * Where an issue is now, read in one request (`GET /issue/{key}?fields=status,resolution&expand=transitions`):
 * its status, whether it is closed, and the transitions out of that status (without screen fields: the
 * issue's `transitions` expand does not offer `transitions.fields`, OpenAPI `getIssue`).
 */
export interface IssueState {
  statusId: string;
  statusName?: string;
  /** A resolution is set, or the status is in Jira's `done` category. */
  closed: boolean;
  resolutionName?: string;
  transitions: TransitionInfo[];
}

export interface TransitionInput {
  transitionId: string;
  fields?: Record<string, unknown>;
  update?: Record<string, unknown[]>;
  properties?: EntityPropertyInput[];
}

export interface RemoteLinkInput {
  /** Upsert key (≤ 255 chars): the PR URL, so the same PR never gets a second link. */
  globalId: string;
  url: string;
  title: string;
  summary?: string;
  relationship?: string;
  resolved?: boolean;
  iconUrl?: string;
}

export interface SearchPage {
  issues: IssueSnapshot[];
  nextPageToken?: string;
}
