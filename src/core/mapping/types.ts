/**
 * The mapping's public types: what the sync engine passes in (the event's
 * finding, remediation and pull request) and what it gets back (the Jira
 * field values in Jira's request format, per field with its write policy,
 * and the problems that stopped a field from being written).
 */
import type { FindingRef, Finding, PullRequest, Remediation } from '../events/schema';
import type { ProjectConfig, WritePolicy } from '../config/model';
import type { CreateMeta } from '../jira/create-meta';

export type { CreateMeta, CreateMetaField, AllowedValue } from '../jira/create-meta';

/** What mapping paths (`finding.title`, `pullRequest.url`, …) and templates read. */
export interface MappingContext {
  finding: Finding | FindingRef;
  remediation?: Remediation;
  pullRequest?: PullRequest;
}

/** A field that could not be written, with a message that names the field and what to do. */
export interface MappingProblem {
  fieldId: string;
  fieldName: string;
  message: string;
}

export interface RenderedField {
  fieldId: string;
  fieldName: string;
  policy: WritePolicy;
  /** The value in Jira's request format; undefined = nothing to write (empty source, problem, or create-only on update). */
  value: unknown;
}

export interface RenderedFields {
  /** Jira field id → value in Jira's request format (only fields with a value). */
  fields: Record<string, unknown>;
  /** Every mapped field, in configuration order. */
  byField: RenderedField[];
  problems: MappingProblem[];
}

export interface RenderInput {
  config: ProjectConfig;
  meta: CreateMeta;
  context: MappingContext;
  /**
   * `create`: every mapped field, plus `project` and `issuetype`.
   * `update`: `sync` and `fill-if-empty` fields only (create-only fields have value undefined);
   * the caller decides from stored fingerprints which of them to send.
   */
  mode: 'create' | 'update';
  /**
   * Users already resolved by `UserDirectory.resolveFor` (lower-case email → accountId),
   * for user fields mapped from an email path (`finding.owner.email`). Rendering itself never calls Jira.
   */
  users?: Readonly<Record<string, string>>;
}
