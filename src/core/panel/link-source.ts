/**
 * The stored link of an issue (`LinkStore.byIssueId`, src/core/sync/links.ts:
 * the `link` custom entity, indexed by `issueId`) as panel data.
 *
 * The link keeps the sync state (remediations, PRs with their state and time,
 * resolution, last sync and last error) but only a few finding facts (title,
 * severity, Backline URL). The full finding snapshot (CVSS, CVE/CWE, package,
 * repository …) lives in the `backline` issue property; `findingDetails`
 * says whether the link carried it, so the service reads the property only
 * when it must (one Jira call as the app).
 */
import { allPullRequests, LinkStore, type Group, type Link } from '../sync/links';
import type { KeyValueStore } from '../ports';
import { findingSnapshotSchema, stripUndefined, syncError, toIso } from './snapshot';
import type { PanelData, PanelFinding, PanelMember, PanelPullRequest, PanelRemediation } from '../../shared/contracts/panel';
import { SEVERITY_RANK, severitySchema } from '../events/schema';

export interface StoredLink {
  data: PanelData;
  /** False when the link has no finding snapshot of its own (CVSS, ids, package … must come from the issue property). */
  findingDetails: boolean;
}

export async function readStoredLink(store: KeyValueStore, issue: { id: string; key: string }): Promise<StoredLink | undefined> {
  const link = await new LinkStore(store).byIssueId(issue.id);
  return link ? linkToPanelData(link, issue) : undefined;
}

export function linkToPanelData(link: Link, issue: { id: string; key: string }): StoredLink {
  // `link` is a loose object: a sync that stores a `finding` snapshot on it saves the panel a Jira call.
  const snapshot = findingSnapshotSchema.safeParse(link.finding);
  const severity = severitySchema.safeParse(link.severity);
  const finding: PanelFinding = snapshot.success ? { ...stripUndefined(snapshot.data), id: link.findingId } : { id: link.findingId, cveIds: [], cweIds: [] };
  if (!finding.title && link.title) finding.title = link.title;
  if (!finding.severity && severity.success) finding.severity = severity.data;
  if (!finding.url && link.findingUrl) finding.url = link.findingUrl;
  if (link.resolved) {
    finding.status = 'resolved';
    finding.resolvedReason = link.resolved.reason;
  } else if (finding.status === 'resolved') {
    // Reopened since the snapshot was taken: the link's resolution is the truth.
    finding.status = 'open';
  }

  const current = link.remediations.find((r) => r.id === link.remediationId) ?? link.remediations[link.remediations.length - 1];
  const pullRequests: PanelPullRequest[] = allPullRequests(link).map((pr) => stripUndefined({ url: pr.url, number: pr.number, title: pr.title, state: pr.state, at: pr.at }));
  const data: PanelData = { issue, finding, pullRequests, source: 'store' };
  if (current) data.remediation = remediationOf(current);
  if (link.group) data.members = membersOf(link.group);
  const lastSyncedAt = toIso(link.lastSyncAt);
  if (lastSyncedAt) data.lastSyncedAt = lastSyncedAt;
  // An error older than a later successful sync is history, not the current state.
  if (link.lastError && !(link.lastSyncAt > link.lastError.at)) data.lastSyncError = syncError(link.lastError);
  return { data, findingDetails: snapshot.success };
}

function remediationOf(r: Link['remediations'][number]): PanelRemediation {
  const mode = r.mode === 'automated' || r.mode === 'hybrid' ? r.mode : undefined;
  return stripUndefined({ id: r.id, title: r.title, mode, url: r.url });
}

/** A grouped issue's findings for the panel: open before resolved, worst first (as the description's table). */
function membersOf(group: Group): PanelMember[] {
  return Object.entries(group.members)
    .map(([findingId, m]) => {
      const severity = severitySchema.safeParse(m.severity);
      return stripUndefined({ findingId, title: m.title, severity: severity.success ? severity.data : undefined, status: m.status, reason: m.reason, location: m.location, url: m.url });
    })
    .sort((a, b) => (a.status === b.status ? rank(b.severity) - rank(a.severity) || a.findingId.localeCompare(b.findingId) : a.status === 'open' ? -1 : 1));
}

const rank = (severity: PanelMember['severity']): number => (severity ? SEVERITY_RANK[severity] : -1);
