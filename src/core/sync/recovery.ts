/**
 * Recovery from Jira: the `backline` issue property is the second copy of every
 * link (docs/sync.md "Links"). A finding whose link is missing (a store that lost
 * its links, a claim taken over from a crashed delivery) is looked up in Jira by
 * that property before anything is created for it.
 */
import { jqlString, type IssueSnapshot } from '../jira/client';
import type { TransactionOperation } from '../ports';
import type { Invocation } from './invocation';
import { linkSchema, linkSetOperation, type Link } from './links';
import { PROPERTY_KEY, emptyLink } from './plan';

/** Search pages read to rebuild a store (100 issues each). */
const MAX_REBUILD_PAGES = 50;
const LINK_FIELDS = ['project', 'issuetype', 'status'];

/** The link an issue's `backline` property describes; undefined for an issue that is not a finding's. */
export function linkFromIssue(issue: IssueSnapshot, now: number): Link | undefined {
  const property = issue.properties[PROPERTY_KEY];
  const findingId = property && typeof property === 'object' && 'findingId' in property ? property.findingId : undefined;
  if (typeof findingId !== 'string' || !issue.projectKey || !issue.issueTypeId) return undefined;
  const base = emptyLink(findingId, issue.projectKey, issue.issueTypeId, now);
  const parsed = linkSchema.safeParse({ ...base, issueId: issue.id, issueKey: issue.key, ...(issue.statusId ? { statusId: issue.statusId } : {}) });
  return parsed.success ? parsed.data : undefined;
}

/** The finding's issue as Jira's search sees it (one request). */
export async function findInJira(inv: Invocation, findingId: string): Promise<Link | undefined> {
  const page = await inv.client.searchJql(`issue.property[${PROPERTY_KEY}].findingId = ${jqlString(findingId)}`, {
    fields: LINK_FIELDS,
    properties: [PROPERTY_KEY],
    maxResults: 1,
  });
  const issue = page.issues[0];
  return issue ? linkFromIssue(issue, inv.clock.now()) : undefined;
}

/**
 * A store without the `meta:links` marker may have lost its links: rebuild
 * them once from Jira (one search page per 100 issues; a fresh site costs one
 * request), then mark the store complete. Until that finishes, each create
 * first looks its finding up in Jira.
 * Answers `marked` (the store was complete already), `rebuilt` (links were just
 * recovered from Jira) or false (out of time: not finished).
 */
export async function ensureLinksRecovered(inv: Invocation): Promise<false | 'marked' | 'rebuilt'> {
  if (inv.storeComplete) return 'marked';
  if (await inv.links.isComplete()) {
    inv.storeComplete = true;
    return 'marked';
  }
  let token: string | undefined;
  for (let page = 0; page < MAX_REBUILD_PAGES; page++) {
    if (!inv.hasTime()) return false;
    const result = await inv.client.searchJql(`issue.property[${PROPERTY_KEY}].findingId IS NOT EMPTY ORDER BY created ASC`, {
      fields: LINK_FIELDS,
      properties: [PROPERTY_KEY],
      maxResults: 100,
      ...(token ? { nextPageToken: token } : {}),
    });
    const ops: TransactionOperation[] = [];
    for (const issue of result.issues) {
      const link = linkFromIssue(issue, inv.clock.now());
      if (link && !(await inv.links.get(link.findingId))) ops.push(linkSetOperation(link));
    }
    await inv.transactAll(ops);
    token = result.nextPageToken;
    if (!token) {
      await inv.links.markComplete(inv.clock.now());
      inv.storeComplete = true;
      return 'rebuilt';
    }
  }
  return false;
}

/**
 * The finding's link when the store does not have it: after a crash (a taken-over
 * claim) the issue may exist without a link; a store without its marker may have
 * lost links. Answers undefined when Jira has no issue for the finding either.
 */
export async function recoverLink(inv: Invocation, findingId: string, claimRecovered: boolean): Promise<Link | undefined> {
  if (claimRecovered) return findInJira(inv, findingId);
  if (inv.storeComplete) return undefined;
  const recovered = await ensureLinksRecovered(inv);
  if (recovered === 'rebuilt') return inv.links.get(findingId);
  if (recovered === 'marked') return undefined;
  return findInJira(inv, findingId);
}
