/**
 * Typed calls for the Notifications, Activity and Dead letters sections, through
 * the one resolver client in ../../api.ts, keyed by
 * src/shared/contracts/failures.ts (types only: zod stays out of the bundle).
 */
import { invokeResolver } from '../../api';
import type { FailurePayloadOf, FailureResolverKey, FailureResultOf } from '../../../../../src/shared/contracts/failures';

export async function callFailures<K extends FailureResolverKey>(key: K, payload: FailurePayloadOf<K>): Promise<FailureResultOf<K>> {
  return invokeResolver<FailureResultOf<K>>(key, payload);
}

export const failuresApi = {
  notifications: () => callFailures('notifications/get', {}),
  setSlackUrl: (url: string) => callFailures('notifications/set', { url }),
  clearSlackUrl: () => callFailures('notifications/clear', {}),
  testNotification: () => callFailures('notifications/test', {}),
  activity: (payload: FailurePayloadOf<'activity/list'>) => callFailures('activity/list', payload),
  events: (payload: FailurePayloadOf<'activity/events'>) => callFailures('activity/events', payload),
  deadLetters: (payload: FailurePayloadOf<'deadletters/list'>) => callFailures('deadletters/list', payload),
  retry: (payload: FailurePayloadOf<'deadletters/retry'>) => callFailures('deadletters/retry', payload),
  discard: (payload: FailurePayloadOf<'deadletters/discard'>) => callFailures('deadletters/discard', payload),
};
