/**
 * Typed calls for the Notifications, Activity and Dead letters sections, over
 * the same `@forge/bridge` invoke and envelope as ../../api.ts, keyed by
 * src/shared/failures-contract.ts (types only: zod stays out of the bundle).
 */
import { invoke } from '@forge/bridge';
import { ApiError } from '../../api';
import type { FailurePayloadOf, FailureResolverKey, FailureResultOf, ResolverResult } from '../../../../../src/shared/failures-contract';

function isEnvelope(value: unknown): value is ResolverResult<unknown> {
  return typeof value === 'object' && value !== null && 'ok' in value && typeof (value).ok === 'boolean';
}

export async function callFailures<K extends FailureResolverKey>(key: K, payload: FailurePayloadOf<K>): Promise<FailureResultOf<K>> {
  let response: unknown;
  try {
    response = await invoke(key, payload as Record<string, unknown>);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ApiError({ code: 'NETWORK', message: `Could not reach the Backline app (${message}). Reload the page.` });
  }
  if (!isEnvelope(response)) throw new ApiError({ code: 'INTERNAL', message: 'The app answered in an unexpected format. Reload the page.' });
  if (!response.ok) throw new ApiError(response.error);
  // The envelope's data is typed by the contract the resolver implements.
  return response.data as FailureResultOf<K>;
}

export const failuresApi = {
  notifications: () => callFailures('notifications/get', {}),
  setSlackUrl: (url: string) => callFailures('notifications/set', { url }),
  clearSlackUrl: () => callFailures('notifications/clear', {}),
  testNotification: () => callFailures('notifications/test', {}),
  activity: (payload: FailurePayloadOf<'activity/list'>) => callFailures('activity/list', payload),
  deadLetters: (payload: FailurePayloadOf<'deadletters/list'>) => callFailures('deadletters/list', payload),
  retry: (payload: FailurePayloadOf<'deadletters/retry'>) => callFailures('deadletters/retry', payload),
  discard: (payload: FailurePayloadOf<'deadletters/discard'>) => callFailures('deadletters/discard', payload),
};
