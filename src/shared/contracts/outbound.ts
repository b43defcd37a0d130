/**
 * The contract between the admin UI's outbound settings (Connection section:
 * Backline's endpoint, outbound dead letters) and their resolvers
 * (src/forge/entry/outbound-resolvers.ts), with the envelope of
 * envelope.ts. Every key is for Jira administrators only (checked as
 * the user first).
 */
import { z } from 'zod';
import type { ResolverResult } from './envelope';

const eventIdSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'expected an outbound event id');

export interface OutboundPayloads {
  'outbound/settings.get': Record<string, never>;
  'outbound/settings.set': { endpoint: string | null };
  'outbound/deadletters.list': Record<string, never>;
  'outbound/deadletters.retry': { eventIds: string[] };
  'outbound/deadletters.discard': { eventIds: string[] };
}

/** Typed per key, so a dispatcher indexing with its key gets that key's payload type back. */
export const outboundPayloadSchemas: { [K in keyof OutboundPayloads]: z.ZodType<OutboundPayloads[K]> } = {
  'outbound/settings.get': z.object({}).strict(),
  /** `null` or '' turns outbound events off. */
  'outbound/settings.set': z.object({ endpoint: z.string().max(500).nullable() }).strict(),
  'outbound/deadletters.list': z.object({}).strict(),
  'outbound/deadletters.retry': z.object({ eventIds: z.array(eventIdSchema).min(1).max(100) }).strict(),
  'outbound/deadletters.discard': z.object({ eventIds: z.array(eventIdSchema).min(1).max(100) }).strict(),
};

export type OutboundResolverKey = keyof OutboundPayloads;
export const OUTBOUND_RESOLVER_KEYS: OutboundResolverKey[] = ['outbound/settings.get', 'outbound/settings.set', 'outbound/deadletters.list', 'outbound/deadletters.retry', 'outbound/deadletters.discard'];
export type ParsedOutboundPayloadOf<K extends OutboundResolverKey> = OutboundPayloads[K];

export interface OutboundSettingsView {
  /** null: outbound events are off. */
  endpoint: string | null;
  updatedAt?: string;
  deadLetters: number;
}

export interface OutboundDeadLetterView {
  eventId: string;
  type: string;
  issueKey: string;
  projectKey: string;
  findingIds: string[];
  at: string;
  attempts: number;
  error: { code: string; message: string; status?: number };
}

export interface OutboundResultTypes {
  'outbound/settings.get': OutboundSettingsView;
  'outbound/settings.set': OutboundSettingsView;
  'outbound/deadletters.list': { items: OutboundDeadLetterView[] };
  'outbound/deadletters.retry': { outcomes: Array<{ eventId: string; status: 'queued' | 'missing' }> };
  'outbound/deadletters.discard': { discarded: number };
}

export type OutboundResultOf<K extends OutboundResolverKey> = OutboundResultTypes[K];
export type OutboundResolverResult<K extends OutboundResolverKey> = ResolverResult<OutboundResultOf<K>>;
