/**
 * Where a grouped finding's issue is (docs/sync.md "Grouping"): its pointer
 * `member:<finding id>` names its group, or keeps the finding while it waits for
 * its remediation; `waiting:<finding id>` lists the waiting ones for the hourly job.
 * Written with the group's link, and rebuilt with it from Jira (recovery.ts).
 */
import { z } from 'zod';
import type { TransactionOperation } from '../../ports';
import type { Link } from '../links';

export const memberKey = (findingId: string): string => `member:${findingId}`;
/** Present while a finding waits for its remediation: listed by the hourly job that gives it its own issue after a day. */
export const WAITING_PREFIX = 'waiting:';
export const waitingKey = (findingId: string): string => `${WAITING_PREFIX}${findingId}`;

const pointerSchema = z.object({
  projectKey: z.string(),
  group: z.object({ groupId: z.string(), mode: z.enum(['remediation', 'vulnerability']), key: z.string(), label: z.string().optional() }).optional(),
  /** The finding (without its description) while it waits for the remediation that names it. */
  waiting: z.object({ finding: z.record(z.string(), z.unknown()), since: z.number(), at: z.number().optional(), resolved: z.string().optional() }).optional(),
  /** Waited a day without a remediation: the finding has (or gets) its own issue (src/core/waiting-findings-job.ts). */
  alone: z.literal(true).optional(),
});
export type MemberPointer = z.infer<typeof pointerSchema>;

export function parsePointer(raw: unknown): MemberPointer | undefined {
  const parsed = pointerSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

/** What a member of the group `link` stands for points to. */
export function pointerTo(link: Link & { group: NonNullable<Link['group']> }): MemberPointer {
  const { mode, key, label } = link.group;
  return { projectKey: link.projectKey, group: { groupId: link.findingId, mode, key, ...(label ? { label } : {}) } };
}

/** The pointers of every member of a group, as transaction operations (a group link read back from Jira). */
export function pointerOperations(link: Link): TransactionOperation[] {
  const group = link.group;
  if (!group) return [];
  const value = pointerTo({ ...link, group });
  return Object.keys(group.members).map((findingId) => ({ kind: 'set', key: memberKey(findingId), value }));
}
