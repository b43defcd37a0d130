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

const rfc3339 = z.iso.datetime({ offset: true });
const httpsUrl = z.url({ protocol: /^https$/, hostname: z.regexes.domain, error: 'expected an https URL' });
const isoDate = z.iso.date();

export const findingSchema = z.looseObject({
  id: idSchema,
  title: z.string().min(1).max(1000),
  severity: severitySchema,
  description: z.string().max(100_000).optional(),
  status: z.enum(['open', 'in_progress', 'resolved', 'ignored']).optional(),
  category: categorySchema.optional(),
  cvssScore: z.number().min(0).max(10).optional(),
  cvssVector: z.string().max(200).optional(),
  cveIds: z.array(z.string().max(64)).max(100).optional(),
  cweIds: z.array(z.string().max(64)).max(100).optional(),
  scanner: z.string().max(100).optional(),
  url: httpsUrl.optional(),
  repository: z
    .looseObject({ name: z.string().min(1).max(300), url: httpsUrl.optional(), defaultBranch: z.string().max(255).optional() })
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
  owner: z.looseObject({ email: z.email().optional(), team: z.string().max(200).optional() }).optional(),
  jira: z.looseObject({ projectKey: z.string().regex(/^[A-Z][A-Z0-9_]{0,254}$/, 'expected a Jira project key').optional() }).optional(),
});
export type Finding = z.infer<typeof findingSchema>;

/**
 * A finding inside a remediation event: at least `id`. When it also carries
 * `title` and `severity` it is a full finding and can create its issue.
 */
export const findingRefSchema = z.looseObject({ id: idSchema }).superRefine((value, ctx) => {
  if (value.title === undefined && value.severity === undefined) return;
  const full = findingSchema.safeParse(value);
  if (!full.success) for (const issue of full.error.issues) ctx.addIssue({ ...issue, code: 'custom', message: issue.message });
});
export type FindingRef = z.infer<typeof findingRefSchema>;

export const remediationSchema = z.looseObject({
  id: idSchema,
  title: z.string().max(1000).optional(),
  mode: z.enum(['automated', 'hybrid']).optional(),
  url: httpsUrl.optional(),
});
export type Remediation = z.infer<typeof remediationSchema>;

export const pullRequestSchema = z.looseObject({
  url: httpsUrl,
  number: z.number().int().min(0).optional(),
  title: z.string().max(1000).optional(),
  repository: z.string().max(300).optional(),
  sourceBranch: z.string().max(255).optional(),
  targetBranch: z.string().max(255).optional(),
  author: z.string().max(255).optional(),
  mergedAt: rfc3339.optional(),
});
export type PullRequest = z.infer<typeof pullRequestSchema>;

const envelope = {
  id: idSchema,
  occurredAt: rfc3339,
};

const findingsList = z.array(findingRefSchema).min(1).max(100);

export const pingEventSchema = z.object({ ...envelope, type: z.literal('ping'), data: z.object({}) });
export const findingCreatedEventSchema = z.object({ ...envelope, type: z.literal('finding.created'), data: z.object({ finding: findingSchema }) });
export const findingUpdatedEventSchema = z.object({ ...envelope, type: z.literal('finding.updated'), data: z.object({ finding: findingSchema }) });
export const findingResolvedEventSchema = z.object({
  ...envelope,
  type: z.literal('finding.resolved'),
  data: z.object({ finding: findingSchema, reason: resolveReasonSchema }),
});
export const findingReopenedEventSchema = z.object({ ...envelope, type: z.literal('finding.reopened'), data: z.object({ finding: findingSchema }) });
const prData = z.object({ remediation: remediationSchema, pullRequest: pullRequestSchema, findings: findingsList });
export const prOpenedEventSchema = z.object({ ...envelope, type: z.literal('remediation.pr_opened'), data: prData });
export const prMergedEventSchema = z.object({ ...envelope, type: z.literal('remediation.pr_merged'), data: prData });
export const prClosedEventSchema = z.object({ ...envelope, type: z.literal('remediation.pr_closed'), data: prData });
export const remediationResolvedEventSchema = z.object({
  ...envelope,
  type: z.literal('remediation.resolved'),
  data: z.object({ remediation: remediationSchema, findings: findingsList }),
});
export const issueLookupEventSchema = z.object({
  ...envelope,
  type: z.literal('issue.lookup'),
  data: z.object({ findingIds: z.array(idSchema).min(1).max(100) }),
});

export const eventSchema = z.discriminatedUnion('type', [
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
]);
export type BacklineEvent = z.infer<typeof eventSchema>;
export type EventType = BacklineEvent['type'];
export const EVENT_TYPES = eventSchema.options.map((option) => option.shape.type.value) as EventType[];

export type FindingEvent = Extract<BacklineEvent, { type: `finding.${string}` }>;
export type RemediationEvent = Extract<BacklineEvent, { type: `remediation.${string}` }>;

export const MAX_BATCH_EVENTS = 100;
export const batchSchema = z.object({ events: z.array(eventSchema).min(1).max(MAX_BATCH_EVENTS) });

/** The request body: one event, or a batch of 1–100 applied in order. */
export const requestBodySchema = z.union([eventSchema, batchSchema]);
