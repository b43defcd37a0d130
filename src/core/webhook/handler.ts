/**
 * The Backline web trigger, platform-free (docs/events.md §1–3 and 5).
 * Order matters and is part of the security design:
 *
 *   method → size → signature → JSON → schema → configured? → process → HTTP status
 *
 * Nothing is parsed, stored or logged from the body before the signature
 * verifies, and nothing is stored for a request that fails any check before
 * processing. Every answer is JSON; bad input is a 4xx, never a 500: anything
 * unexpected becomes a retryable 503 (Backline retries, idempotency makes that
 * safe).
 */
import { ConfigRepository } from '../config/repository';
import type { ErrorCode, ErrorDetail } from '../errors';
import { isCodedError } from '../errors';
import { verifySignature, SIGNATURE_HEADER } from '../events/signature';
import type { BacklineEvent, EventType } from '../events/schema';
import { validateRequestBody } from '../events/validate';
import type { Platform } from '../ports';
import { Primed, type Prefetch } from '../prefetch';
import type { EventResult, ResultStatus } from '../results';
import type { SecretCache } from '../secrets/secret-cache';
import { acceptedSigningSecrets, SIGNING_SECRET_KEY } from '../secrets/signing-secret';
import { LAST_EVENT_KEY, recordLastEvent, type LastEventOutcome } from './connection-status';

/** docs/events.md §1: bodies over 1 MiB (UTF-8 bytes) are refused with 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Time the processor may spend before handing the rest to the queue. Forge
 * kills a web trigger at 55 s (docs/platform-limits.md "Invocation limits"); 25 s keeps
 * Backline's HTTP client (webhook senders commonly time out at ~30 s) from
 * giving up on a request we are still applying, and leaves 30 s for a Jira call
 * already in flight (Jira may answer slowly), queueing the remainder and
 * answering. Anything not done by then is answered `queued` (202).
 */
export const PROCESSING_BUDGET_MS = 25_000;

/** Retry-After for 503s when no better hint exists; Backline backs off from there. */
export const DEFAULT_RETRY_AFTER_SECONDS = 30;

/** Only these event types may arrive before any Jira project is connected (Verify connection, lookups). */
const TYPES_WITHOUT_CONFIG: ReadonlySet<EventType> = new Set<EventType>(['ping', 'issue.lookup']);

export interface WebtriggerRequest {
  method: string;
  /** Forge gives every header as an array of values, names in any case. */
  headers: Record<string, string[] | undefined>;
  body?: string | null;
}

export interface WebtriggerResponse {
  statusCode: number;
  headers: Record<string, string[]>;
  body: string;
}

export interface WebtriggerDeps {
  platform: Platform;
  /** The sync processor (`createEventProcessor(platform).process`): one result per event, in order. */
  processEvents(events: BacklineEvent[], options: { deadlineAt: number }): Promise<EventResult[]>;
  /** Starts the processor's first reads (EventProcessor.prepare) while the handler asks whether a project is connected. */
  prepareEvents?: (events: BacklineEvent[]) => Promise<void>;
  /** Gives back what `prepareEvents` claimed when the events are not processed (EventProcessor.abandon). */
  abandonPrepared?: () => Promise<void>;
  /** Whether any Jira project is connected; default: `ConfigRepository.hasAnyProject()` (one KVS list). */
  hasAnyProject?: () => Promise<boolean>;
  /** Shared with the processor: the "last event" record rides in its first storage batch. */
  prefetch?: Prefetch;
  /** The signing secret remembered by this function instance between deliveries (secret-cache.ts). */
  signingSecrets?: SecretCache;
}

interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: ErrorDetail[];
  retryable?: boolean;
}

function json(statusCode: number, payload: unknown, extraHeaders: Record<string, string[]> = {}): WebtriggerResponse {
  return {
    statusCode,
    headers: { 'Content-Type': ['application/json'], ...extraHeaders },
    body: JSON.stringify(payload),
  };
}

function errorResponse(statusCode: number, error: ErrorBody, extraHeaders: Record<string, string[]> = {}): WebtriggerResponse {
  return json(statusCode, { error }, extraHeaders);
}

function unavailable(message = 'temporarily unable to process the request; retry later', code: ErrorCode = 'INTERNAL'): WebtriggerResponse {
  return errorResponse(503, { code, message, retryable: true }, { 'Retry-After': [String(DEFAULT_RETRY_AFTER_SECONDS)] });
}

