/**
 * Events that failed for good: a final failure (MAPPING_INVALID,
 * JIRA_REJECTED, NO_ROUTE …) of an event applied inline by the web trigger, or
 * a queued event whose retries ran out. Each is kept in KVS under
 * `deadletter:<eventId>` (the key the queue consumer has always used) with
 * the full event and the error, so an admin can fix the cause and Retry it
 * (through the same idempotent processor path as a new delivery) or Discard it.
 *
 * Every dead letter is written by `keepDeadLetter` (the processor's final
 * inline failures through the outcome hook in hooks.ts, the queue consumer's
 * given-up events and unreadable messages through src/core/engine.ts). Retrying
 * them is replay.ts.
 */
import { z } from 'zod';
import { ConfigRepository } from '../config/repository';
import { findingIdsOf } from '../events/finding-ids';
import { eventSchema, type BacklineEvent } from '../events/schema';
import type { Platform } from '../ports';
import type { ResultError } from '../results';
import type { DeadLetterView } from '../../shared/contracts/failures';
import { routeFinding } from '../routing';
import { LinkStore } from '../sync/links';
import { INLINE_EVENT_BYTES, deleteParts, readParts, splitForStorage, storedBytes, writeParts } from './dead-letter-parts';
import { Notifier } from './notifications';

export const DEAD_LETTER_PREFIX = 'deadletter:';
export const deadLetterKey = (eventId: string): string => `${DEAD_LETTER_PREFIX}${eventId}`;

const resultErrorSchema = z.object({ code: z.string(), message: z.string(), retryable: z.boolean() });

const storedSchema = z.object({
  /** The event; absent when it is kept in `parts` (dead-letter-parts.ts). */
  event: z.unknown().optional(),
  /** How many `deadletter-part:` keys hold the event's JSON. */
  parts: z.number().int().positive().optional(),
  /** What the listing shows of an event kept in parts. */
  summary: z.object({ type: z.string(), findingIds: z.array(z.string()) }).optional(),
  error: resultErrorSchema.optional(),
  at: z.number(),
  retries: z.number().optional(),
  projectKey: z.string().optional(),
  source: z.enum(['inline', 'consumer', 'retry']).optional(),
  replays: z.number().optional(),
});

/** A dead letter as stored (the resolvers' `DeadLetterView` with the time as a number and the event parsed). */
export interface DeadLetter extends Omit<DeadLetterView, 'at' | 'event'> {
  at: number;
  /** The event as Backline sent it (validated again before a retry); null when it is not a valid event. */
  event: BacklineEvent | null;
}


/** A stored head as a dead letter; an event kept in parts is `null` here (see `getDeadLetter`) but keeps its summary. */
function toDeadLetter(key: string, raw: unknown, partsEvent?: unknown): DeadLetter | undefined {
  const stored = storedSchema.safeParse(raw);
  if (!stored.success) return undefined;
  const s = stored.data;
  const event = eventSchema.safeParse(s.parts ? partsEvent : s.event);
  const summary = event.success ? { type: event.data.type, findingIds: findingIdsOf(event.data) } : s.summary;
  return {
    eventId: event.success ? event.data.id : key.slice(DEAD_LETTER_PREFIX.length),
    projectKey: s.projectKey && s.projectKey !== '-' ? s.projectKey : null,
    at: s.at,
    type: summary?.type ?? 'unreadable',
    findingIds: summary?.findingIds ?? [],
    ...(s.error ? { error: s.error } : {}),
    retries: s.retries ?? 0,
    replays: s.replays ?? 0,
    source: s.source ?? 'consumer',
    event: event.success ? event.data : null,
  };
}

/** The project an event was about, for a dead letter written without one: its link, else its route. */
async function projectOf(platform: Platform, event: BacklineEvent): Promise<string | undefined> {
  const ids = findingIdsOf(event);
  const first = ids[0];
  if (!first) return undefined;
  const link = await new LinkStore(platform.store).get(first);
  if (link) return link.projectKey;
  if (!('finding' in event.data)) return undefined;
  const configs = new ConfigRepository(platform.store, platform.clock);
  const decision = routeFinding(event.data.finding, await configs.getGlobal(), await configs.listProjects());
  return decision.ok ? decision.projectKey : undefined;
}

export interface KeepOptions {
  /** The event; for a queued message that is not a valid event, whatever it carried (listed as `unreadable`). */
  event: unknown;
  error?: ResultError;
  /** Known from the processor's outcome; looked up from the link or routing when absent. */
  projectKey?: string;
  retries?: number;
  source: DeadLetter['source'];
  /** Tell Slack (default true). */
  notify?: boolean;
}

