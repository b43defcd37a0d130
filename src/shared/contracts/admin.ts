/**
 * The contract between the admin UI's Connection, Projects, editor and Routing
 * parts (static/admin) and their resolvers (src/forge/entry/resolver.ts):
 * every resolver key, its payload schema, its result type and who may call it.
 * The envelope is ./envelope.ts. Both sides import this file; nothing is
 * copied. The UI imports it with `import type` only (plus the key list), so zod
 * stays out of the first-load bundle.
 *
 * Payloads are validated on the server with these schemas (a browser can send
 * anything to a resolver). Project keys in payloads are only a claim: the
 * resolver verifies, as the calling user, that they administer that project.
 */
import { z } from 'zod';
import {
  globalSettingsSchema,
  projectConfigSchema,
  type GlobalSettings,
  type ProjectConfig,
} from '../../core/config/model';
import { findingSchema } from '../../core/events/schema';

export type { ResolverError, ResolverErrorCode, ResolverErrorDetail, ResolverResult } from './envelope';

// ---------------------------------------------------------------------------
// Shared shapes

const projectKeySchema = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected a Jira project key such as SEC');
const idString = z.string().min(1).max(100);

/** A problem with a mapping, placed at the control that can fix it. */
export interface MappingProblem {
  /**
   * `project`, `issueType`, `fields.<fieldId>`, `statuses.<stage>`,
   * `resolutions.<reason>`, `priority.<severity>` …
   */
  path: string;
  message: string;
  severity: 'error' | 'warning';
}

export interface JiraProjectSummary {
  id: string;
  key: string;
  name: string;
}

export interface JiraIssueTypeSummary {
  id: string;
  name: string;
}

/** One field of the create screen of a project + issue type, as the editor needs it. */
export interface CreateField {
  fieldId: string;
  name: string;
  required: boolean;
  /** Jira's `hasDefaultValue`: a required field with a default needs no mapping. */
  hasDefaultValue: boolean;
  schema: { type: string; items?: string; system?: string; custom?: string };
  /** For select-like fields (options, priority, components…). */
  allowedValues?: Array<{ id: string; label: string }>;
}

export interface JiraStatusSummary {
  id: string;
  name: string;
  category: 'new' | 'indeterminate' | 'done' | 'unknown';
}

/** A person for a user picker; the configuration stores only the accountId. */
export interface JiraUserSummary {
  accountId: string;
  displayName: string;
  /** Absent when the user's privacy settings hide it. */
  email?: string;
}

export interface JiraNamed {
  id: string;
  name: string;
}

export interface ProjectListItem {
  projectKey: string;
  projectName: string;
  issueTypeName: string;
  enabled: boolean;
  /** `valid` = saves and creates issues today; `needs-attention` = Jira changed under it. */
  status: 'valid' | 'needs-attention';
  problems: MappingProblem[];
  updatedAt?: string;
  updatedBy?: string;
}

export interface LastEventSummary {
  at: string;
  eventId?: string;
  type?: string;
  /** e.g. `created`, `failed`, `unauthorized`. */
  outcome: string;
  message?: string;
}

export interface ConnectionInfo {
  webTriggerUrl: string;
  secret: {
    configured: boolean;
    createdAt?: string;
    /** While a rotation overlap runs: until when the previous secret is still accepted. */
    previousValidUntil?: string;
  };
  lastEvent: LastEventSummary | null;
  /**
   * While Jira says the hour's points are nearly spent (docs/performance.md "Under pressure"): when
   * they reset, and how many events wait in the queue (`more`: over 1,000).
   */
  pressure?: { resetAt: string; waiting: number; more: boolean };
}

export interface PreviewField {
  fieldId: string;
  name: string;
  /** The value as Jira would receive it (ADF reduced to text for display). */
  display: string;
  /** The JSON Jira would receive. */
  value: unknown;
}

export interface IssuePreview {
  fields: PreviewField[];
  problems: MappingProblem[];
}

export interface RoutingTestResult {
  projectKey: string | null;
  /** The matching rule, absent when the default project (or finding.jira.projectKey) decided. */
  ruleId: string | null;
  ruleName?: string;
  /** Human explanation: which rule matched, or why none did. */
  explanation: string;
}

/** What the admin page may show the caller (never a grant: every other resolver checks again). */
export interface CallerAccess {
  jiraAdmin: boolean;
  /** For someone who is not a Jira administrator: the projects whose settings they administer. */
  administeredProjects: JiraProjectSummary[];
}

export interface SecretRotation {
  /** Shown once; the server keeps only the stored secret. */
  secret: string;
  createdAt: string;
  /** Until when the previous secret is still accepted (24 h overlap); absent on first generation. */
  previousValidUntil?: string;
}

// ---------------------------------------------------------------------------
// Payload schemas

const empty = z.object({}).strict();
const projectRef = z.object({ projectKey: projectKeySchema }).strict();

