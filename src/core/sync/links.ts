/**
 * The link "finding id → Jira issue", kept in the `link` custom entity
 * (manifest.yml: indexes `issueId`, `remediationId`, `by-project`), keyed by
 * finding id. It also remembers what the sync already did to the issue
 * (fingerprints of written field values, comments and remote links per PR
 * state), which is what makes redelivered and overlapping events add nothing
 * twice without reading the issue back from Jira.
 *
 * The same essentials are written on the issue as the `backline` entity
 * property (indexed for JQL), so a lost store is rebuilt from Jira.
 */
import { z } from 'zod';
import type { KeyValueStore, StoreKeyRef, TransactionOperation } from '../ports';

export const LINK_ENTITY = 'link';
/** Present once the link store is known to be complete (fresh install, or recovered from Jira). */
export const LINKS_META_KEY = 'meta:links';

export const PR_STATES = ['open', 'merged', 'closed'] as const;
export type PrState = (typeof PR_STATES)[number];

const prSchema = z.object({
  url: z.string(),
  number: z.number().optional(),
  title: z.string().optional(),
  state: z.enum(PR_STATES),
  at: z.string(),
  linked: z.boolean(),
  commented: z.record(z.string(), z.boolean()),
});
export type LinkPullRequest = z.infer<typeof prSchema>;

const remediationSchema = z.object({
  id: z.string(),
  title: z.string().optional(),
  mode: z.string().optional(),
  url: z.string().optional(),
  /** remediation.resolved comment posted. */
  resolvedCommented: z.boolean().optional(),
  prs: z.array(prSchema),
});
export type LinkRemediation = z.infer<typeof remediationSchema>;

const memberSchema = z.object({
  title: z.string(),
  severity: z.string(),
  status: z.enum(['open', 'resolved']),
  reason: z.string().optional(),
  location: z.string().optional(),
  url: z.string().optional(),
  /** occurredAt (ms) of the newest event applied to this finding (an older one changes nothing). */
  at: z.number(),
});
export type GroupMember = z.infer<typeof memberSchema>;

/** A grouped issue's findings (docs/sync.md "Grouping"): the link is keyed by the group id then. */
export const groupSchema = z.object({
  mode: z.enum(['remediation', 'vulnerability']),
  /** What the findings share: the remediation id, or `<repository> <CVE or rule id>`. */
  key: z.string(),
  /** The remediation's title, or the CVE or rule id: the start of the issue's title. */
  label: z.string().optional(),
  members: z.record(z.string(), memberSchema),
  /** The worst member's finding (without its description): the fields the mapping reads. */
  representative: z.record(z.string(), z.unknown()),
});
export type Group = z.infer<typeof groupSchema>;

export const linkSchema = z.looseObject({
  findingId: z.string(),
  issueId: z.string(),
  issueKey: z.string(),
  projectKey: z.string(),
  issueTypeId: z.string(),
  statusId: z.string().optional(),
  /**
   * Present when Jira showed the issue in `statusId` without the app having put it there (a person
   * moved it): whether it was closed then. The app never moves such an issue backwards or out of a
   * person's choice (docs/sync.md, "People win"). Absent: the app put the issue in `statusId`.
   */
  statusByPerson: z.object({ closed: z.boolean() }).optional(),
  /** occurredAt (ms) of the newest event applied to this finding. */
  lastEventAt: z.number(),
  fieldFingerprints: z.record(z.string(), z.string()),
  /**
   * fill-if-empty fields the app never wrote and found filled in Jira (by a person): the
   * fingerprint of Backline's value at that time. Jira is asked again only when Backline's
   * value changes, so a steady finding costs no read.
   */
  fillSkipped: z.record(z.string(), z.string()).optional(),
  remediations: z.array(remediationSchema),
  resolved: z.object({ reason: z.string(), at: z.string() }).optional(),
  lastSyncAt: z.number(),
  lastError: z.object({ code: z.string(), message: z.string(), at: z.number() }).optional(),
  /** Indexed attributes (manifest.yml). */
  remediationId: z.string().optional(),
  updatedAt: z.number(),
  /** Snapshot for the issue panel (same shape as the `backline` issue property). */
  title: z.string().optional(),
  severity: z.string().optional(),
  findingUrl: z.string().optional(),
  /**
   * The finding part of the `backline` property as last written from a full finding, so events
   * that carry only the finding's id (PR events) rewrite the property without shrinking it, and
   * the next unchanged `finding.updated` finds the property unchanged (no Jira request).
   */
  findingSnapshot: z.record(z.string(), z.unknown()).optional(),
  /** Present when the issue stands for a group of findings: `findingId` is the group's id then. */
  group: groupSchema.optional(),
  /** Bumped by every transaction that stores the link under a claim (idempotency.ts `claimFinding`); absent: 0. */
  version: z.number().int().nonnegative().optional(),
});
export type Link = z.infer<typeof linkSchema>;

/** The Backline findings an issue stands for: the link's finding, or a group's members. */
export const findingIdsOf = (link: Link): string[] => (link.group ? Object.keys(link.group.members).sort() : [link.findingId]);

/** The store key of a finding's link, for batch reads (`KeyValueStore.getMany`). */
export const linkRef = (findingId: string): StoreKeyRef => ({ key: findingId, entity: LINK_ENTITY });
export const LINKS_META_REF: StoreKeyRef = { key: LINKS_META_KEY };

