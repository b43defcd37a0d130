/**
 * The Forge product events the `backline-issue-changes` trigger receives
 * (manifest.yml), parsed at the boundary. The shape follows Atlassian's Jira
 * events reference (docs/outbound.md "Where changes come from" cites it):
 *
 * - `avi:jira:updated:issue`: `issue { id, key, fields { status, project, assignee, … } }`,
 *   `atlassianId?` (who made the change), `changelog { items: ChangeDetails[] }` whose items are
 *   the REST changelog's `{ field, fieldtype, fieldId?, from, fromString, to, toString }`;
 * - `avi:jira:assigned:issue`: the same, with the assignee item in `changelog`;
 * - `avi:jira:deleted:issue`: `issue`, `atlassianId?`;
 * - every event: `selfGenerated` (true when the app's own call caused it; only delivered
 *   without `filter.ignoreSelf`), and `payloadIncludeProperties` (the values of the trigger's
 *   `payload.include.propertyPaths`, keyed by path).
 *
 * Fields the app does not use are allowed and ignored (loose objects), so a payload that
 * grows does not break the trigger.
 */
import { z } from 'zod';
import { type StatusCategory, statusCategorySchema } from './contract';

export const ISSUE_EVENT_TYPES = ['avi:jira:updated:issue', 'avi:jira:assigned:issue', 'avi:jira:deleted:issue'] as const;

/** The one entity property path the trigger asks Forge to include (manifest.yml `payload.include.propertyPaths`). */
export const FINDING_ID_PROPERTY_PATH = "issue.properties['backline'].findingId";

const changeItemSchema = z.looseObject({
  field: z.string(),
  fieldId: z.string().optional(),
  from: z.string().nullable().optional(),
  fromString: z.string().nullable().optional(),
  to: z.string().nullable().optional(),
  toString: z.string().nullable().optional(),
});

const statusSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  statusCategory: z.looseObject({ key: z.string() }).optional(),
});

export const issueProductEventSchema = z.looseObject({
  eventType: z.enum(ISSUE_EVENT_TYPES),
  selfGenerated: z.boolean().optional(),
  atlassianId: z.string().optional(),
  issue: z.looseObject({
    id: z.coerce.string(),
    key: z.string(),
    fields: z
      .looseObject({
        status: statusSchema.optional(),
        project: z.looseObject({ key: z.string() }).optional(),
      })
      .optional(),
  }),
  changelog: z.looseObject({ items: z.array(changeItemSchema) }).optional(),
  payloadIncludeProperties: z.record(z.string(), z.unknown()).optional(),
});
export type IssueProductEvent = z.infer<typeof issueProductEventSchema>;

/** What one product event says happened to an issue, in the terms the outbound contract needs. */
export type IssueChange =
  | { kind: 'status'; status: { id: string; name: string }; statusCategory: StatusCategory; resolution: { known: true; name: string | null } | { known: false } }
  | { kind: 'assignee'; assigneeAccountId: string | null }
  | { kind: 'deleted' };

function item(event: IssueProductEvent, field: string) {
  return event.changelog?.items.find((i) => i.field === field || i.fieldId === field);
}

/**
 * The changes the app reports, from one event. Assignee changes are taken from
 * `avi:jira:assigned:issue` only: Jira sends an `updated` event for the same
 * change too (docs/outbound.md), and one source per kind keeps each change a
 * single outbound event.
 */
export function changesOf(event: IssueProductEvent): IssueChange[] {
  if (event.eventType === 'avi:jira:deleted:issue') return [{ kind: 'deleted' }];
  if (event.eventType === 'avi:jira:assigned:issue') {
    const assignee = item(event, 'assignee');
    return assignee ? [{ kind: 'assignee', assigneeAccountId: assignee.to ?? null }] : [];
  }
  const statusItem = item(event, 'status');
  const resolutionItem = item(event, 'resolution');
  if (!statusItem && !resolutionItem) return [];
  const status = event.issue.fields?.status;
  const category = statusCategorySchema.safeParse(status?.statusCategory?.key);
  // Without the status and its category the change cannot be described; the event is dropped (logged by the caller).
  if (!status || !category.success) return [];
  return [
    {
      kind: 'status',
      status: { id: status.id, name: status.name },
      statusCategory: category.data,
      resolution: resolutionItem ? { known: true, name: resolutionItem.toString ?? null } : { known: false },
    },
  ];
}
