/**
 * What the issue panel's resolver (`panel/get`) answers, shared by the core
 * service that builds it, the UI Kit panel and the local runtime's HTML box.
 * Types are derived from the schemas; the panel parses the answer with
 * `panelResultSchema` because it crossed the bridge as JSON.
 */
import { z } from 'zod';
import { severitySchema } from '../../core/events/schema';
import { RESOLVER_ERROR_CODES } from './envelope';

export const PANEL_RESOLVER_KEY = 'panel/get';

export const pullRequestStateSchema = z.enum(['open', 'merged', 'closed']);
export type PullRequestState = z.infer<typeof pullRequestStateSchema>;

export const panelPullRequestSchema = z.object({
  url: z.string(),
  number: z.number().optional(),
  title: z.string().optional(),
  repository: z.string().optional(),
  state: pullRequestStateSchema,
  /** RFC 3339: when the PR reached its current state (opened, merged or closed). */
  at: z.string().optional(),
});
export type PanelPullRequest = z.infer<typeof panelPullRequestSchema>;

export const panelFindingSchema = z.object({
  id: z.string(),
  title: z.string().optional(),
  severity: severitySchema.optional(),
  status: z.enum(['open', 'in_progress', 'resolved', 'ignored']).optional(),
  /** Why it was resolved (`finding.resolved` reason), when it was. */
  resolvedReason: z.string().optional(),
  cvssScore: z.number().optional(),
  cvssVector: z.string().optional(),
  cveIds: z.array(z.string()),
  cweIds: z.array(z.string()),
  package: z.object({ name: z.string(), ecosystem: z.string().optional(), version: z.string().optional(), fixedVersion: z.string().optional() }).optional(),
  repository: z.object({ name: z.string(), url: z.string().optional(), defaultBranch: z.string().optional() }).optional(),
  location: z.object({ path: z.string().optional(), line: z.number().optional(), component: z.string().optional() }).optional(),
  /** `YYYY-MM-DD` */
  slaDueDate: z.string().optional(),
  /** The finding in Backline (https). */
  url: z.string().optional(),
});
export type PanelFinding = z.infer<typeof panelFindingSchema>;

export const panelRemediationSchema = z.object({
  id: z.string(),
  title: z.string().optional(),
  mode: z.enum(['automated', 'hybrid']).optional(),
  url: z.string().optional(),
});
export type PanelRemediation = z.infer<typeof panelRemediationSchema>;

export const panelSyncErrorSchema = z.object({
  code: z.string().optional(),
  message: z.string(),
  /** RFC 3339 */
  at: z.string().optional(),
});
export type PanelSyncError = z.infer<typeof panelSyncErrorSchema>;

const issueSchema = z.object({ id: z.string(), key: z.string() });

/** A finding of a grouped issue (one issue per remediation or vulnerability: docs/sync.md "Grouping"). */
export const panelMemberSchema = z.object({
  findingId: z.string(),
  title: z.string(),
  severity: z.enum(['critical', 'high', 'medium', 'low', 'info']).optional(),
  status: z.enum(['open', 'resolved']),
  reason: z.string().optional(),
  location: z.string().optional(),
  url: z.string().optional(),
});
export type PanelMember = z.infer<typeof panelMemberSchema>;

export const panelDataSchema = z.object({
  issue: issueSchema,
  finding: panelFindingSchema,
  remediation: panelRemediationSchema.optional(),
  pullRequests: z.array(panelPullRequestSchema),
  /** Present on a grouped issue: its findings, worst open first. */
  members: z.array(panelMemberSchema).optional(),
  /** RFC 3339: when the app last applied an event to this issue. */
  lastSyncedAt: z.string().optional(),
  lastSyncError: panelSyncErrorSchema.optional(),
  /** Where the link came from: the app's store, or (fallback) the issue's `backline` entity property. */
  source: z.enum(['store', 'issue-property']),
});
export type PanelData = z.infer<typeof panelDataSchema>;

export const panelErrorSchema = z.object({
  code: z.enum(RESOLVER_ERROR_CODES),
  /** Shown to the user as is: says what happened and what to do. */
  message: z.string(),
});
export type PanelError = z.infer<typeof panelErrorSchema>;

/** `linked: false` = an issue the app does not manage (the panel says so in one line). */
export const panelPayloadSchema = z.discriminatedUnion('linked', [
  z.object({ linked: z.literal(true), data: panelDataSchema }),
  z.object({ linked: z.literal(false), issue: issueSchema }),
]);
export type PanelPayload = z.infer<typeof panelPayloadSchema>;

/** Same envelope as the admin resolvers (`./envelope.ts` `ResolverResult`). */
export const panelResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: panelPayloadSchema }),
  z.object({ ok: z.literal(false), error: panelErrorSchema }),
]);
export type PanelResult = z.infer<typeof panelResultSchema>;
