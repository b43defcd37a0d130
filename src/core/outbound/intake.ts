/**
 * The trigger side of outbound events: a Forge product event about an issue
 * (src/forge/entry/issue-changes.ts) becomes a queued change, at no Jira cost.
 *
 * Order of the checks, cheapest first: the payload itself (unreadable, the app's
 * own change, nothing the contract reports), then one storage read (is an
 * endpoint set?), then one link query (does the issue track findings?). Status
 * and assignee changes wait COALESCE_SECONDS in the queue under a per-issue key
 * that each newer change overwrites, so a status flipped back and forth is sent
 * once, in its final state. A deletion is final and goes out at once.
 */
import { randomUUID } from 'node:crypto';
import type { Platform, Queue } from '../ports';
import { LINK_ENTITY, findingIdsOf, linkSchema } from '../sync/links';
import { CHANGE_KINDS, COALESCE_SECONDS, type FlushJob, pendingKey, type PendingChange, resolutionKey, type SendJob } from './jobs';
import { changesOf, issueProductEventSchema, type IssueProductEvent } from './product-event';
import { buildDeletedEvent } from './events';
import { activeEndpoint } from './settings';

export interface OutboundContext {
  platform: Platform;
  /** The outbound queue (`backline-outbound`), separate from the sync queue. */
  queue: Queue;
}

export type IntakeOutcome = 'queued' | 'unreadable' | 'own-change' | 'no-change' | 'off' | 'not-linked';

interface LinkedIssue {
  findingIds: string[];
  projectKey: string;
}

/** The findings linked to an issue, from the `link` entity's `issueId` index (storage only, no Jira). */
async function linkedFindings(platform: Platform, issueId: string): Promise<LinkedIssue | undefined> {
  const page = await platform.store.entityQuery<unknown>(LINK_ENTITY, { index: 'issueId', range: { op: 'equalTo', value: issueId }, limit: 100 });
  const links = page.items.flatMap((item) => {
    const parsed = linkSchema.safeParse(item.value);
    return parsed.success ? [parsed.data] : [];
  });
  const first = links[0];
  if (!first) return undefined;
  return { findingIds: [...new Set(links.flatMap(findingIdsOf))].sort(), projectKey: first.projectKey };
}

export async function receiveIssueEvent(context: OutboundContext, raw: unknown): Promise<IntakeOutcome> {
  const { platform } = context;
  const parsed = issueProductEventSchema.safeParse(raw);
  if (!parsed.success) {
    platform.logger.warn('outbound: unreadable product event dropped', { problems: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`) });
    return 'unreadable';
  }
  const event = parsed.data;
  // The manifest's `filter.ignoreSelf` keeps these away on Forge; this holds if the filter is ever lost.
  if (event.selfGenerated === true) return 'own-change';
  const changes = changesOf(event);
  if (changes.length === 0) return 'no-change';
  if (!(await activeEndpoint(platform.store))) return 'off';
  const linked = await linkedFindings(platform, event.issue.id);
  if (!linked) return 'not-linked';

  const now = platform.clock.now();
  const actorAccountId = event.atlassianId ?? null;
  const issue = { id: event.issue.id, key: event.issue.key, projectKey: event.issue.fields?.project?.key ?? linked.projectKey };
  const messages: Array<{ body: FlushJob | SendJob; delayInSeconds?: number }> = [];
  for (const change of changes) {
    if (change.kind === 'deleted') {
      const deleted = buildDeletedEvent({ id: `jira-${issue.id}-deleted`, at: now, actorAccountId, findingIds: linked.findingIds, issue }, await platform.siteUrl());
      messages.push({ body: { job: 'outbound.send', event: deleted, firstAttemptAt: now, attempt: 0 } });
      // A change still waiting would reach Backline after the deletion: the deletion supersedes it.
      for (const kind of CHANGE_KINDS) await platform.store.delete(pendingKey(issue.id, kind));
      continue;
    }
    const seq = randomUUID();
    const pending: PendingChange = {
      seq,
      at: now,
      actorAccountId,
      findingIds: linked.findingIds,
      issue,
      ...(change.kind === 'status'
        ? { status: change.status, statusCategory: change.statusCategory, ...(change.resolution.known ? { resolution: change.resolution.name } : {}) }
        : { assigneeAccountId: change.assigneeAccountId }),
    };
    await platform.store.set(pendingKey(issue.id, change.kind), pending, { ttlSeconds: 7 * 24 * 3600 });
    if (change.kind === 'status' && change.resolution.known) {
      await platform.store.set(resolutionKey(issue.id), { resolution: change.resolution.name }, { ttlSeconds: 365 * 24 * 3600 });
    }
    messages.push({ body: { job: 'outbound.flush', issueId: issue.id, kind: change.kind, seq }, delayInSeconds: COALESCE_SECONDS });
  }
  await context.queue.push(messages);
  return 'queued';
}

export type { IssueProductEvent };
