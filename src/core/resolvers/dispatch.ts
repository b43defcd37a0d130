/**
 * The one dispatcher every resolver family goes through (admin settings,
 * failures, issue panel): the caller's permission first, checked as the user
 * before anything runs as the app; then the payload against the family's
 * schema; then the service. Every outcome is the contract's envelope
 * (src/shared/contracts/envelope.ts) with a stable code. The entry points in
 * src/forge/entry only build the caller and call a family's dispatcher.
 */
import { CodedError, type ErrorCode } from '../errors';
import { JiraError } from '../jira/http';
import type { Platform } from '../ports';
import { RESOLVER_ERROR_CODES, type ResolverErrorCode, type ResolverResult } from '../../shared/contracts/envelope';

/** What a zod schema offers (`safeParse`), typed by its output so tables of schemas keep their key's type. */
export interface PayloadParser<P> {
  safeParse(value: unknown): { success: true; data: P } | { success: false; error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> } };
}

export interface ResolverCall<P, G, T> {
  /**
   * Who may act, checked as the calling user before anything else runs. Sees
   * the raw payload only to read the claim it checks (e.g. a project key);
   * returns what the service may rely on (e.g. the issue the user can see).
   */
  authorise(rawPayload: unknown): Promise<G>;
  /** What the user asks for (a browser can send anything). */
  schema: PayloadParser<P>;
  run(payload: P, grant: G): Promise<T>;
}

export async function dispatchResolverCall<P, G, T>(
  key: string,
  rawPayload: unknown,
  call: ResolverCall<P, G, T>,
  platform: Pick<Platform, 'logger' | 'clock'>,
): Promise<ResolverResult<T>> {
  try {
    const grant = await call.authorise(rawPayload);
    const parsed = call.schema.safeParse(rawPayload ?? {});
    if (!parsed.success) {
      throw new CodedError('INVALID_INPUT', `The request for ${key} is not valid; reload the page and try again.`, {
        details: parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
      });
    }
    return { ok: true, data: await call.run(parsed.data, grant) };
  } catch (error) {
    return toErrorResult(error, platform, key);
  }
}

const ENVELOPE_CODES: ReadonlySet<string> = new Set<string>(RESOLVER_ERROR_CODES);

function isEnvelopeCode(code: ErrorCode): code is ErrorCode & ResolverErrorCode {
  return ENVELOPE_CODES.has(code);
}

/**
 * When Jira's refusal ends, in words a person can act on ("in about 3
 * minutes, at 09:14 UTC"), from its `Retry-After`. Without one: none.
 */
export function retryWhen(retryAfterSeconds: number | undefined, now: number): { words: string; at: string } | undefined {
  if (retryAfterSeconds === undefined || !Number.isFinite(retryAfterSeconds)) return undefined;
  const at = new Date(now + Math.max(0, retryAfterSeconds) * 1000);
  const clock = `${at.toISOString().slice(11, 16)} UTC`;
  const minutes = Math.round(retryAfterSeconds / 60);
  const words =
    retryAfterSeconds < 60
      ? `in ${Math.max(1, Math.ceil(retryAfterSeconds))} second${Math.ceil(retryAfterSeconds) === 1 ? '' : 's'}`
      : minutes < 60
        ? `in about ${minutes} minute${minutes === 1 ? '' : 's'} (at ${clock})`
        : `at ${clock}`;
  return { words, at: at.toISOString() };
}

/** "Jira’s request quota for the app is used up; it should answer again in about 4 minutes (at 09:27 UTC)." */
export function unavailableMessage(status: number, retryAfterSeconds: number | undefined, now: number): string {
  const when = retryWhen(retryAfterSeconds, now);
  const what = status === 429 ? 'Jira’s request quota for the app is used up' : `Jira is unavailable right now (HTTP ${status})`;
  return when ? `${what}; it should answer again ${when.words}.` : `${what}; Jira did not say for how long. Try again in a few minutes.`;
}

function unavailable(status: number, retryAfterSeconds: number | undefined, now: number): ResolverResult<never> {
  const when = retryWhen(retryAfterSeconds, now);
  return { ok: false, error: { code: 'JIRA_UNAVAILABLE', message: unavailableMessage(status, retryAfterSeconds, now), ...(when ? { retryAt: when.at } : {}) } };
}

export function toErrorResult(error: unknown, platform: Pick<Platform, 'logger' | 'clock'>, key: string): ResolverResult<never> {
  const now = platform.clock.now();
  if (error instanceof CodedError) {
    if (error.code === 'JIRA_UNAVAILABLE' && error.retryAfterSeconds !== undefined) {
      const when = retryWhen(error.retryAfterSeconds, now);
      return { ok: false, error: { code: 'JIRA_UNAVAILABLE', message: error.message, ...(when ? { retryAt: when.at } : {}) } };
    }
    return {
      ok: false,
      error: { code: isEnvelopeCode(error.code) ? error.code : 'INTERNAL', message: error.message, ...(error.details ? { details: error.details } : {}) },
    };
  }
  if (error instanceof JiraError) {
    if (error.retryable) return unavailable(error.status, error.retryAfterSeconds, now);
    if (error.status === 404) return { ok: false, error: { code: 'NOT_FOUND', message: `Jira could not find it (${error.message}). Reload the page; it may have been deleted.` } };
    return { ok: false, error: { code: 'JIRA_REJECTED', message: `${error.message}. Check the project's configuration in Jira.` } };
  }
  platform.logger.error('resolver failed', { key, error: error instanceof Error ? error.message : String(error) });
  return { ok: false, error: { code: 'INTERNAL', message: 'Something went wrong in the Backline app. Try again; if it keeps failing, contact the app’s support with the time it happened.' } };
}
