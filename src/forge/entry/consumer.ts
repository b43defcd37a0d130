/**
 * Forge queue consumer `backline-sync-consumer` → core sync consumer. Uses the
 * current `function:` consumer form of @forge/events ≥ 2: the function gets an
 * AsyncEvent (`body`, `jobId`, `retryContext`), not a resolver call. Only
 * translates: a RetryLaterError from the core becomes Forge's InvocationError
 * with `retryAfter` (≤ 900 s, the platform's ceiling).
 */
import { InvocationError, InvocationErrorCode } from '@forge/events';
import { RetryLaterError } from '../../core/ports';
import { createAppConsumer } from '../../core/engine';
import { ClaimHints } from '../../core/sync/claim-hints';
import { forgePlatform } from '../adapters/platform';

/** Kept by this function instance between messages: the link versions of findings it applied events to (src/core/sync/claim-hints.ts). */
const hints = new ClaimHints();

interface AsyncEventLike {
  body?: unknown;
  retryContext?: { retryCount?: unknown };
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value)) : {};
}

export const consumer = async (event: AsyncEventLike): Promise<InvocationError | undefined> => {
  const retryCount = typeof event?.retryContext?.retryCount === 'number' ? event.retryContext.retryCount : 0;
  try {
    await createAppConsumer(forgePlatform(), { hints }).handle(asRecord(event?.body), { retryCount });
    return undefined;
  } catch (error) {
    if (error instanceof RetryLaterError) {
      return new InvocationError({
        retryAfter: Math.max(1, Math.min(900, Math.ceil(error.retryAfterSeconds))),
        retryReason: error.reason === 'rate-limited' ? InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED : InvocationErrorCode.FUNCTION_RETRY_REQUEST,
      });
    }
    throw error;
  }
};
