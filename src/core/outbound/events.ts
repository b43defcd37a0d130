/**
 * Builds the contract's events (./contract.ts) from what intake recorded. The
 * result is parsed with the contract's schema, so nothing leaves the app that
 * the published JSON Schema would reject.
 */
import type { ProjectConfig } from '../config/model';
import { type DeletedEvent, deletedEventSchema, type OutboundEvent, outboundEventSchema } from './contract';
import type { CoalescedKind, PendingChange } from './jobs';
import { mapBack } from './mapping-back';

interface IssueRef {
  id: string;
  key: string;
  projectKey: string;
}

function common(input: { actorAccountId: string | null; findingIds: string[]; issue: IssueRef }, siteUrl: string) {
  return {
    findingIds: input.findingIds,
    issue: { ...input.issue, url: `${siteUrl.replace(/\/$/, '')}/browse/${input.issue.key}` },
    actor: input.actorAccountId ? { accountId: input.actorAccountId } : null,
  };
}

export function buildDeletedEvent(input: { id: string; at: number; actorAccountId: string | null; findingIds: string[]; issue: IssueRef }, siteUrl: string): DeletedEvent {
  return deletedEventSchema.parse({
    id: input.id,
    version: 1,
    type: 'jira.issue.deleted',
    occurredAt: new Date(input.at).toISOString(),
    data: common(input, siteUrl),
  });
}

/**
 * The event of a coalesced change. `lastResolution`: the resolution an earlier
 * change reported, for a status change that did not touch it.
 */
export function buildChangeEvent(
  kind: CoalescedKind,
  pending: PendingChange,
  context: { siteUrl: string; config: ProjectConfig | undefined; lastResolution: string | null },
): OutboundEvent | undefined {
  const base = { id: `jira-${pending.issue.id}-${kind}-${pending.seq}`, version: 1, occurredAt: new Date(pending.at).toISOString() };
  if (kind === 'assignee') {
    return outboundEventSchema.parse({
      ...base,
      type: 'jira.issue.assignee_changed',
      data: { ...common(pending, context.siteUrl), assignee: pending.assigneeAccountId ? { accountId: pending.assigneeAccountId } : null },
    });
  }
  if (!pending.status || !pending.statusCategory) return undefined;
  const resolution = pending.resolution === undefined ? context.lastResolution : pending.resolution;
  return outboundEventSchema.parse({
    ...base,
    type: 'jira.issue.status_changed',
    data: {
      ...common(pending, context.siteUrl),
      status: pending.status,
      statusCategory: pending.statusCategory,
      resolution,
      outcome: mapBack(context.config?.statusBack, { statusCategory: pending.statusCategory, resolution }),
    },
  });
}