/** A stored link, or undefined when absent or unreadable (as `LinkStore.get`). */
export function parseLink(raw: unknown): Link | undefined {
  if (raw === undefined) return undefined;
  const parsed = linkSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

/** Whether the raw `meta:links` value marks the store complete (as `LinkStore.isComplete`). */
export function linksMetaComplete(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && 'complete' in raw && raw.complete === true;
}

/** Stores (or repairs) a link, as one operation of a transaction. */
export const linkSetOperation = (link: Link): TransactionOperation => ({ kind: 'set', entity: LINK_ENTITY, key: link.findingId, value: link });

export class LinkStore {
  constructor(private readonly store: KeyValueStore) {}

  async get(findingId: string): Promise<Link | undefined> {
    return parseLink(await this.store.entityGet<unknown>(LINK_ENTITY, findingId));
  }

  async byIssueId(issueId: string): Promise<Link | undefined> {
    const page = await this.store.entityQuery<unknown>(LINK_ENTITY, { index: 'issueId', range: { op: 'equalTo', value: issueId }, limit: 1 });
    const parsed = linkSchema.safeParse(page.items[0]?.value);
    return parsed.success ? parsed.data : undefined;
  }

  async isComplete(): Promise<boolean> {
    return linksMetaComplete(await this.store.get<unknown>(LINKS_META_KEY));
  }

  async markComplete(at: number): Promise<void> {
    await this.store.set(LINKS_META_KEY, { complete: true, at });
  }
}

/** The PR entry of a link (created when absent). */
export function prEntry(link: Link, remediation: { id: string; title?: string; mode?: string; url?: string }, pr: { url: string; number?: number; title?: string }, at: string): LinkPullRequest {
  let rem = link.remediations.find((r) => r.id === remediation.id);
  if (!rem) {
    rem = { id: remediation.id, prs: [] };
    link.remediations.push(rem);
  }
  if (remediation.title) rem.title = remediation.title;
  if (remediation.mode) rem.mode = remediation.mode;
  if (remediation.url) rem.url = remediation.url;
  let entry = rem.prs.find((p) => p.url === pr.url);
  if (!entry) {
    entry = { url: pr.url, state: 'open', at, linked: false, commented: {} };
    rem.prs.push(entry);
  }
  if (pr.number !== undefined) entry.number = pr.number;
  if (pr.title) entry.title = pr.title;
  return entry;
}

/** Every PR of the link, newest first. */
export function allPullRequests(link: Link): Array<LinkPullRequest & { remediationId: string }> {
  return link.remediations
    .flatMap((r) => r.prs.map((p) => ({ ...p, remediationId: r.id })))
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

/**
 * The `backline` issue entity property (≤ 32 KB; the indexed paths are declared
 * in manifest.yml `jira:entityProperty`). Same shape the issue panel reads.
 */
export function propertyValue(link: Link, finding?: Record<string, unknown>): Record<string, unknown> {
  const prs = allPullRequests(link).slice(0, 20);
  const latest = prs[0];
  const latestRemediation = link.remediationId ? link.remediations.find((r) => r.id === link.remediationId) : undefined;
  const snapshot: Record<string, unknown> = { id: link.findingId };
  if (finding) {
    for (const key of ['title', 'severity', 'status', 'cvssScore', 'cvssVector', 'cveIds', 'cweIds', 'package', 'repository', 'location', 'slaDueDate', 'url'] as const) {
      if (finding[key] !== undefined) snapshot[key] = finding[key];
    }
  } else if (link.findingSnapshot) {
    Object.assign(snapshot, link.findingSnapshot, { id: link.findingId });
  } else {
    if (link.title) snapshot.title = link.title;
    if (link.severity) snapshot.severity = link.severity;
    if (link.findingUrl) snapshot.url = link.findingUrl;
  }
  const value: Record<string, unknown> = {
    v: 1,
    findingId: link.findingId,
    // Indexed (manifest.yml): every finding of a grouped issue is found by JQL.
    ...(link.group ? { findingIds: findingIdsOf(link) } : {}),
    finding: snapshot,
    ...(link.severity ? { severity: link.severity } : {}),
    ...(link.title ? { title: link.title } : {}),
    ...(link.findingUrl ? { findingUrl: link.findingUrl } : {}),
    ...(link.remediationId ? { remediationId: link.remediationId } : {}),
    ...(latestRemediation ? { remediation: { id: latestRemediation.id, ...(latestRemediation.title ? { title: latestRemediation.title } : {}), ...(latestRemediation.mode ? { mode: latestRemediation.mode } : {}), ...(latestRemediation.url ? { url: latestRemediation.url } : {}) } } : {}),
    ...(latest ? { prState: latest.state, prUrl: latest.url } : {}),
    pullRequests: prs.map((p) => ({ url: p.url, state: p.state, at: p.at, ...(p.number !== undefined ? { number: p.number } : {}), ...(p.title ? { title: p.title } : {}) })),
    ...(link.resolved ? { resolvedReason: link.resolved.reason } : {}),
  };
  // A group's members: the group's link is rebuilt from the property when the store is lost (recovery.ts).
  if (link.group) value.group = { mode: link.group.mode, key: link.group.key, ...(link.group.label ? { label: link.group.label } : {}), members: link.group.members };
  // Keep well under Jira's 32 KB property limit even with long titles and large groups.
  if (JSON.stringify(value).length > 30_000) delete value.finding;
  if (link.group && JSON.stringify(value).length > 30_000) {
    value.group = { ...(value.group as object), members: Object.fromEntries(Object.entries(link.group.members).map(([id, m]) => [id, { title: m.title.slice(0, 60), severity: m.severity, status: m.status, at: m.at }])) };
  }
  // Still too large (hundreds of findings): the ids stay searchable; a lost store then rebuilds the table as events come.
  if (link.group && JSON.stringify(value).length > 30_000) value.group = { mode: link.group.mode, key: link.group.key, members: {} };
  return value;
}
