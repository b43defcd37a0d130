/**
 * Duplicates heal (docs/sync.md "Duplicates"). However careful the app is, Jira
 * can end up with two issues for one finding (a create saved and answered with an
 * error, a search that lagged longer than the app waited). At most one open issue
 * per finding must hold all the same, so:
 *
 * - the oldest issue of a finding survives (the one people have seen longest);
 * - every other one is resolved as Duplicate (when it is still open), gets a
 *   remote link to the survivor and a comment saying so, and its `backline`
 *   property is renamed to `backline` `{ duplicateOf }` so searches by finding no
 *   longer see it (a healed duplicate costs nothing again);
 * - the link store points at the survivor; Activity records what was done.
 *
 * Called by the hourly housekeeping sweep (`sweepDuplicates`) and whenever
 * recovery finds more than one issue for a finding (`healFinding`).
 */
import type { ProjectConfig } from '../config/model';
import { jqlString } from '../jira/client';
import { type IssueSnapshot } from '../jira/issue-types';
import type { Platform, TransactionOperation } from '../ports';
import { applyPlan } from './apply';
import { classify } from './classify';
import { Invocation } from './invocation';
import { linkSetOperation, type Link } from './links';
import { moveRule } from './move-policy';
import { textDoc } from './messages';
import { PROPERTY_KEY, emptyLink, type JiraWrite } from './plan';
import { linkFromIssue } from './issue-links';

/** Search pages the sweep reads per run (100 issues each). */
const MAX_SWEEP_PAGES = 50;
/** The resolution a duplicate gets (Jira's default resolution scheme has it). */
export const DUPLICATE_RESOLUTION = 'Duplicate';
const SEARCH_FIELDS = ['project', 'issuetype', 'status', 'resolution', 'created'];

export interface HealReport {
  findingId: string;
  survivorKey: string;
  /** The finding's link, now naming the survivor. */
  link: Link;
  resolved: string[];
  failed: string[];
}

/** Oldest first: Jira's `created`, then the numeric id (issue ids grow). */
function byAge(a: IssueSnapshot, b: IssueSnapshot): number {
  const created = (issue: IssueSnapshot) => (typeof issue.fields.created === 'string' ? Date.parse(issue.fields.created) : Number.NaN);
  const ca = created(a);
  const cb = created(b);
  if (Number.isFinite(ca) && Number.isFinite(cb) && ca !== cb) return ca - cb;
  return Number(a.id) - Number(b.id);
}

/** Every issue Jira's search has for the finding, oldest first (one request). */
export async function issuesOfFinding(inv: Invocation, findingId: string): Promise<IssueSnapshot[]> {
  const page = await inv.client.searchJql(`issue.property[${PROPERTY_KEY}].findingId = ${jqlString(findingId)} ORDER BY created ASC`, {
    fields: SEARCH_FIELDS,
    properties: [PROPERTY_KEY],
    maxResults: 20,
  });
  return [...page.issues].sort(byAge);
}

/** Keeps the oldest of `issues` (all of one finding, two or more), resolves the others as Duplicate. */
export async function healFinding(inv: Invocation, findingId: string, issues: IssueSnapshot[]): Promise<HealReport | undefined> {
  const [survivor, ...duplicates] = [...issues].sort(byAge);
  if (!survivor || duplicates.length === 0) return undefined;
  const now = inv.clock.now();
  const stored = await inv.links.get(findingId);
  const survivorLink = stored ?? linkFromIssue(survivor, now);
  if (!survivorLink) return undefined;
  const link: Link = stored?.issueId === survivor.id ? stored : { ...survivorLink, issueId: survivor.id, issueKey: survivor.key, ...(survivor.statusId ? { statusId: survivor.statusId } : {}), updatedAt: now };
  const report: HealReport = { findingId, survivorKey: survivor.key, link, resolved: [], failed: [] };
  const config = await inv.configs.getProject(survivorLink.projectKey);
  for (const duplicate of duplicates) {
    try {
      await resolveDuplicate(inv, duplicate, survivor, findingId, config);
      report.resolved.push(duplicate.key);
    } catch (error) {
      inv.logger.warn('could not resolve a duplicate issue', { findingId, issueKey: duplicate.key, error: classify(error).message });
      report.failed.push(duplicate.key);
    }
  }
  const ops: TransactionOperation[] = [];
  // The link store follows the survivor (a missing link, or one that named a duplicate, is repaired).
  if (link !== stored) ops.push(linkSetOperation(link));
  ops.push(
    inv.activity.operation({
      at: now,
      projectKey: survivorLink.projectKey,
      status: report.failed.length > 0 ? 'failed' : 'updated',
      findingId,
      details: {
        type: 'duplicates.healed',
        eventId: `heal:${findingId}:${now}`,
        issueKey: survivor.key,
        jiraRequests: 0,
        reason: `kept ${survivor.key} (the oldest); resolved ${report.resolved.join(', ') || 'none'} as ${DUPLICATE_RESOLUTION}${report.failed.length ? `; could not resolve ${report.failed.join(', ')}` : ''}`,
        done: report.resolved.map((key) => `duplicate ${key}→${survivor.key}`),
      },
    }),
  );
  await inv.transactAll(ops);
  return report;
}

