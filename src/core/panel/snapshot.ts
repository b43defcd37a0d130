/**
 * Lenient reading of the finding snapshot the sync keeps about a linked issue
 * (the `backline` issue entity property written by src/core/sync/links.ts
 * `propertyValue`, and a `finding` snapshot on the stored link if it has one). Whatever part of the snapshot is valid is shown;
 * only `findingId` is required, so one odd value never blanks the panel.
 */
import { z } from 'zod';
import { findingSchema, pullRequestSchema, remediationSchema, severitySchema } from '../events/schema';
import type { PanelData, PanelPullRequest, PanelSyncError, PullRequestState } from '../../shared/contracts/panel';

const lenient = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

export const findingSnapshotSchema = z.object({
  id: lenient(z.string()),
  title: lenient(z.string()),
  severity: lenient(severitySchema),
  status: lenient(findingSchema.shape.status.unwrap()),
  cvssScore: lenient(z.number().min(0).max(10)),
  cvssVector: lenient(z.string()),
  cveIds: z.array(z.string()).catch([]).default([]),
  cweIds: z.array(z.string()).catch([]).default([]),
  package: lenient(z.object({ name: z.string(), ecosystem: z.string().optional(), version: z.string().optional(), fixedVersion: z.string().optional() })),
  repository: lenient(z.object({ name: z.string(), url: z.string().optional(), defaultBranch: z.string().optional() })),
  location: lenient(z.object({ path: z.string().optional(), line: z.number().int().optional(), component: z.string().optional() })),
  slaDueDate: lenient(z.string()),
  url: lenient(z.string()),
});

const prStateSchema = z.enum(['open', 'merged', 'closed']);

const propertyPullRequestSchema = z.object({
  url: pullRequestSchema.shape.url,
  number: lenient(z.number().int()),
  title: lenient(z.string()),
  repository: lenient(z.string()),
  state: prStateSchema.catch('open'),
  at: lenient(z.string()),
  openedAt: lenient(z.string()),
  mergedAt: lenient(z.string()),
  closedAt: lenient(z.string()),
});

const syncErrorSchema = z.object({ code: lenient(z.string()), message: z.string(), at: lenient(z.union([z.string(), z.number()])) });

const propertyValueSchema = z.object({
  findingId: z.string().min(1),
  finding: lenient(findingSnapshotSchema),
  title: lenient(z.string()),
  findingUrl: lenient(z.string()),
  severity: lenient(severitySchema),
  remediationId: lenient(z.string()),
  remediation: lenient(remediationSchema.pick({ id: true, title: true, mode: true, url: true })),
  prState: lenient(prStateSchema),
  prUrl: lenient(z.string()),
  pullRequests: z.array(propertyPullRequestSchema.optional().catch(undefined)).catch([]).default([]),
  resolvedReason: lenient(z.string()),
  lastSyncedAt: lenient(z.union([z.string(), z.number()])),
  updatedAt: lenient(z.union([z.string(), z.number()])),
  lastError: lenient(syncErrorSchema),
});

/** A snapshot (issue property value or stored link) as panel data, or undefined when it does not name a finding. */
export function snapshotToPanelData(value: unknown, issue: { id: string; key: string }, source: PanelData['source']): PanelData | undefined {
  const parsed = propertyValueSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const v = parsed.data;
  const finding = v.finding ?? { id: v.findingId, cveIds: [], cweIds: [] };
  if (!finding.severity && v.severity) finding.severity = v.severity;
  if (!finding.title && v.title) finding.title = v.title;
  if (!finding.url && v.findingUrl) finding.url = v.findingUrl;
  // The sync writes `resolvedReason` while the finding stays resolved.
  if (v.resolvedReason && finding.status !== 'ignored') finding.status = 'resolved';
  const pullRequests: PanelPullRequest[] = v.pullRequests.flatMap((pr) => (pr ? [normalisePullRequest(pr)] : []));
  if (pullRequests.length === 0 && v.prState && v.prUrl) pullRequests.push({ url: v.prUrl, state: v.prState });
  const data: PanelData = {
    issue,
    finding: { ...stripUndefined(finding), id: v.findingId, ...(v.resolvedReason ? { resolvedReason: v.resolvedReason } : {}) },
    pullRequests,
    source,
  };
  if (v.remediation) data.remediation = stripUndefined(v.remediation);
  else if (v.remediationId) data.remediation = { id: v.remediationId };
  const syncedAt = toIso(v.lastSyncedAt ?? v.updatedAt);
  if (syncedAt) data.lastSyncedAt = syncedAt;
  if (v.lastError) data.lastSyncError = syncError(v.lastError);
  return data;
}

function normalisePullRequest(pr: z.infer<typeof propertyPullRequestSchema>): PanelPullRequest {
  const state: PullRequestState = pr.state;
  const at = pr.at ?? (state === 'merged' ? pr.mergedAt : state === 'closed' ? pr.closedAt : pr.openedAt);
  return stripUndefined({ url: pr.url, number: pr.number, title: pr.title, repository: pr.repository, state, at });
}

export function syncError(error: { code?: string | undefined; message: string; at?: string | number | undefined }): PanelSyncError {
  const at = toIso(error.at);
  return { message: error.message, ...(error.code ? { code: error.code } : {}), ...(at ? { at } : {}) };
}

/** Epoch milliseconds or an RFC 3339 string → RFC 3339; anything unparseable → undefined. */
export function toIso(value: string | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** Drops undefined properties, so optional fields stay absent (JSON over the bridge, strict equality in tests). */
export function stripUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