/** Exactly the contract's 401 body: never which part of the signature failed. */
export const UNAUTHORIZED_BODY = '{"error":{"code":"UNAUTHORIZED","message":"invalid or missing signature"}}';

/** Header lookup ignoring case (HTTP header names are case-insensitive; Forge does not normalise them). */
export function headerValue(headers: Record<string, string[] | undefined>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted && value) values.push(...value);
  }
  // Repeated headers combine with commas (RFC 9110 §5.3); a repeated `t=` then makes the signature malformed.
  return values.length > 0 ? values.join(',') : undefined;
}

/** UTF-8 byte length, without encoding when the UTF-16 length already decides (bytes ≥ code units). */
function exceedsBodyLimit(body: string): boolean {
  if (body.length > MAX_BODY_BYTES) return true;
  if (body.length * 3 <= MAX_BODY_BYTES) return false;
  return Buffer.byteLength(body, 'utf8') > MAX_BODY_BYTES;
}

function distinctTypes(events: BacklineEvent[]): EventType[] {
  return [...new Set(events.map((event) => event.type))];
}

/** The whole response's status from its results (docs/events.md §5). */
export function statusForResults(results: EventResult[]): { statusCode: 200 | 202 | 503; outcome: LastEventOutcome } {
  if (results.some((result) => result.status === 'failed' && result.error?.retryable === true)) return { statusCode: 503, outcome: 'failed' };
  if (results.some((result) => result.status === 'queued')) return { statusCode: 202, outcome: 'queued' };
  return { statusCode: 200, outcome: results.some((result) => result.status === 'failed') ? 'failed' : 'ok' };
}

function countStatuses(results: EventResult[]): Partial<Record<ResultStatus, number>> {
  const counts: Partial<Record<ResultStatus, number>> = {};
  for (const result of results) counts[result.status] = (counts[result.status] ?? 0) + 1;
  return counts;
}

/**
 * Pings are answered here, so "Verify connection" works before any project is
 * configured and never touches Jira or idempotency records; everything else goes
 * to the processor, in request order, and the results are merged back in order.
 */
async function processAll(events: BacklineEvent[], deps: WebtriggerDeps, deadlineAt: number): Promise<EventResult[]> {
  const work = events.filter((event) => event.type !== 'ping');
  const processed = work.length > 0 ? await deps.processEvents(work, { deadlineAt }) : [];
  if (processed.length !== work.length) {
    throw new Error(`processor answered ${processed.length} results for ${work.length} events`);
  }
  let next = 0;
  return events.map((event): EventResult => {
    if (event.type === 'ping') return { eventId: event.id, type: 'ping', status: 'ok' };
    const result = processed[next++];
    if (!result) throw new Error('processor result missing');
    return result;
  });
}

/**
 * Method, size, signature (over the raw body, before any parsing), JSON and
 * the event schema, in that order: the events, or the answer that refuses them.
 */
async function verifiedEvents(request: WebtriggerRequest, { platform, signingSecrets }: WebtriggerDeps): Promise<{ events: BacklineEvent[] } | { refusal: WebtriggerResponse }> {
  if (request.method.toUpperCase() !== 'POST') {
    return { refusal: errorResponse(405, { code: 'METHOD_NOT_ALLOWED', message: 'only POST is allowed' }, { Allow: ['POST'] }) };
  }
  const rawBody = request.body ?? '';
  if (exceedsBodyLimit(rawBody)) {
    return { refusal: errorResponse(413, { code: 'PAYLOAD_TOO_LARGE', message: `the request body is larger than ${MAX_BODY_BYTES} bytes (1 MiB)` }) };
  }
  const store = signingSecrets ? signingSecrets.over(platform.secrets, platform.clock) : platform.secrets;
  const verify = (secrets: string[]) => verifySignature({ header: headerValue(request.headers, SIGNATURE_HEADER), rawBody, secrets, nowMs: platform.clock.now() });
  const remembered = signingSecrets?.holds(SIGNING_SECRET_KEY, platform.clock) ?? false;
  let secrets = await acceptedSigningSecrets(store, platform.clock);
  let verified = verify(secrets);
  // A remembered secret may be out of date (rotated in another instance): read it again once.
  if (!verified && remembered) {
    signingSecrets?.forget(SIGNING_SECRET_KEY);
    secrets = await acceptedSigningSecrets(store, platform.clock);
    verified = verify(secrets);
  }
  if (!verified) {
    // No detail in the log either: which part failed would help an attacker reading shared logs.
    platform.logger.warn('webtrigger: signature rejected', { configured: secrets.length > 0 });
    return { refusal: { statusCode: 401, headers: { 'Content-Type': ['application/json'] }, body: UNAUTHORIZED_BODY } };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody);
  } catch {
    // The parser's message quotes the body; answer without it.
    return { refusal: errorResponse(400, { code: 'INVALID_JSON', message: 'the request body is not valid JSON' }) };
  }
  const validation = validateRequestBody(parsed);
  if (!validation.ok) {
    const n = validation.problemCount;
    return { refusal: errorResponse(400, { code: 'INVALID_EVENT', message: `${n} problem${n === 1 ? '' : 's'} in the request body`, details: validation.details }) };
  }
  return { events: validation.events };
}