/** One duplicate: remote link to the survivor, then (if still open) resolved with a comment; its property renamed. */
async function resolveDuplicate(inv: Invocation, duplicate: IssueSnapshot, survivor: IssueSnapshot, findingId: string, config: ProjectConfig | undefined): Promise<void> {
  const base = await inv.siteBase();
  const property = { duplicateOf: survivor.key, duplicateOfFindingId: findingId };
  const writes: JiraWrite[] = [
    { kind: 'remotelink', link: { globalId: `backline-duplicate-of:${survivor.id}`, url: `${base}/browse/${survivor.key}`, title: `Duplicate of ${survivor.key}`, relationship: 'duplicates' } },
  ];
  const comment = textDoc([{ text: `Backline: this issue duplicates ${survivor.key} (same finding ${findingId}); ${survivor.key} is kept.` }]);
  const open = duplicate.fields.resolution === null || duplicate.fields.resolution === undefined;
  const target = config?.statuses.resolved;
  const rule = config ? moveRule('resolved', config.statuses) : undefined;
  if (open && target && rule && duplicate.projectKey && duplicate.issueTypeId) {
    writes.push({ kind: 'transition', stage: 'resolved', target, rule, resolutionName: DUPLICATE_RESOLUTION, comment, property });
  } else {
    writes.push({ kind: 'comment', body: comment }, { kind: 'property', value: property });
  }
  const link: Link = {
    ...emptyLink(findingId, duplicate.projectKey ?? '', duplicate.issueTypeId ?? '', inv.clock.now()),
    issueId: duplicate.id,
    issueKey: duplicate.key,
  };
  const applied = await applyPlan({ client: inv.client, workflows: inv.workflows }, { findingId, writes, stale: false, next: link });
  if (applied.blocked) {
    // The workflow would not reach the resolved status: at least take it out of the finding's searches.
    await inv.client.setIssueProperty(duplicate.id, PROPERTY_KEY, property);
  }
}

/**
 * The housekeeping sweep: every issue with a `backline` finding, oldest first, grouped
 * by finding; each group of two or more is healed. One search request per 100 issues.
 */
export async function sweepDuplicates(inv: Invocation): Promise<HealReport[]> {
  const byFinding = new Map<string, IssueSnapshot[]>();
  let token: string | undefined;
  for (let page = 0; page < MAX_SWEEP_PAGES; page++) {
    const result = await inv.client.searchJql(`issue.property[${PROPERTY_KEY}].findingId IS NOT EMPTY ORDER BY created ASC`, {
      fields: SEARCH_FIELDS,
      properties: [PROPERTY_KEY],
      maxResults: 100,
      ...(token ? { nextPageToken: token } : {}),
    });
    for (const issue of result.issues) {
      const findingId = linkFromIssue(issue, 0)?.findingId;
      if (findingId) byFinding.set(findingId, [...(byFinding.get(findingId) ?? []), issue]);
    }
    token = result.nextPageToken;
    if (!token) break;
  }
  const reports: HealReport[] = [];
  for (const [findingId, issues] of byFinding) {
    if (issues.length < 2) continue;
    const report = await healFinding(inv, findingId, issues);
    if (report) reports.push(report);
  }
  return reports;
}

/** Time the hourly sweep gives itself (a scheduled trigger may run for longer: docs/platform-limits.md "Invocation limits"). */
const SWEEP_BUDGET_MS = 120_000;

/** The sweep as a housekeeping job (src/core/housekeeping.ts), with its summary. */
export async function sweepDuplicatesJob(platform: Platform): Promise<string> {
  // No inline retries: a refused sweep is simply the next hour's work.
  const inv = new Invocation(platform, { mode: 'consumer', maxAttempts: 1 });
  inv.deadlineAt = platform.clock.now() + SWEEP_BUDGET_MS;
  const reports = await sweepDuplicates(inv);
  const resolved = reports.flatMap((r) => r.resolved);
  const failed = reports.flatMap((r) => r.failed);
  return `${reports.length} finding(s) with duplicates; ${resolved.length} duplicate(s) resolved${failed.length ? `; ${failed.length} could not be resolved` : ''}`;
}
