/**
 * Events that failed for good: a final failure (MAPPING_INVALID,
 * JIRA_REJECTED, NO_ROUTE …) of an event applied inline by the web trigger, or
 * a queued event whose retries ran out. Each is kept in KVS under
 * `deadletter:<eventId>` (the key the queue consumer has always used) with
 * the full event and the error, so an admin can fix the cause and Retry it
 * (through the same idempotent processor path as a new delivery) or Discard it.
 *
 * Retrying many at once runs inline until the resolver's deadline; what does
 * not fit goes to the Forge queue (the processor does that itself), and a
 * queued event that fails again comes back here.
 */
import { z } from 'zod';
import { ConfigRepository } from '../config/repository';
import { eventSchema, type BacklineEvent } from '../events/schema';
import type { Platform } from '../ports';
import type { EventResult, ResultError } from '../results';
import { routeFinding } from '../routing';
import { LinkStore } from '../sync/links';
import { createEventProcessor, type EventProcessor } from '../sync/processor';
import { Notifier } from './notifications';

export const DEAD_LETTER_PREFIX = 'deadletter:';
export const deadLetterKey = (eventId: string): string => `${DEAD_LETTER_PREFIX}${eventId}`;

const resultErrorSchema = z.object({ code: z.string(), message: z.string(), retryable: z.boolean() });

const storedSchema = z.object({
  event: z.unknown(),
  error: resultErrorSchema.optional(),
  at: z.number(),
  retries: z.number().optional(),
  projectKey: z.string().optional(),
  source: z.enum(['inline', 'consumer', 'retry']).optional(),
  replays: z.number().optional(),
});

export interface DeadLetter {
  eventId: string;
  /** null: the event never reached a project (NO_ROUTE, NOT_CONFIGURED) or its project is unknown. */
  projectKey: string | null;
  at: number;
  type: string;
  findingIds: string[];
  error?: { code: string; message: string; retryable: boolean };
  /** Queue deliveries before it was given up. */
  retries: number;
  /** Times an admin retried it and it failed again. */
  replays: number;
  source: 'inline' | 'consumer' | 'retry';
  /** The event as Backline sent it (validated again before a retry). */
  event: BacklineEvent | null;
}

function findingIdsOf(event: BacklineEvent): string[] {
  if ('finding' in event.data) return [event.data.finding.id];
  if ('findings' in event.data) return event.data.findings.map((f) => f.id);
  if ('findingIds' in event.data) return event.data.findingIds;
  return [];
}

function toDeadLetter(key: string, raw: unknown): DeadLetter | undefined {
  const stored = storedSchema.safeParse(raw);
  if (!stored.success) return undefined;
  const event = eventSchema.safeParse(stored.data.event);
  const s = stored.data;
  return {
    eventId: event.success ? event.data.id : key.slice(DEAD_LETTER_PREFIX.length),
    projectKey: s.projectKey && s.projectKey !== '-' ? s.projectKey : null,
    at: s.at,
    type: event.success ? event.data.type : 'unreadable',
    findingIds: event.success ? findingIdsOf(event.data) : [],
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
  event: BacklineEvent;
  error?: ResultError;
  /** Known from the processor's outcome; looked up from the link or routing when absent. */
  projectKey?: string;
  retries?: number;
  source: DeadLetter['source'];
  /** Tell Slack (default true). */
  notify?: boolean;
}

/**
 * Keeps a final failure. Never throws: losing the dead letter must not turn a
 * final failure into a platform retry storm, so a storage error is logged.
 */
export async function keepDeadLetter(platform: Platform, options: KeepOptions, notifier: Notifier = new Notifier(platform)): Promise<void> {
  const { event } = options;
  try {
    const projectKey = options.projectKey || (await projectOf(platform, event).catch(() => undefined)) || '-';
    const previous = storedSchema.safeParse(await platform.store.get<unknown>(deadLetterKey(event.id)));
    await platform.store.set(deadLetterKey(event.id), {
      event,
      ...(options.error ? { error: options.error } : {}),
      at: platform.clock.now(),
      retries: options.retries ?? 0,
      projectKey,
      source: options.source,
      // Failing again after a retry (or a re-delivery) counts as a replay.
      replays: previous.success ? (previous.data.replays ?? 0) + 1 : 0,
    });
    platform.logger.warn('event kept as a dead letter', { eventId: event.id, projectKey, code: options.error?.code });
    if (options.notify !== false && options.error) await notifier.onFailure(projectKey, options.error.code, options.error.message, event.id);
  } catch (error) {
    platform.logger.error('could not keep a dead letter', { eventId: event.id, error: error instanceof Error ? error.message : String(error) });
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

export async function getDeadLetter(platform: Platform, eventId: string): Promise<DeadLetter | undefined> {
  return toDeadLetter(deadLetterKey(eventId), await platform.store.get<unknown>(deadLetterKey(eventId)));
}

export async function discardDeadLetters(platform: Platform, eventIds: string[]): Promise<number> {
  let removed = 0;
  for (const id of eventIds) {
    if ((await platform.store.get<unknown>(deadLetterKey(id))) === undefined) continue;
    await platform.store.delete(deadLetterKey(id));
    removed += 1;
  }
  return removed;
}

export interface RetryOutcome {
  eventId: string;
  /** The processor's result status (`queued` = handed to the queue; it comes back here if it fails again). */
  status: EventResult['status'] | 'missing' | 'unreadable';
  issues?: Array<{ key: string; url: string }>;
  error?: { code: string; message: string };
}

/**
 * Re-runs dead letters through the processor, oldest first (events of one
 * finding keep their order). A success (or a duplicate: it was applied by a
 * later delivery) removes the dead letter; a failure keeps it with the new error.
 */
export async function retryDeadLetters(
  platform: Platform,
  eventIds: string[],
  options: { deadlineAt: number; processor?: EventProcessor },
): Promise<RetryOutcome[]> {
  const outcomes: RetryOutcome[] = [];
  const letters: DeadLetter[] = [];
  for (const id of eventIds) {
    const letter = await getDeadLetter(platform, id);
    if (!letter) outcomes.push({ eventId: id, status: 'missing', error: { code: 'NOT_FOUND', message: 'No dead letter with this id: it was retried or discarded already.' } });
    else if (!letter.event) outcomes.push({ eventId: id, status: 'unreadable', error: { code: 'INVALID_EVENT', message: 'The stored event is not a valid Backline event; it cannot be retried. Discard it.' } });
    else letters.push(letter);
  }
  letters.sort((a, b) => a.at - b.at);
  const events = letters.flatMap((l) => (l.event ? [l.event] : []));
  if (events.length === 0) return outcomes;
  const processor = options.processor ?? createEventProcessor(platform);
  const results = await processor.process(events, { deadlineAt: options.deadlineAt });
  for (const result of results) {
    if (result.status !== 'failed') await platform.store.delete(deadLetterKey(result.eventId));
    outcomes.push({
      eventId: result.eventId,
      status: result.status,
      ...(result.issues ? { issues: result.issues.map((i) => ({ key: i.key, url: i.url })) } : {}),
      ...(result.error ? { error: { code: result.error.code, message: result.error.message } } : {}),
    });
  }
  return outcomes;
}

export async function deadLetterIdsOfProject(platform: Platform, projectKey: string): Promise<string[]> {
  return (await scan(platform)).filter((l) => (l.projectKey ?? '-') === projectKey).map((l) => l.eventId);
}

