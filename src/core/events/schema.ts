/**
 * The Backline → Jira event contract, version 1 (docs/events.md), as zod
 * schemas. Types are derived from the schemas; `docs/events.schema.json` is
 * generated from them (`npm run schema`), so the published JSON Schema and the
 * validation the web trigger runs can never disagree.
 */
import { z } from 'zod';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export const severitySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof severitySchema>;

/** Higher number = more severe; used for "minimum severity" comparisons. */
export const SEVERITY_RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

export const CATEGORIES = ['sca', 'sast', 'secrets', 'container', 'iac', 'cloud', 'dast', 'other'] as const;
export const categorySchema = z.enum(CATEGORIES);
export type Category = z.infer<typeof categorySchema>;

export const RESOLVE_REASONS = ['fixed', 'not_detected', 'false_positive', 'accepted_risk'] as const;
export const resolveReasonSchema = z.enum(RESOLVE_REASONS);
export type ResolveReason = z.infer<typeof resolveReasonSchema>;

/** Event and finding ids: the idempotency and link keys, safe as Forge storage key parts. */
export const idSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'expected 1–128 characters of A-Z a-z 0-9 . _ : -');

/**
 * A message for a present-but-wrong value; a missing one falls through to the
 * caller's error map ("required") instead of claiming a format problem.
 */
const unlessMissing = (message: string) => (issue: { input?: unknown }) => (issue.input === undefined ? undefined : message);

