/**
 * The queue side of outbound events (consumer `backline-outbound-consumer`):
 *
 * - `outbound.flush`: a coalesced change whose wait is over. Sent only when it is
 *   still the newest change of its kind on the issue (its `seq` matches the
 *   pending record); an older flush finds a newer seq and does nothing.
 * - `outbound.send`: one signed POST to Backline's endpoint. 2xx: done. A refusal
 *   (4xx other than 408/425/429) will not change on retry and becomes a dead
 *   letter at once. Anything else is tried again through the queue with backoff
 *   (30 s doubling to Forge's 900 s ceiling on `delayInSeconds`), each retry a new
 *   message so the retry count is the app's own, until 24 hours after the first
 *   attempt; then a dead letter (./dead-letters.ts).
 *
 * The body is signed exactly as Backline signs its events to the app
 * (src/core/events/signature.ts; docs/outbound.md "Signing"), with the app's
 * current signing secret. No Jira request is made on this path.
 */
import { ConfigRepository } from '../config/repository';
import { SIGNATURE_HEADER, signPayload } from '../events/signature';
import type { BacklinePoster } from '../ports';
import { acceptedSigningSecrets } from '../secrets/signing-secret';
import type { OutboundEvent } from './contract';
import { keepOutboundDeadLetter, type OutboundFailureCode } from './dead-letters';
import { buildChangeEvent } from './events';
import type { OutboundContext } from './intake';
import { type FlushJob, outboundJobSchema, pendingChangeSchema, pendingKey, resolutionKey, type SendJob } from './jobs';
import { activeEndpoint } from './settings';

export const GIVE_UP_AFTER_MS = 24 * 60 * 60 * 1000;
const FIRST_RETRY_SECONDS = 30;
const MAX_DELAY_SECONDS = 900;

export function retryDelaySeconds(attempt: number): number {
  return Math.min(MAX_DELAY_SECONDS, FIRST_RETRY_SECONDS * 2 ** attempt);
}

export interface DeliveryContext extends OutboundContext {
  poster: BacklinePoster;
}

export type DeliveryOutcome = 'delivered' | 'retrying' | 'dead-letter' | 'superseded' | 'off' | 'unreadable';

export async function handleOutboundJob(context: DeliveryContext, body: unknown): Promise<DeliveryOutcome> {
  const job = outboundJobSchema.safeParse(body);
  if (!job.success) {
    context.platform.logger.error('outbound: unreadable queue message dropped', { keys: body && typeof body === 'object' ? Object.keys(body) : [] });
    return 'unreadable';
  }
  return job.data.job === 'outbound.flush' ? flush(context, job.data) : send(context, job.data);
}

async function flush(context: DeliveryContext, job: FlushJob): Promise<DeliveryOutcome> {
  const { platform } = context;
  const key = pendingKey(job.issueId, job.kind);
  const pending = pendingChangeSchema.safeParse(await platform.store.get<unknown>(key));
  if (!pending.success || pending.data.seq !== job.seq) return 'superseded';
  const [config, lastResolution, siteUrl] = await Promise.all([
    new ConfigRepository(platform.store, platform.clock).getProject(pending.data.issue.projectKey),
    platform.store.get<{ resolution?: unknown }>(resolutionKey(job.issueId)),
    platform.siteUrl(),
  ]);
  const event = buildChangeEvent(job.kind, pending.data, {
    siteUrl,
    config,
    lastResolution: typeof lastResolution?.resolution === 'string' ? lastResolution.resolution : null,
  });
  const outcome = event ? await send(context, { job: 'outbound.send', event, firstAttemptAt: platform.clock.now(), attempt: 0 }) : 'unreadable';
  // Delivered or handed on: the pending record is done, unless a newer change replaced it meanwhile.
  const current = pendingChangeSchema.safeParse(await platform.store.get<unknown>(key));
  if (current.success && current.data.seq === job.seq) await platform.store.delete(key);
  return outcome;
}

function failureOf(status: number): { code: OutboundFailureCode; final: boolean } {
  if (status >= 200 && status < 300) throw new Error('not a failure');
  const retryable = status === 0 || status === 408 || status === 425 || status === 429 || status >= 500;
  return retryable ? { code: 'BACKLINE_UNREACHABLE', final: false } : { code: 'BACKLINE_REJECTED', final: true };
}

async function post(context: DeliveryContext, endpoint: string, event: OutboundEvent): Promise<number> {
  const { platform } = context;
  const [secret] = await acceptedSigningSecrets(platform.secrets, platform.clock);
  // Without a secret nothing can be signed; the admin page generates one (docs/security.md). Retried like an outage.
  if (!secret) return 0;
  const body = JSON.stringify(event);
  const headers = {
    'Content-Type': 'application/json',
    [SIGNATURE_HEADER]: signPayload(secret, body, Math.floor(platform.clock.now() / 1000)),
  };
  try {
    return await context.poster.post(endpoint, body, headers);
  } catch (error) {
    platform.logger.warn('outbound: Backline unreachable', { eventId: event.id, error: error instanceof Error ? error.name : 'error' });
    return 0;
  }
}

async function send(context: DeliveryContext, job: SendJob): Promise<DeliveryOutcome> {
  const { platform } = context;
  const endpoint = await activeEndpoint(platform.store);
  if (!endpoint) {
    platform.logger.info('outbound: endpoint unset, event not sent', { eventId: job.event.id });
    return 'off';
  }
  const status = await post(context, endpoint, job.event);
  if (status >= 200 && status < 300) return 'delivered';
  const failure = failureOf(status);
  const delay = retryDelaySeconds(job.attempt);
  const now = platform.clock.now();
  if (!failure.final && now + delay * 1000 - job.firstAttemptAt <= GIVE_UP_AFTER_MS) {
    await context.queue.push([{ body: { ...job, attempt: job.attempt + 1 }, delayInSeconds: delay }]);
    return 'retrying';
  }
  const message =
    status === 0
      ? `Backline's endpoint could not be reached for ${Math.round((now - job.firstAttemptAt) / 3_600_000)} h (${job.attempt + 1} attempts).`
      : failure.final
        ? `Backline refused the event with HTTP ${status}.`
        : `Backline answered HTTP ${status} for ${Math.round((now - job.firstAttemptAt) / 3_600_000)} h (${job.attempt + 1} attempts).`;
  await keepOutboundDeadLetter(platform, {
    event: job.event,
    error: { code: failure.code, message, ...(status ? { status } : {}) },
    at: now,
    attempts: job.attempt + 1,
    firstAttemptAt: job.firstAttemptAt,
  });
  return 'dead-letter';
}
