/**
 * Outbound events Backline did not take: refused (a 4xx other than 408/425/429)
 * or unreachable for 24 hours. Each is kept in KVS under
 * `outbound:deadletter:<eventId>` with the event and the last error, shown to
 * Jira admins next to the inbound dead letters (docs/failures.md), and retried
 * through the same queue path as a first delivery (with a new 24-hour window).
 * Keeping one also goes through the failures feature's Slack notifier.
 */
import { z } from 'zod';
import { notifierFor } from '../failures/hooks';
import type { Platform, Queue } from '../ports';
import { type OutboundEvent, outboundEventSchema } from './contract';
import type { SendJob } from './jobs';

export const OUTBOUND_DEAD_LETTER_PREFIX = 'outbound:deadletter:';
export const outboundDeadLetterKey = (eventId: string): string => `${OUTBOUND_DEAD_LETTER_PREFIX}${eventId}`;

export const OUTBOUND_FAILURE_CODES = ['BACKLINE_REJECTED', 'BACKLINE_UNREACHABLE'] as const;
export type OutboundFailureCode = (typeof OUTBOUND_FAILURE_CODES)[number];

const storedSchema = z.object({
  event: outboundEventSchema,
  error: z.object({ code: z.enum(OUTBOUND_FAILURE_CODES), message: z.string(), status: z.number().optional() }),
  at: z.number(),
  attempts: z.number(),
  firstAttemptAt: z.number(),
});
export type OutboundDeadLetter = z.infer<typeof storedSchema>;

export async function keepOutboundDeadLetter(platform: Platform, letter: OutboundDeadLetter): Promise<void> {
  await platform.store.set(outboundDeadLetterKey(letter.event.id), letter);
  platform.logger.warn('outbound event kept as a dead letter', { eventId: letter.event.id, code: letter.error.code, status: letter.error.status });
  await notifierFor(platform).onFailure(letter.event.data.issue.projectKey, letter.error.code, letter.error.message, letter.event.id);
}

/** Every outbound dead letter (bounded: 20 pages of 100), newest first. */
export async function listOutboundDeadLetters(platform: Platform): Promise<OutboundDeadLetter[]> {
  const letters: OutboundDeadLetter[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const result = await platform.store.list<unknown>(OUTBOUND_DEAD_LETTER_PREFIX, { limit: 100, ...(cursor ? { cursor } : {}) });
    for (const entry of result.items) {
      const parsed = storedSchema.safeParse(entry.value);
      if (parsed.success) letters.push(parsed.data);
    }
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return letters.sort((a, b) => b.at - a.at || a.event.id.localeCompare(b.event.id));
}

export interface OutboundRetryOutcome {
  eventId: string;
  status: 'queued' | 'missing';
}

/** Hands dead letters back to the queue, oldest first, each with a fresh 24-hour window; a failure brings it back here. */
export async function retryOutboundDeadLetters(platform: Platform, queue: Queue, eventIds: string[]): Promise<OutboundRetryOutcome[]> {
  const outcomes: OutboundRetryOutcome[] = [];
  const found: OutboundEvent[] = [];
  const letters: OutboundDeadLetter[] = [];
  for (const eventId of eventIds) {
    const parsed = storedSchema.safeParse(await platform.store.get<unknown>(outboundDeadLetterKey(eventId)));
    if (parsed.success) letters.push(parsed.data);
    else outcomes.push({ eventId, status: 'missing' });
  }
  letters.sort((a, b) => a.at - b.at);
  for (const letter of letters) found.push(letter.event);
  if (found.length === 0) return outcomes;
  const now = platform.clock.now();
  const jobs: SendJob[] = found.map((event) => ({ job: 'outbound.send', event, firstAttemptAt: now, attempt: 0 }));
  await queue.push(jobs.map((body) => ({ body })));
  for (const event of found) {
    await platform.store.delete(outboundDeadLetterKey(event.id));
    outcomes.push({ eventId: event.id, status: 'queued' });
  }
  return outcomes;
}

export async function discardOutboundDeadLetters(platform: Platform, eventIds: string[]): Promise<number> {
  let removed = 0;
  for (const eventId of eventIds) {
    if ((await platform.store.get<unknown>(outboundDeadLetterKey(eventId))) === undefined) continue;
    await platform.store.delete(outboundDeadLetterKey(eventId));
    removed += 1;
  }
  return removed;
}
