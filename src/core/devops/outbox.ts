/**
 * The Security tab and development panel sends that Jira did not take for a
 * reason that may pass (429, 5xx, no answer), kept in Forge storage until a
 * later send gets through. Nothing Backline reported is lost to a bad minute:
 * the bulk endpoints are upserts keyed by id with sequence numbers, so sending
 * a kept body again, even one Jira saved before it failed ("maybe saved"),
 * never duplicates anything and never overwrites newer state.
 *
 * Kept sends are retried by the next invocation that sends devops data
 * successfully (the registry, read anyway, says some are kept) and by the
 * hourly housekeeping job. After 7 days a kept send is given up, with an error
 * in the log: by then the findings' next events have sent their state again.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { JiraError } from '../jira/http';
import type { JiraRequest, JiraTransport, KeyValueStore, Logger } from '../ports';

export const DEVOPS_OUTBOX_PREFIX = 'devops-outbox:';
/** Under Forge's 240 KiB value limit (docs/platform-limits.md, KVS), with room for the envelope. */
export const MAX_KEPT_BODY_CHARS = 200_000;
export const KEPT_SEND_GIVE_UP_MS = 7 * 24 * 60 * 60 * 1000;
/** Kept sends retried by one invocation: bounded so a long outage never stalls an event's answer. */
export const MAX_RETRIES_PER_RUN = 10;

/** One bulk request: the security submit (`vulnerabilities`) or the dev-info store (`repositories`). */
export interface DevopsSend {
  path: string;
  body: Record<string, unknown>;
}

const keptSchema = z.object({
  version: z.literal(1),
  path: z.string(),
  body: z.record(z.string(), z.unknown()),
  attempts: z.number().int(),
  firstFailedAt: z.number(),
  lastError: z.string(),
});
type KeptSend = z.infer<typeof keptSchema>;

/** Whether Jira may take the same request later: rate limited, a server error, or no answer at all. */
export function mayPass(error: unknown): boolean {
  if (!(error instanceof JiraError)) return true;
  return error.status === 429 || error.status >= 500;
}

/** The array a bulk body carries its entities in. */
function entitiesKey(body: Record<string, unknown>): 'vulnerabilities' | 'repositories' | undefined {
  if (Array.isArray(body.vulnerabilities)) return 'vulnerabilities';
  if (Array.isArray(body.repositories)) return 'repositories';
  return undefined;
}

/** Splits a send into pieces whose bodies each fit one stored value (halving its entity list). */
export function splitToFit(send: DevopsSend): DevopsSend[] {
  const key = entitiesKey(send.body);
  const entities = key ? (send.body[key] as unknown[]) : [];
  if (JSON.stringify(send.body).length <= MAX_KEPT_BODY_CHARS || !key || entities.length < 2) return [send];
  const half = Math.ceil(entities.length / 2);
  return [entities.slice(0, half), entities.slice(half)].flatMap((part) => splitToFit({ path: send.path, body: { ...send.body, [key]: part } }));
}

/** Keeps sends for a later retry; answers how many values were stored. */
export async function keepForRetry(store: KeyValueStore, sends: DevopsSend[], now: number, error: unknown): Promise<number> {
  const lastError = error instanceof Error ? error.message : String(error);
  const pieces = sends.flatMap(splitToFit);
  const batch = randomUUID();
  for (const [index, piece] of pieces.entries()) {
    const kept: KeptSend = { version: 1, path: piece.path, body: piece.body, attempts: 1, firstFailedAt: now, lastError };
    // Time, then order within the batch, so a listing replays oldest first and in order; the batch id
    // keeps two invocations in the same millisecond apart.
    await store.set(`${DEVOPS_OUTBOX_PREFIX}${String(now).padStart(15, '0')}:${batch}:${String(index).padStart(4, '0')}`, kept);
  }
  return pieces.length;
}

export interface RetryReport {
  sent: number;
  /** Still kept after this run (failed again, or not reached). */
  kept: number;
  /** Given up after 7 days, or refused by Jira for good (4xx): reported in the log. */
  givenUp: number;
  requests: number;
}

export interface RetryDeps {
  jira: JiraTransport;
  store: KeyValueStore;
  logger: Logger;
  now: number;
}

async function send(jira: JiraTransport, path: string, body: unknown): Promise<void> {
  const request: JiraRequest = { method: 'POST', path, body };
  const response = await jira.request(request);
  if (response.status < 200 || response.status >= 300) throw new JiraError(request, response);
}

/** Sends kept bodies, oldest first, until one fails again for a passing reason (Jira is still unwell). */
export async function retryKept(deps: RetryDeps, limit = MAX_RETRIES_PER_RUN): Promise<RetryReport> {
  const { jira, store, logger, now } = deps;
  const report: RetryReport = { sent: 0, kept: 0, givenUp: 0, requests: 0 };
  const page = await store.list<unknown>(DEVOPS_OUTBOX_PREFIX, { limit: 100 });
  let stalled = false;
  for (const entry of page.items) {
    const kept = keptSchema.safeParse(entry.value);
    if (!kept.success) {
      logger.error('devops: unreadable kept send removed', { key: entry.key });
      await store.delete(entry.key);
      report.givenUp += 1;
      continue;
    }
    if (stalled || report.requests >= limit) {
      report.kept += 1;
      continue;
    }
    report.requests += 1;
    try {
      await send(jira, kept.data.path, kept.data.body);
      await store.delete(entry.key);
      report.sent += 1;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (mayPass(error) && now - kept.data.firstFailedAt < KEPT_SEND_GIVE_UP_MS) {
        await store.set(entry.key, { ...kept.data, attempts: kept.data.attempts + 1, lastError: message });
        report.kept += 1;
        stalled = true;
        continue;
      }
      logger.error('devops: kept send given up', { path: kept.data.path, attempts: kept.data.attempts + 1, firstFailedAt: new Date(kept.data.firstFailedAt).toISOString(), error: message });
      await store.delete(entry.key);
      report.givenUp += 1;
    }
  }
  // More than a page: the rest waits for the next run, and counts as kept.
  if (page.nextCursor) report.kept += 1;
  return report;
}