export const payloadSchemas = {
  'connection/get': empty,
  'secret/rotate': empty,
  /**
   * Every connected mapping checked against Jira. `refresh`: re-read each
   * create screen from Jira instead of the cached one (the page does on open
   * and on "Check now": a removed option shows before a finding fails).
   */
  'projects/list': z.object({ refresh: z.boolean().optional() }).strict(),
  'projects/get': projectRef,
  /**
   * `create: true` (Add project, or a project not connected yet): refused with
   * CONFLICT when the project is already connected, so adding never replaces
   * an existing mapping.
   */
  'projects/save': z.object({ config: projectConfigSchema, create: z.boolean().optional() }).strict(),
  'projects/delete': projectRef,
  'jira/projects': z.object({ query: z.string().max(200).optional() }).strict(),
  'jira/issueTypes': projectRef,
  'jira/fields': z.object({ projectKey: projectKeySchema, issueTypeId: idString }).strict(),
  'jira/statuses': z.object({ projectKey: projectKeySchema, issueTypeId: idString }).strict(),
  'jira/priorities': projectRef,
  'jira/resolutions': projectRef,
  /**
   * People for a user field's manual value. `assignable` (the assignee field):
   * only users Jira lets be assigned issues in the project. `accountId` instead
   * of `query`: the name of a stored account id.
   */
  'jira/users': z
    .object({
      projectKey: projectKeySchema,
      query: z.string().max(100).optional(),
      accountId: z.string().regex(/^[A-Za-z0-9:_-]{1,128}$/, 'expected an Atlassian account id').optional(),
      assignable: z.boolean().optional(),
    })
    .strict(),
  'mapping/preview': z.object({ config: projectConfigSchema, finding: findingSchema.optional() }).strict(),
  'routing/get': empty,
  'routing/save': z.object({ settings: globalSettingsSchema }).strict(),
  /** `settings`: the rules as edited and not yet saved (the tester tests what the admin sees); absent = the saved ones. */
  'routing/test': z.object({ finding: findingSchema, settings: globalSettingsSchema.optional() }).strict(),
  /** Who the caller is to Backline: a Jira administrator, or the projects they administer (asked as the user). */
  'access/me': empty,
} as const;

export type ResolverKey = keyof typeof payloadSchemas;
export const RESOLVER_KEYS = Object.keys(payloadSchemas) as ResolverKey[];

/** What the UI sends (schema input: defaults may be omitted). */
export type PayloadOf<K extends ResolverKey> = z.input<(typeof payloadSchemas)[K]>;
/** What the resolver works with after validation. */
export type ParsedPayloadOf<K extends ResolverKey> = z.output<(typeof payloadSchemas)[K]>;

export interface ResultTypes {
  'connection/get': ConnectionInfo;
  'secret/rotate': SecretRotation;
  'projects/list': ProjectListItem[];
  /** `project` as Jira knows it now (id and name for a project not connected yet). */
  'projects/get': { config: ProjectConfig | null; project: JiraProjectSummary };
  'projects/save': { config: ProjectConfig };
  'projects/delete': { projectKey: string; message: string };
  'jira/projects': JiraProjectSummary[];
  'jira/issueTypes': JiraIssueTypeSummary[];
  'jira/fields': CreateField[];
  'jira/statuses': JiraStatusSummary[];
  'jira/priorities': JiraNamed[];
  'jira/resolutions': JiraNamed[];
  'jira/users': JiraUserSummary[];
  'mapping/preview': IssuePreview;
  'routing/get': { settings: GlobalSettings; connectedProjects: string[] };
  'routing/save': { settings: GlobalSettings };
  'routing/test': RoutingTestResult;
  'access/me': CallerAccess;
}

export type ResultOf<K extends ResolverKey> = ResultTypes[K];

/**
 * Who may call what. `global` = Jira administrators only; `project` = Jira
 * administrators and administrators of the payload's project (verified as the
 * user, never taken from the extension context); `self` = any signed-in user,
 * and the service reads Jira only as that user, never as the app.
 */
export type ResolverScope = 'global' | 'project' | 'self';

export const RESOLVER_SCOPES: Record<ResolverKey, ResolverScope> = {
  'connection/get': 'global',
  'secret/rotate': 'global',
  'projects/list': 'global',
  'projects/get': 'project',
  'projects/save': 'project',
  'projects/delete': 'project',
  'jira/projects': 'global',
  'jira/issueTypes': 'project',
  'jira/fields': 'project',
  'jira/statuses': 'project',
  'jira/priorities': 'project',
  'jira/resolutions': 'project',
  'jira/users': 'project',
  'mapping/preview': 'project',
  'routing/get': 'global',
  'routing/save': 'global',
  'routing/test': 'global',
  'access/me': 'self',
};

export type { GlobalSettings, ProjectConfig };
