/**
 * The outbound family's resolver operations (Backline's endpoint, outbound dead
 * letters) on the one resolver dispatcher (../resolvers/dispatch.ts): the caller
 * must be a Jira administrator, checked as the user before anything runs as the
 * app; payloads follow src/shared/contracts/outbound.ts.
 */
import { assertAccess, type AdminCaller } from '../admin/access';
import { CodedError } from '../errors';
import type { Platform, Queue } from '../ports';
import { dispatchResolverCall } from '../resolvers/dispatch';
import {
  outboundPayloadSchemas,
  type OutboundResolverKey,
  type OutboundResolverResult,
  type OutboundResultOf,
  type OutboundSettingsView,
  type ParsedOutboundPayloadOf,
} from '../../shared/contracts/outbound';
import { discardOutboundDeadLetters, listOutboundDeadLetters, retryOutboundDeadLetters } from './dead-letters';
import { getOutboundSettings, setOutboundEndpoint } from './settings';

export interface OutboundServiceContext {
  platform: Platform;
  /** The outbound queue (retries go back through it). */
  queue: Queue;
  accountId: string;
}

type Service<K extends OutboundResolverKey> = (context: OutboundServiceContext, payload: ParsedOutboundPayloadOf<K>) => Promise<OutboundResultOf<K>>;

async function settingsView(platform: Platform): Promise<OutboundSettingsView> {
  const [settings, letters] = await Promise.all([getOutboundSettings(platform.store), listOutboundDeadLetters(platform)]);
  return { endpoint: settings.endpoint, ...(settings.updatedAt ? { updatedAt: settings.updatedAt } : {}), deadLetters: letters.length };
}

export const outboundServices: { [K in OutboundResolverKey]: Service<K> } = {
  'outbound/settings.get': ({ platform }) => settingsView(platform),
  async 'outbound/settings.set'({ platform, accountId }, { endpoint }) {
    const result = await setOutboundEndpoint(platform.store, endpoint, { accountId, at: new Date(platform.clock.now()) });
    if (!result.ok) throw new CodedError('INVALID_INPUT', result.message);
    platform.logger.info('outbound endpoint set', { on: result.settings.endpoint !== null });
    return settingsView(platform);
  },
  async 'outbound/deadletters.list'({ platform }) {
    const letters = await listOutboundDeadLetters(platform);
    return {
      items: letters.map((l) => ({
        eventId: l.event.id,
        type: l.event.type,
        issueKey: l.event.data.issue.key,
        projectKey: l.event.data.issue.projectKey,
        findingIds: l.event.data.findingIds,
        at: new Date(l.at).toISOString(),
        attempts: l.attempts,
        error: l.error,
      })),
    };
  },
  async 'outbound/deadletters.retry'({ platform, queue }, { eventIds }) {
    return { outcomes: await retryOutboundDeadLetters(platform, queue, eventIds) };
  },
  async 'outbound/deadletters.discard'({ platform }, { eventIds }) {
    return { discarded: await discardOutboundDeadLetters(platform, eventIds) };
  },
};

export async function dispatchOutboundCall<K extends OutboundResolverKey>(
  key: K,
  rawPayload: unknown,
  context: { platform: Platform; queue: Queue },
  caller: AdminCaller,
): Promise<OutboundResolverResult<K>> {
  const { platform } = context;
  const service: Service<K> = outboundServices[key];
  return dispatchResolverCall(
    key,
    rawPayload,
    {
      // Jira administrators only, checked as the user (or remembered for a few minutes: see access.ts).
      authorise: () => assertAccess(caller, { scope: 'global' }, { store: platform.store, clock: platform.clock }),
      schema: outboundPayloadSchemas[key],
      run: (payload) => service({ ...context, accountId: caller.accountId }, payload),
    },
    platform,
  );
}
