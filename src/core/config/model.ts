/**
 * The configuration model: what an admin sets up per connected Jira project,
 * and the app-wide settings (routing). Validated with zod when read from and
 * written to storage, and stamped with `CONFIG_VERSION`: a stored value of any
 * other version fails validation with a clear message, never half-understood.
 */
import { z } from 'zod';
import { statusBackRulesSchema } from '../outbound/mapping-back';
import { type RESOLVE_REASONS, type SEVERITIES, categorySchema, resolveReasonSchema, severitySchema } from '../events/schema';

export const CONFIG_VERSION = 1;

/** A path into the event, e.g. `finding.title`, `finding.package.fixedVersion`, `pullRequest.url`. */
export const backlinePathSchema = z
  .string()
  .regex(/^(finding|remediation|pullRequest)(\.[A-Za-z_$][A-Za-z0-9_$]*)+$/, 'expected a path such as finding.title');

/** A value chosen from a Jira field's `allowedValues` (stored with both id and label for display). */
export const jiraValueSchema = z.object({ id: z.string().min(1), label: z.string() });
export type JiraValue = z.infer<typeof jiraValueSchema>;

export const fieldSourceSchema = z.discriminatedUnion('kind', [
  /** One or more values picked from the field's allowedValues in Jira (multi-select fields: several). */
  z.object({ kind: z.literal('jira'), values: z.array(jiraValueSchema).min(1) }),
  /**
   * A Backline field by path. `valueMap` translates Backline values to Jira values
   * (e.g. severity → priority name); unmapped values fall back to matching the
   * field's allowed values by name, ignoring case.
   */
  z.object({
    kind: z.literal('backline'),
    path: backlinePathSchema,
    valueMap: z.record(z.string(), z.string()).optional(),
  }),
  /** A fixed value typed by the admin (string, number, or a list for multi-value fields). */
  z.object({ kind: z.literal('manual'), value: z.union([z.string(), z.number(), z.array(z.string())]) }),
  /** A template with `{{path}}` placeholders, e.g. `[{{finding.severity}}] {{finding.title}}`. */
  z.object({ kind: z.literal('template'), template: z.string().min(1).max(10_000) }),
]);
export type FieldSource = z.infer<typeof fieldSourceSchema>;

/**
 * When the app writes a field:
 * - `create-only`: only when it creates the issue; later edits in Jira are never touched.
 * - `sync`: whenever Backline's value changes (overwrites human edits of that field).
 * - `fill-if-empty`: on create, and later only while the field is empty in Jira.
 */
export const WRITE_POLICIES = ['create-only', 'sync', 'fill-if-empty'] as const;
export const writePolicySchema = z.enum(WRITE_POLICIES);
export type WritePolicy = z.infer<typeof writePolicySchema>;

export const fieldMappingSchema = z.object({
  /** Jira field id (`summary`, `priority`, `customfield_10010`). */
  fieldId: z.string().min(1),
  /** The field's name when saved, for messages if the field disappears from Jira. */
  fieldName: z.string(),
  /** Several sources are concatenated for multi-value fields (labels: `backline` + the category). */
  sources: z.array(fieldSourceSchema).min(1).max(10),
  writePolicy: writePolicySchema,
});
export type FieldMapping = z.infer<typeof fieldMappingSchema>;

/** A workflow status the issue should reach (id is authoritative; name is for display and messages). */
export const statusRefSchema = z.object({ id: z.string().min(1), name: z.string() });
export type StatusRef = z.infer<typeof statusRefSchema>;

export const LIFECYCLE_STAGES = ['prOpened', 'prMerged', 'prClosed', 'resolved', 'reopened'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export const projectConfigSchema = z.object({
  version: z.literal(CONFIG_VERSION),
  projectKey: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  projectId: z.string().min(1),
  projectName: z.string(),
  issueTypeId: z.string().min(1),
  issueTypeName: z.string(),
  enabled: z.boolean().default(true),
  fields: z.array(fieldMappingSchema),
  /** Target status per lifecycle stage; a stage without a target changes no status (comment only). */
  statuses: z.object({
    prOpened: statusRefSchema.optional(),
    prMerged: statusRefSchema.optional(),
    /** PR closed without merge: back to this status, only if the issue is still in the `prOpened` status. */
    prClosed: statusRefSchema.optional(),
    resolved: statusRefSchema.optional(),
    reopened: statusRefSchema.optional(),
  }),
  /** Resolution (by name, as Jira's transition screen takes it) per resolve reason. */
  resolutions: z.record(resolveReasonSchema, z.string().min(1)),
  /** Findings below this severity create no issue (result `skipped`). */
  minimumSeverity: severitySchema.default('info'),
  /** When a linked issue was deleted in Jira: re-create it (default) or fail with ISSUE_DELETED. */
  recreateDeletedIssues: z.boolean().default(true),
  /** Post a comment for each lifecycle step (PR opened, merged, …). */
  commentOnLifecycle: z.boolean().default(true),
  /**
   * Show the project's findings in Jira's Security tab (vulnerabilities) and the remediation PRs
   * in the development panel of its issues (docs/security-tab.md). Absent = on: where the site has
   * no Jira Software, Jira refuses the first request and the app stops asking for a day.
   */
  showInSecurityTab: z.boolean().optional(),
  showInDevelopmentPanel: z.boolean().optional(),
  /** Mapping back: what a status and resolution set by people mean to Backline; absent = DEFAULT_STATUS_BACK. */
  statusBack: statusBackRulesSchema.optional(),
  /**
   * One issue per: each finding (absent, the default), each remediation (findings wait for the
   * remediation that names them), or each vulnerability per repository (a CVE, else a rule id).
   * Applies to findings that get their issue after the change (docs/sync.md "Grouping").
   */
  groupBy: z.enum(['finding', 'remediation', 'vulnerability']).optional(),
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
});
export type ProjectConfig = z.infer<typeof projectConfigSchema>;
export type GroupBy = NonNullable<ProjectConfig['groupBy']>;

export const routingRuleSchema = z.object({
  id: z.string().min(1).max(64),
  name: z.string().max(200),
  projectKey: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  enabled: z.boolean().default(true),
  match: z.object({
    /** Glob on `finding.repository.name`, e.g. `acme/payments-*`. */
    repository: z.string().max(500).optional(),
    categories: z.array(categorySchema).optional(),
    minimumSeverity: severitySchema.optional(),
    scanners: z.array(z.string().max(100)).optional(),
    /** Matches when the finding has any of these tags. */
    tags: z.array(z.string().max(200)).optional(),
  }),
});
export type RoutingRule = z.infer<typeof routingRuleSchema>;

export const globalSettingsSchema = z.object({
  version: z.literal(CONFIG_VERSION),
  /** Evaluated in order; the first enabled rule whose project is connected wins. */
  routingRules: z.array(routingRuleSchema).max(200),
  defaultProjectKey: z.string().optional(),
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
});
export type GlobalSettings = z.infer<typeof globalSettingsSchema>;

export const EMPTY_GLOBAL_SETTINGS: GlobalSettings = { version: CONFIG_VERSION, routingRules: [] };

export const DEFAULT_RESOLUTIONS: Record<(typeof RESOLVE_REASONS)[number], string> = {
  fixed: 'Fixed',
  not_detected: 'Fixed',
  false_positive: "Won't Fix",
  accepted_risk: "Won't Fix",
};

export const DEFAULT_SEVERITY_TO_PRIORITY: Record<(typeof SEVERITIES)[number], string> = {
  critical: 'Highest',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Lowest',
};