const rfc3339 = z.iso.datetime({ offset: true, error: unlessMissing('expected an RFC 3339 timestamp such as 2026-11-28T10:00:00Z') });
// The pattern repeats the protocol rule so the published JSON Schema says "https" too (format `uri` alone would not).
const httpsUrl = z
  .url({ protocol: /^https$/, hostname: z.regexes.domain, error: unlessMissing('expected an https URL') })
  .regex(/^[Hh][Tt][Tt][Pp][Ss]:\/\//, 'expected an https URL');
const isoDate = z.iso.date({ error: unlessMissing('expected a date YYYY-MM-DD') });

export const findingSchema = z
  .looseObject({
    id: idSchema.describe("Backline's finding id: the app's key for the issue of this finding."),
    title: z.string().min(1).max(1000),
    severity: severitySchema,
    description: z.string().max(100_000).describe('Markdown; rendered to Atlassian Document Format.').optional(),
    status: z.enum(['open', 'in_progress', 'resolved', 'ignored']).optional(),
    category: categorySchema.optional(),
    cvssScore: z.number().min(0).max(10).optional(),
    cvssVector: z.string().max(200).optional(),
    cveIds: z.array(z.string().max(64)).max(100).describe('e.g. CVE-2021-23337').optional(),
    cweIds: z.array(z.string().max(64)).max(100).describe('e.g. CWE-1321').optional(),
    scanner: z.string().max(100).describe('e.g. snyk, wiz, semgrep').optional(),
    url: httpsUrl.describe('The finding in Backline.').optional(),
    repository: z
      .looseObject({
        name: z.string().min(1).max(300).describe('e.g. acme/payments-api'),
        url: httpsUrl.optional(),
        defaultBranch: z.string().max(255).optional(),
      })
      .optional(),
    location: z
      .looseObject({ path: z.string().max(2000).optional(), line: z.number().int().min(0).optional(), component: z.string().max(500).optional() })
      .optional(),
    package: z
      .looseObject({
        name: z.string().min(1).max(500),
        ecosystem: z.string().max(100).optional(),
        version: z.string().max(200).optional(),
        fixedVersion: z.string().max(200).optional(),
      })
      .optional(),
    slaDueDate: isoDate.optional(),
    firstSeenAt: rfc3339.optional(),
    lastSeenAt: rfc3339.optional(),
    tags: z.array(z.string().max(200)).max(100).optional(),
    owner: z.looseObject({ email: z.email({ error: unlessMissing('expected an email address') }).optional(), team: z.string().max(200).optional() }).optional(),
    jira: z
      .looseObject({ projectKey: z.string().regex(/^[A-Z][A-Z0-9_]{0,254}$/, 'expected a Jira project key').optional() })
      .describe('Routing hint: use this project if it is connected.')
      .optional(),
  })
  .meta({
    id: 'Finding',
    title: 'Finding',
    description: 'A Backline finding. Unknown properties are kept and can be mapped to Jira fields by path (finding.<property>).',
  });
export type Finding = z.infer<typeof findingSchema>;

/**
 * A finding inside a remediation event: at least `id`. Every other finding
 * property is optional but, when present, checked like a full finding's. When
 * it carries `title` and `severity` it is a full finding and can create its
 * issue (`isFullFinding`). Expressed as a partial object (not a refinement) so
 * the published JSON Schema says exactly the same.
 */
export const findingRefSchema = findingSchema
  .partial()
  .extend({ id: idSchema })
  .meta({
    id: 'FindingRef',
    title: 'Finding reference',
    description: 'A finding in a remediation event: `id` is required; with `title` and `severity` it is a full finding and its issue can be created.',
  });
export type FindingRef = z.infer<typeof findingRefSchema>;

/** A finding reference that carries enough to create its issue. */
export function isFullFinding(ref: FindingRef): ref is Finding {
  return ref.title !== undefined && ref.severity !== undefined;
}

export const remediationSchema = z
  .looseObject({
    id: idSchema,
    title: z.string().max(1000).optional(),
    mode: z.enum(['automated', 'hybrid']).optional(),
    url: httpsUrl.optional(),
  })
  .meta({ id: 'Remediation', title: 'Remediation' });
export type Remediation = z.infer<typeof remediationSchema>;

export const pullRequestSchema = z
  .looseObject({
    url: httpsUrl,
    number: z.number().int().min(0).optional(),
    title: z.string().max(1000).optional(),
    repository: z.string().max(300).optional(),
    sourceBranch: z.string().max(255).optional(),
    targetBranch: z.string().max(255).optional(),
    author: z.string().max(255).optional(),
    mergedAt: rfc3339.optional(),
  })
  .meta({ id: 'PullRequest', title: 'Pull request' });
export type PullRequest = z.infer<typeof pullRequestSchema>;

const envelope = {
  id: idSchema.describe('Unique per event: the idempotency key. The same id delivered again is not applied again.'),
  occurredAt: rfc3339.describe('When it happened at Backline (RFC 3339). Older events never move an issue backwards.'),
};

const findingsList = z.array(findingRefSchema).min(1).max(100);

/**
 * One event schema per type. `z.object` (not strict): unknown envelope and
 * `data` properties are accepted and dropped, for forward compatibility.
 */
function eventOf<T extends string, D extends z.ZodObject>(type: T, data: D, description: string) {
  return z.object({ ...envelope, type: z.literal(type), data }).meta({ id: `Event_${type}`, title: `${type} event`, description });
}

export const pingEventSchema = eventOf('ping', z.object({}), 'Verify connection: nothing happens in Jira; answers ok.');
export const findingCreatedEventSchema = eventOf(
  'finding.created',
  z.object({ finding: findingSchema }),
  "Creates the finding's Jira issue (or updates it if it already has one).",
);
export const findingUpdatedEventSchema = eventOf(
  'finding.updated',
  z.object({ finding: findingSchema }),
  "Updates the mapped fields of the finding's issue; creates it if none exists.",
);
export const findingResolvedEventSchema = eventOf(
  'finding.resolved',
  z.object({ finding: findingSchema, reason: resolveReasonSchema }),
  'Transitions the issue to the resolved status with a resolution chosen by reason, and comments why.',
);
export const findingReopenedEventSchema = eventOf(
  'finding.reopened',
  z.object({ finding: findingSchema }),
  'The finding was detected again: transitions the issue back to the reopened status; creates it if none exists.',
);
const prData = z.object({ remediation: remediationSchema, pullRequest: pullRequestSchema, findings: findingsList });
export const prOpenedEventSchema = eventOf(
  'remediation.pr_opened',
  prData,
  'A fix PR was opened: each finding’s issue moves to in progress, gets a comment and a remote link to the PR.',
);
export const prMergedEventSchema = eventOf('remediation.pr_merged', prData, 'The fix PR was merged: each issue moves to the fix-merged status.');
export const prClosedEventSchema = eventOf('remediation.pr_closed', prData, 'The fix PR was closed without merge: comments, and moves issues back to open.');
export const remediationResolvedEventSchema = eventOf(
  'remediation.resolved',
  z.object({ remediation: remediationSchema, findings: findingsList }),
  'The remediation was verified: each issue moves to the resolved status with resolution Fixed.',
);
export const issueLookupEventSchema = eventOf(
  'issue.lookup',
  z.object({ findingIds: z.array(idSchema).min(1).max(100) }),
  'Read only: answers the issue of each finding id that has one.',
);

export const eventSchema = z
  .discriminatedUnion('type', [
    pingEventSchema,
    findingCreatedEventSchema,
    findingUpdatedEventSchema,
    findingResolvedEventSchema,
    findingReopenedEventSchema,
    prOpenedEventSchema,
    prMergedEventSchema,
    prClosedEventSchema,
    remediationResolvedEventSchema,
    issueLookupEventSchema,
  ])
  .meta({ id: 'Event', title: 'Event', description: 'One Backline event; `type` selects the shape of `data`.' });
export type BacklineEvent = z.infer<typeof eventSchema>;
export type EventType = BacklineEvent['type'];
export const EVENT_TYPES: EventType[] = eventSchema.options.map((option) => option.shape.type.value);

export type FindingEvent = Extract<BacklineEvent, { type: `finding.${string}` }>;
export type RemediationEvent = Extract<BacklineEvent, { type: `remediation.${string}` }>;

export const MAX_BATCH_EVENTS = 100;
export const batchSchema = z
  .object({ events: z.array(eventSchema).min(1).max(MAX_BATCH_EVENTS).describe('Applied in array order; all-or-nothing validation.') })
  .meta({ id: 'Batch', title: 'Batch', description: '1 to 100 events, applied in array order.' });

/** The request body: one event, or a batch of 1–100 applied in order. */
export const requestBodySchema = z.union([eventSchema, batchSchema]).meta({
  title: 'Backline → Jira request body (event contract v1)',
  description: 'The body of a signed POST to the Backline for Jira web trigger: one event, or { "events": [...] }.',
});
