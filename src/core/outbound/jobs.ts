/**
 * What the outbound queue (`backline-outbound`, manifest.yml) carries, and the
 * storage keys of the changes waiting in it. Both sides (intake and delivery)
 * parse with these schemas: a message from an older version that no longer
 * parses is logged and dropped, never half-understood.
 */
import { z } from 'zod';
import { outboundEventSchema, statusCategorySchema } from './contract';

/** Seconds a status or assignee change waits for the next one, so back-and-forth becomes one event. */
export const COALESCE_SECONDS = 5;

export const CHANGE_KINDS = ['status', 'assignee'] as const;
export type CoalescedKind = (typeof CHANGE_KINDS)[number];

/** The latest change of one kind on one issue, waiting for its flush. */
export const pendingChangeSchema = z.object({
  /** Identifies this change; the flush message carries it, and only the newest flush sends. */
  seq: z.string().min(1),
  at: z.number(),
  actorAccountId: z.string().nullable(),
  findingIds: z.array(z.string()).min(1),
  issue: z.object({ id: z.string(), key: z.string(), projectKey: z.string() }),
  status: z.object({ id: z.string(), name: z.string() }).optional(),
  statusCategory: statusCategorySchema.optional(),
  /** undefined: the change did not touch the resolution (the last one seen is used). */
  resolution: z.string().nullable().optional(),
  assigneeAccountId: z.string().nullable().optional(),
});
export type PendingChange = z.infer<typeof pendingChangeSchema>;

export const pendingKey = (issueId: string, kind: CoalescedKind): string => `outbound:pending:${issueId}:${kind}`;
/** The last resolution a change reported for an issue (a status change without a resolution item keeps it). */
export const resolutionKey = (issueId: string): string => `outbound:resolution:${issueId}`;

export const flushJobSchema = z.object({ job: z.literal('outbound.flush'), issueId: z.string(), kind: z.enum(CHANGE_KINDS), seq: z.string() });
export const sendJobSchema = z.object({
  job: z.literal('outbound.send'),
  event: outboundEventSchema,
  /** ms epoch of the first attempt: delivery gives up 24 h after it. */
  firstAttemptAt: z.number(),
  attempt: z.number().int().min(0),
});
export const outboundJobSchema = z.discriminatedUnion('job', [flushJobSchema, sendJobSchema]);
export type FlushJob = z.infer<typeof flushJobSchema>;
export type SendJob = z.infer<typeof sendJobSchema>;
