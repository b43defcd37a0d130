/**
 * The Jira → Backline contract, version 1 (docs/outbound.md): what the app
 * tells Backline when people change a linked issue in Jira. Zod schemas are the
 * single source; `docs/outbound.schema.json` is generated from them
 * (`npm run schema`), as for the inbound contract (src/core/events/schema.ts).
 *
 * Every event carries an `id` that stays the same across redeliveries (the app
 * delivers at least once), so Backline deduplicates by it.
 */
import { z } from 'zod';

export const OUTBOUND_CONTRACT_VERSION = 1;

export const OUTBOUND_EVENT_TYPES = ['jira.issue.status_changed', 'jira.issue.assignee_changed', 'jira.issue.deleted'] as const;
export type OutboundEventType = (typeof OUTBOUND_EVENT_TYPES)[number];

/** What a Jira status and resolution mean to Backline (per project, docs/mapping.md "Mapping back"). */
export const BACKLINE_OUTCOMES = ['fixed', 'accepted_risk', 'false_positive', 'duplicate', 'reopened'] as const;
export const backlineOutcomeSchema = z.enum(BACKLINE_OUTCOMES);
export type BacklineOutcome = z.infer<typeof backlineOutcomeSchema>;

/** Jira's status category keys (`statusCategory.key` in Jira's REST and event payloads). */
export const STATUS_CATEGORIES = ['new', 'indeterminate', 'done'] as const;
export const statusCategorySchema = z.enum(STATUS_CATEGORIES);
export type StatusCategory = z.infer<typeof statusCategorySchema>;

const accountIdSchema = z.string().min(1).max(128);

const issueSchema = z.object({
  id: z.string().min(1).describe("Jira's issue id (stable across project moves)."),
  key: z.string().min(1).describe('e.g. SEC-12'),
  projectKey: z.string().min(1),
  url: z.string().describe('The issue in Jira (`<site>/browse/<key>`).'),
});

const baseEvent = {
  id: z.string().min(1).max(128).describe('Unique per change; the same on every redelivery. Deduplicate by it.'),
  version: z.literal(OUTBOUND_CONTRACT_VERSION),
  occurredAt: z.iso.datetime({ offset: true }).describe('When the change happened in Jira (for a coalesced change: the last one).'),
};

const commonData = {
  findingIds: z.array(z.string().min(1)).min(1).describe('The Backline findings the issue tracks.'),
  issue: issueSchema,
  actor: z
    .object({ accountId: accountIdSchema })
    .nullable()
    .describe('The Atlassian account that made the change; null when Jira does not say.'),
};

export const statusChangedEventSchema = z.object({
  ...baseEvent,
  type: z.literal('jira.issue.status_changed'),
  data: z.object({
    ...commonData,
    status: z.object({ id: z.string().min(1), name: z.string() }),
    statusCategory: statusCategorySchema,
    resolution: z.string().nullable().describe('The resolution name, or null when the issue is unresolved.'),
    outcome: backlineOutcomeSchema
      .nullable()
      .describe("What the project's mapping back makes of this status and resolution; null when no rule matches."),
  }),
});

export const assigneeChangedEventSchema = z.object({
  ...baseEvent,
  type: z.literal('jira.issue.assignee_changed'),
  data: z.object({
    ...commonData,
    assignee: z.object({ accountId: accountIdSchema }).nullable().describe('null: the issue is now unassigned.'),
  }),
});

export const deletedEventSchema = z.object({
  ...baseEvent,
  type: z.literal('jira.issue.deleted'),
  data: z.object(commonData),
});

export const outboundEventSchema = z.discriminatedUnion('type', [statusChangedEventSchema, assigneeChangedEventSchema, deletedEventSchema]);
export type OutboundEvent = z.infer<typeof outboundEventSchema>;
export type StatusChangedEvent = z.infer<typeof statusChangedEventSchema>;
export type AssigneeChangedEvent = z.infer<typeof assigneeChangedEventSchema>;
export type DeletedEvent = z.infer<typeof deletedEventSchema>;

/** The request body the app POSTs to Backline: one event per request. */
export const OUTBOUND_SCHEMA_ID = 'https://backline.ai/schemas/jira/outbound.v1.schema.json';

export function buildOutboundJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(outboundEventSchema, { target: 'draft-2020-12', io: 'output', unrepresentable: 'throw' });
  const { $schema, ...rest } = generated;
  return { $schema, $id: OUTBOUND_SCHEMA_ID, ...rest };
}

export function renderOutboundJsonSchema(): string {
  return `${JSON.stringify(buildOutboundJsonSchema(), null, 2)}\n`;
}
