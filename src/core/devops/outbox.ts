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
import { mergeVulnerability } from './batching';
import { MAX_VULNERABILITIES_PER_REQUEST, SECURITY_BULK_PATH, vulnerabilitySchema, type Vulnerability } from './model';

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

/** `keepForRetry`, a failure to store told in `problems`: answers how many values were stored, or undefined. */
export async function keepReporting(store: KeyValueStore, sends: DevopsSend[], now: number, problems: string[], why: unknown): Promise<number | undefined> {
  try {
    return await keepForRetry(store, sends, now, why);
  } catch (error) {
    problems.push(`could not keep the unsent requests: ${describeError(error)}`);
    return undefined;
  }
}

/** 403/404: the site has no Jira Software (or the module is not installed): stop asking for a day. */
export function absent(error: unknown): boolean {
  return error instanceof JiraError && (error.status === 403 || error.status === 404);
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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

/** A run of kept entries sent as one request: several security submits merged, or one kept body as it is. */
interface Batch {
  path: string;
  body: Record<string, unknown>;
  entries: Array<{ key: string; kept: KeptSend }>;
}

/**
 * Consecutive kept security submits become one (up to 1,000 vulnerabilities and one stored value's size):
 * sends held while Jira's hourly points were nearly spent (sender.ts) go in a few requests, not one per
 * event. A vulnerability kept twice goes once, the newer by sequence number (the bulk API keeps the newest
 * anyway). Other sends (the dev-info store) keep their own request, in order.
 */
function batchesOf(entries: Array<{ key: string; kept: KeptSend }>): Batch[] {
  const batches: Batch[] = [];
  for (const entry of entries) {
    const { path, body } = entry.kept;
    const last = batches.at(-1);
    const merged = path === SECURITY_BULK_PATH && last?.path === SECURITY_BULK_PATH ? mergeSubmits(last.body, body) : undefined;
    if (last && merged) {
      last.body = merged;
      last.entries.push(entry);
    } else batches.push({ path, body, entries: [entry] });
  }
  return batches;
}

/** Two security submit bodies as one, or undefined when the result would be too large for one request. */
function mergeSubmits(first: Record<string, unknown>, second: Record<string, unknown>): Record<string, unknown> | undefined {
  const byId = new Map<string, Vulnerability>();
  const listed = (list: unknown): unknown[] => (Array.isArray(list) ? (list as unknown[]) : []);
  for (const raw of [...listed(first.vulnerabilities), ...listed(second.vulnerabilities)]) {
    const parsed = vulnerabilitySchema.safeParse(raw);
    if (!parsed.success) return undefined;
    const known = byId.get(parsed.data.id);
    byId.set(parsed.data.id, !known ? parsed.data : known.updateSequenceNumber <= parsed.data.updateSequenceNumber ? mergeVulnerability(known, parsed.data) : mergeVulnerability(parsed.data, known));
  }
  const body = { ...first, vulnerabilities: [...byId.values()] };
  return byId.size <= MAX_VULNERABILITIES_PER_REQUEST && JSON.stringify(body).length <= MAX_KEPT_BODY_CHARS ? body : undefined;
}

/** Sends kept bodies, oldest first (consecutive security submits merged), until one fails again for a passing reason. */
export async function retryKept(deps: RetryDeps, limit = MAX_RETRIES_PER_RUN): Promise<RetryReport> {
  const { jira, store, logger, now } = deps;
  const report: RetryReport = { sent: 0, kept: 0, givenUp: 0, requests: 0 };
  const page = await store.list<unknown>(DEVOPS_OUTBOX_PREFIX, { limit: 100 });
  const readable: Array<{ key: string; kept: KeptSend }> = [];
  for (const entry of page.items) {
    const kept = keptSchema.safeParse(entry.value);
    if (kept.success) {
      readable.push({ key: entry.key, kept: kept.data });
      continue;
    }
    logger.error('devops: unreadable kept send removed', { key: entry.key });
    await store.delete(entry.key);
    report.givenUp += 1;
  }
  let stalled = false;
  for (const batch of batchesOf(readable)) {
    if (stalled || report.requests >= limit) {
      report.kept += batch.entries.length;
      continue;
    }
    report.requests += 1;
    try {
      await send(jira, batch.path, batch.body);
      for (const { key } of batch.entries) await store.delete(key);
      report.sent += batch.entries.length;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      for (const { key, kept } of batch.entries) {
        if (mayPass(error) && now - kept.firstFailedAt < KEPT_SEND_GIVE_UP_MS) {
          await store.set(key, { ...kept, attempts: kept.attempts + 1, lastError: message });
          report.kept += 1;
          stalled = true;
          continue;
        }
        logger.error('devops: kept send given up', { path: kept.path, attempts: kept.attempts + 1, firstFailedAt: new Date(kept.firstFailedAt).toISOString(), error: message });
        await store.delete(key);
        report.givenUp += 1;
      }
    }
  }
  // More than a page: the rest waits for the next run, and counts as kept.
  if (page.nextCursor) report.kept += 1;
  return report;
}