/** Records the admin page's "last event"; a convenience, so a storage failure only logs. */
async function recordAnswer(
  platform: WebtriggerDeps['platform'],
  events: BacklineEvent[],
  answer: { httpStatus: number; outcome: LastEventOutcome; results?: EventResult[]; stored?: Primed },
): Promise<void> {
  const { httpStatus, outcome, results, stored } = answer;
  try {
    await recordLastEvent(platform.store, {
      at: platform.clock.now(),
      types: distinctTypes(events),
      eventCount: events.length,
      httpStatus,
      outcome,
      ...(results ? { statusCounts: countStatuses(results) } : {}),
    }, stored);
  } catch (error) {
    platform.logger.warn('webtrigger: could not record the last event', { error: errorName(error) });
  }
}

export async function handleWebtrigger(request: WebtriggerRequest, deps: WebtriggerDeps): Promise<WebtriggerResponse> {
  const { platform } = deps;
  try {
    const verified = await verifiedEvents(request, deps);
    if ('refusal' in verified) return verified.refusal;
    const { events } = verified;
    const types = distinctTypes(events);

    const lastEvent = new Primed();
    deps.prefetch?.want({ key: LAST_EVENT_KEY }, (raw) => lastEvent.set(raw));
    if (events.some((event) => !TYPES_WITHOUT_CONFIG.has(event.type))) {
      // One storage round trip: the project list and the first event's reads (only reads) together.
      const [configured] = await Promise.all([
        deps.hasAnyProject ? deps.hasAnyProject() : new ConfigRepository(platform.store, platform.clock).hasAnyProject(),
        deps.prepareEvents?.(events.filter((event) => event.type !== 'ping')),
      ]);
      if (!configured) {
        await deps.abandonPrepared?.().catch(() => undefined);
        await recordAnswer(platform, events, { httpStatus: 422, outcome: 'not_configured', stored: lastEvent });
        return errorResponse(422, {
          code: 'NOT_CONFIGURED',
          message: 'no Jira project is connected to Backline yet: a Jira admin connects one in the Backline admin page (Jira settings → Apps → Backline)',
        });
      }
    }

    let results: EventResult[];
    try {
      results = await processAll(events, deps, platform.clock.now() + PROCESSING_BUDGET_MS);
    } catch (error) {
      platform.logger.error('webtrigger: processing failed', { error: errorName(error), events: events.length, types });
      await recordAnswer(platform, events, { httpStatus: 503, outcome: 'error', stored: lastEvent });
      if (isCodedError(error) && error.code === 'NOT_CONFIGURED') {
        return errorResponse(422, { code: 'NOT_CONFIGURED', message: error.message });
      }
      return isCodedError(error) && error.retryable ? unavailable(error.message, error.code) : unavailable();
    }

    const { statusCode, outcome } = statusForResults(results);
    platform.logger.info('webtrigger: answered', { status: statusCode, events: events.length, types, statuses: countStatuses(results) });
    await recordAnswer(platform, events, { httpStatus: statusCode, outcome, results, stored: lastEvent });
    return json(statusCode, { results }, statusCode === 503 ? { 'Retry-After': [String(DEFAULT_RETRY_AFTER_SECONDS)] } : {});
  } catch (error) {
    // Storage or secret store unavailable, or a bug: retryable, generic, and logged without request data.
    platform.logger.error('webtrigger: unexpected error', { error: errorName(error) });
    return unavailable();
  }
}

/** What to log about an error: its name, code and message, never the request. */
function errorName(error: unknown): string {
  if (isCodedError(error)) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return typeof error;
}
