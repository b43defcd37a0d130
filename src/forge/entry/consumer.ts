/**
 * Forge queue consumer `backline-sync-consumer` (manifest: resolver method
 * `sync-event`) → core sync consumer. Only translates: a RetryLaterError from
 * the core becomes Forge's InvocationError with `retryAfter` (≤ 900 s).
 */
import { InvocationError, InvocationErrorCode } from '@forge/events';
import Resolver from '@forge/resolver';
import { RetryLaterError } from '../../core/ports';
import { createSyncConsumer } from '../../core/sync/consumer';
import { forgePlatform } from '../adapters/platform';

const resolver = new Resolver();

function retryCountOf(context: unknown): number {
  if (!context || typeof context !== 'object' || !('retryContext' in context)) return 0;
  const retry = (context as { retryContext?: { retryCount?: unknown } }).retryContext;
  return typeof retry?.retryCount === 'number' ? retry.retryCount : 0;
}

resolver.define('sync-event', async ({ payload, context }) => {
  const body = payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : {};
  try {
    await createSyncConsumer(forgePlatform()).handle(body, { retryCount: retryCountOf(context) });
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
});

export const consumer = resolver.getDefinitions();
