/**
 * Recovery from Jira: the `backline` issue property is the second copy of every
 * link (docs/sync.md "Links"). A finding whose link is missing (a store that lost
 * its links, a claim taken over from a crashed delivery) is looked up in Jira by
 * that property before anything is created for it.
 */
import { jqlString } from '../jira/client';
import type { TransactionOperation } from '../ports';
import { CodedError } from '../errors';
import { healFinding, issuesOfFinding } from './duplicates';
import type { Claim } from './idempotency';
import type { Invocation } from './invocation';
import { linkFromIssue } from './issue-links';
import { pointerOperations } from './grouping/pointers';
import { linkSetOperation, type Link } from './links';
import { PROPERTY_KEY } from './plan';

/** Search pages read to rebuild a store (100 issues each). */
const MAX_REBUILD_PAGES = 50;
const LINK_FIELDS = ['project', 'issuetype', 'status'];

/**
 * The finding's issue as Jira's search sees it (one request). `orGroup`: or the grouped issue it is a
 * member of (its `findingIds`, docs/sync.md "Grouping"), for answers only: never a link to apply to.
 */
export async function findInJira(inv: Invocation, findingId: string, orGroup = false): Promise<Link | undefined> {
  const id = jqlString(findingId);
  const jql = `issue.property[${PROPERTY_KEY}].findingId = ${id}${orGroup ? ` OR issue.property[${PROPERTY_KEY}].findingIds = ${id}` : ''}`;
  const page = await inv.client.searchJql(jql, {
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
      // A group's members find its issue again through their pointers.
      if (link && !(await inv.links.get(link.findingId))) ops.push(linkSetOperation(link), ...pointerOperations(link));
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
 * How long after a write Jira's search may still not show it (docs/sync.md "Saved,
 * then failed"): the OpenAPI text of `/search/jql` says recent updates "might not be
 * immediately visible"; the lag is seconds to minutes. Until then an empty search
 * proves nothing, and the finding is looked up again later instead of re-created.
 */
export const SEARCH_LAG_ALLOWANCE_MS = 120_000;

/**
 * The finding's link when the store does not have it: after a crash or an
 * ambiguous answer (a taken-over claim) the issue may exist without a link; a
 * store without its marker may have lost links. Answers undefined when Jira has
 * no issue for the finding either.
 */
export async function recoverLink(inv: Invocation, findingId: string, claim: Claim): Promise<Link | undefined> {
  if (claim.recovered) return verifyInJira(inv, findingId, claim.unrecordedSince);
  if (inv.storeComplete) return undefined;
  const recovered = await ensureLinksRecovered(inv);
  if (recovered === 'rebuilt') return inv.links.get(findingId);
  if (recovered === 'marked') return undefined;
  return findInJira(inv, findingId);
}

/**
 * A write Jira may have saved (its answer was an error or never came) is never
 * repeated blindly: search for the finding's issue; two or more heal at once
 * (duplicates.ts); none, while the search may still lag the write, sends the event
 * back to the queue to look again once the lag has passed (`IN_PROGRESS`,
 * retryable, with the wait). Only after that is the issue created.
 */
async function verifyInJira(inv: Invocation, findingId: string, unrecordedSince: number | undefined): Promise<Link | undefined> {
  const issues = await issuesOfFinding(inv, findingId);
  const now = inv.clock.now();
  if (issues.length > 1) {
    const healed = await healFinding(inv, findingId, issues);
    if (healed) return healed.link;
  }
  const [first] = issues;
  if (first) return linkFromIssue(first, now);
  const waitMs = unrecordedSince === undefined ? 0 : unrecordedSince + SEARCH_LAG_ALLOWANCE_MS - now;
  if (waitMs <= 0) return undefined;
  // Still unrecorded: the next holder gets the claim for recovery again, with the same write time.
  inv.unrecordedWrites.add(findingId, unrecordedSince ?? now);
  const seconds = Math.ceil(waitMs / 1000);
  throw new CodedError('IN_PROGRESS', `Jira may have saved an earlier write for finding ${findingId} that its search does not show yet; looking again in ${seconds} s`, { retryable: true, retryAfterSeconds: seconds });
}
