/**
 * The contract between the admin UI's Notifications, Activity and Dead
 * letters sections and their resolvers (src/forge/entry/failures-resolvers.ts),
 * with the same envelope and conventions as admin.ts: keys
 * namespaced, payloads validated on the server with these schemas, results
 * typed here once. Every key is for Jira administrators only (checked as the
 * user on the first line of each resolver).
 */
import { z } from 'zod';
import { RESULT_STATUSES, type ResultStatus } from '../../core/results';
import type { ResolverResult } from './envelope';


const projectKeySchema = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected a Jira project key such as SEC');
/** `-` = events that never reached a project. */
const projectFilterSchema = z.union([projectKeySchema, z.literal('-')]);
const eventIdSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'expected a Backline event id');

export interface NotificationSettingsView {
  configured: boolean;
  /** The last characters of the stored URL; the URL itself never leaves the server. */
  hint?: string;
  updatedAt?: string;
  lastTest?: { at: string; ok: boolean; message: string };
}

export interface ActivityItemView {
  id: string;
  at: string;
  projectKey: string | null;
  status: ResultStatus;
  findingId: string | null;
  type: string;
  eventId: string;
  issueKey?: string;
  issueUrl?: string;
  jiraRequests: number;
  rule?: string;
  reason?: string;
  error?: { code: string; message: string; retryable: boolean };
  planned: string[];
  done: string[];
}

/** One event (all its attempts and findings): what the Activity table shows. */
export interface EventActivityView {
  eventId: string;
  type: string;
  /** The newest attempt (RFC 3339). */
  at: string;
  firstAt: string;
  attempts: number;
  state: 'queued' | 'retrying' | 'applied' | 'skipped' | 'dead-letter' | 'failed';
  projectKey: string | null;
  findingIds: string[];
  issues: Array<{ key: string; url?: string }>;
  /** What the newest attempt did in Jira, in words. */
  summary: string;
  jiraRequests: number;
  rule?: string;
  reason?: string;
  error?: { code: string; message: string; retryable: boolean };
  /** Queued or retrying: when the queue tries it next (RFC 3339), when the app asked the queue to wait. */
  nextAttemptAt?: string;
}

export interface DeadLetterView {
  eventId: string;
  projectKey: string | null;
  at: string;
  type: string;
  findingIds: string[];
  error?: { code: string; message: string; retryable: boolean };
  retries: number;
  replays: number;
  source: 'inline' | 'consumer' | 'retry';
  /** The full event as Backline sent it (null when it is not a valid event any more). */
  event: unknown;
}

export interface RetryOutcomeView {
  eventId: string;
  status: ResultStatus | 'missing' | 'unreadable';
  issues?: Array<{ key: string; url: string }>;
  error?: { code: string; message: string };
}

export interface DriftView {
  projectKey: string;
  problems: Array<{ path: string; message: string }>;
  isNew: boolean;
  error?: string;
}

const selection = z.union([z.object({ eventIds: z.array(eventIdSchema).min(1).max(100) }).strict(), z.object({ projectKey: projectFilterSchema }).strict()]);

export const failurePayloadSchemas = {
  'notifications/get': z.object({}).strict(),
  'notifications/set': z.object({ url: z.string().min(1).max(500) }).strict(),
  'notifications/clear': z.object({}).strict(),
  'notifications/test': z.object({}).strict(),
  'activity/list': z
    .object({
      projectKey: projectFilterSchema.optional(),
      status: z.enum(RESULT_STATUSES).optional(),
      findingId: eventIdSchema.optional(),
      from: z.string().datetime().optional(),
      to: z.string().datetime().optional(),
      cursor: z.string().max(2000).optional(),
      limit: z.number().int().min(1).max(100).optional(),
    })
    .strict(),
  /** Activity one row per event; `pending`: only events still waiting to be applied (queued or retrying). */
  'activity/events': z
    .object({
      projectKey: projectFilterSchema.optional(),
      pending: z.boolean().optional(),
      cursor: z.string().max(2000).optional(),
    })
    .strict(),
  'deadletters/list': z.object({ projectKey: projectFilterSchema.optional(), offset: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(100).optional() }).strict(),
  'deadletters/retry': selection,
  'deadletters/discard': selection,
  'drift/check': z.object({}).strict(),
} as const;

export type FailureResolverKey = keyof typeof failurePayloadSchemas;
export const FAILURE_RESOLVER_KEYS = Object.keys(failurePayloadSchemas) as FailureResolverKey[];

export type FailurePayloadOf<K extends FailureResolverKey> = z.input<(typeof failurePayloadSchemas)[K]>;
export type ParsedFailurePayloadOf<K extends FailureResolverKey> = z.output<(typeof failurePayloadSchemas)[K]>;

export interface FailureResultTypes {
  'notifications/get': NotificationSettingsView;
  'notifications/set': NotificationSettingsView;
  'notifications/clear': NotificationSettingsView;
  'notifications/test': { ok: boolean; message: string };
  'activity/list': { items: ActivityItemView[]; nextCursor?: string };
  'activity/events': { events: EventActivityView[]; nextCursor?: string };
  'deadletters/list': { items: DeadLetterView[]; total: number; byProject: Array<{ projectKey: string | null; count: number }> };
  /** `message`: one sentence with how many were applied, queued again, or failed again. */
  'deadletters/retry': { outcomes: RetryOutcomeView[]; message: string };
  'deadletters/discard': { discarded: number };
  'drift/check': { projects: DriftView[] };
}

export type FailureResultOf<K extends FailureResolverKey> = FailureResultTypes[K];
export type FailureResolverResult<K extends FailureResolverKey> = ResolverResult<FailureResultOf<K>>;