/** The key of an unreadable message: its own id when it has one, else when it was given up. */
function keyIdOf(raw: unknown, now: number): string {
  const id = raw && typeof raw === 'object' && 'id' in raw && typeof raw.id === 'string' && raw.id.length > 0 ? raw.id : undefined;
  return id ?? `unreadable-${now}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Keeps a final failure. Never throws: losing the dead letter must not turn a
 * final failure into a platform retry storm, so a storage error is logged.
 */
export async function keepDeadLetter(platform: Platform, options: KeepOptions, notifier: Notifier = new Notifier(platform)): Promise<void> {
  const parsed = eventSchema.safeParse(options.event);
  const event = parsed.success ? parsed.data : undefined;
  const eventId = event?.id ?? keyIdOf(options.event, platform.clock.now());
  try {
    const projectKey = options.projectKey || (event ? await projectOf(platform, event).catch(() => undefined) : undefined) || '-';
    const previous = storedSchema.safeParse(await platform.store.get<unknown>(deadLetterKey(eventId)));
    const previousParts = previous.success ? (previous.data.parts ?? 0) : 0;
    // Whatever its size (docs/platform-limits.md "Storage": 240 KiB a value): a big event goes in parts, written before the head.
    const parts = storedBytes(options.event) > INLINE_EVENT_BYTES ? splitForStorage(JSON.stringify(options.event)) : [];
    if (parts.length > 0 || previousParts > 0) await writeParts(platform.store, eventId, parts, previousParts);
    await platform.store.set(deadLetterKey(eventId), {
      ...(parts.length > 0 ? { parts: parts.length, ...(event ? { summary: { type: event.type, findingIds: findingIdsOf(event) } } : {}) } : { event: options.event }),
      ...(options.error ? { error: options.error } : {}),
      at: platform.clock.now(),
      retries: options.retries ?? 0,
      projectKey,
      source: options.source,
      // Failing again after a retry (or a re-delivery) counts as a replay.
      replays: previous.success ? (previous.data.replays ?? 0) + 1 : 0,
    });
    platform.logger.warn('event kept as a dead letter', { eventId, projectKey, code: options.error?.code });
    if (options.notify !== false && options.error) await notifier.onFailure(projectKey, options.error.code, options.error.message, eventId);
  } catch (error) {
    platform.logger.error('could not keep a dead letter', { eventId, error: error instanceof Error ? error.message : String(error) });
  }
}

export interface DeadLetterSummary {
  projectKey: string | null;
  count: number;
}

/** Every dead letter (bounded scan: 50 pages of 100), newest first. */
async function scan(platform: Platform): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const result = await platform.store.list<unknown>(DEAD_LETTER_PREFIX, { limit: 100, ...(cursor ? { cursor } : {}) });
    for (const entry of result.items) {
      const letter = toDeadLetter(entry.key, entry.value);
      if (letter) letters.push(letter);
    }
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return letters.sort((a, b) => b.at - a.at || a.eventId.localeCompare(b.eventId));
}

/** `projectKey`: a project, `'-'` for events without one, undefined for all. */
export async function listDeadLetters(platform: Platform, options: { projectKey?: string; offset?: number; limit?: number } = {}): Promise<{ items: DeadLetter[]; total: number; byProject: DeadLetterSummary[] }> {
  const all = await scan(platform);
  const counts = new Map<string | null, number>();
  for (const l of all) counts.set(l.projectKey, (counts.get(l.projectKey) ?? 0) + 1);
  const wanted = options.projectKey === undefined ? all : all.filter((l) => (l.projectKey ?? '-') === options.projectKey);
  const offset = Math.max(0, options.offset ?? 0);
  const limit = Math.max(1, Math.min(options.limit ?? 50, 100));
  return {
    items: wanted.slice(offset, offset + limit),
    total: wanted.length,
    byProject: [...counts.entries()].map(([projectKey, count]) => ({ projectKey, count })).sort((a, b) => (a.projectKey ?? '').localeCompare(b.projectKey ?? '')),
  };
}

/** One dead letter with its event (read back from its parts when it was kept in parts). */
export async function getDeadLetter(platform: Platform, eventId: string): Promise<DeadLetter | undefined> {
  const raw = await platform.store.get<unknown>(deadLetterKey(eventId));
  const stored = storedSchema.safeParse(raw);
  const parts = stored.success ? stored.data.parts : undefined;
  return toDeadLetter(deadLetterKey(eventId), raw, parts ? await readParts(platform.store, eventId, parts) : undefined);
}

/** Removes dead letters (and their parts); answers how many there were. */
export async function discardDeadLetters(platform: Platform, eventIds: string[]): Promise<number> {
  let removed = 0;
  for (const id of eventIds) {
    const raw = await platform.store.get<unknown>(deadLetterKey(id));
    if (raw === undefined) continue;
    await platform.store.delete(deadLetterKey(id));
    const stored = storedSchema.safeParse(raw);
    if (stored.success && stored.data.parts) await deleteParts(platform.store, id, stored.data.parts);
    removed += 1;
  }
  return removed;
}

export async function deadLetterIdsOfProject(platform: Platform, projectKey: string): Promise<string[]> {
  return (await scan(platform)).filter((l) => (l.projectKey ?? '-') === projectKey).map((l) => l.eventId);
}

