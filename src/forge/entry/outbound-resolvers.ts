/**
 * Registers the outbound settings' resolver keys (src/shared/contracts/outbound.ts)
 * on the admin page's resolver. Translation only: the trustworthy account id
 * from the context and the user's Jira go to the core dispatcher, which checks
 * first, as the user, that the caller is a Jira administrator.
 */
import type Resolver from '@forge/resolver';
import { dispatchOutboundCall } from '../../core/outbound/services';
import { OUTBOUND_RESOLVER_KEYS } from '../../shared/contracts/outbound';
import { forgeUserJira } from '../adapters/jira';
import { forgePlatform } from '../adapters/platform';
import { forgeQueue } from '../adapters/queue';
import { OUTBOUND_QUEUE_KEY } from './issue-changes';

export function defineOutboundResolvers(resolver: Resolver): void {
  for (const key of OUTBOUND_RESOLVER_KEYS) {
    resolver.define(key, async ({ payload, context }) => {
      const accountId = typeof context.accountId === 'string' ? context.accountId : '';
      return dispatchOutboundCall(key, payload, { platform: forgePlatform(), queue: forgeQueue(OUTBOUND_QUEUE_KEY) }, { accountId, jiraAsUser: forgeUserJira() });
    });
  }
}
