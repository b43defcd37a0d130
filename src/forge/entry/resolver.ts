/**
 * Resolver of the admin page and the project settings page (manifest function
 * `resolver`). Only translates: every key of the shared contract is defined
 * here and handed to the core dispatcher, which checks first, as the calling
 * user, that they may act (Jira admin for global settings; admin of the
 * payload's project for project settings) and answers the contract's envelope.
 *
 * `context.extension` (e.g. the project of the project settings page) is never
 * used for authorisation: the browser can forge it (docs/platform-limits.md
 * "Bridge and resolvers"). `context.accountId` comes from the platform and is trustworthy.
 */
import { webTrigger } from '@forge/api';
import Resolver from '@forge/resolver';
import { dispatchAdminCall } from '../../core/admin/dispatch';
import { RESOLVER_KEYS, type ResolverKey } from '../../shared/contracts/admin';
import { withUserConsent } from '../adapters/jira';
import { forgePlatform } from '../adapters/platform';
import { defineFailureResolvers } from './failures-resolvers';
import { defineOutboundResolvers } from './outbound-resolvers';

/** The manifest's web trigger module key (manifest.yml `webtrigger[0].key`). */
export const WEBTRIGGER_MODULE_KEY = 'backline-events';

const r = new Resolver();

function define<K extends ResolverKey>(key: K): void {
  r.define(key, async ({ payload, context }) => {
    const accountId = typeof context.accountId === 'string' ? context.accountId : '';
    // A consent request (the user has not allowed the app yet) leaves the resolver so Forge can prompt.
    return withUserConsent((jiraAsUser) =>
      dispatchAdminCall(key, payload, forgePlatform(), { accountId, jiraAsUser }, {
        webTriggerUrl: () => webTrigger.getUrl(WEBTRIGGER_MODULE_KEY),
      }),
    );
  });
}

for (const key of RESOLVER_KEYS) define(key);
defineFailureResolvers(r); // Notifications, Activity, Dead letters (src/shared/contracts/failures.ts)
defineOutboundResolvers(r); // Backline's endpoint and outbound dead letters (src/shared/contracts/outbound.ts)

export const resolver = r.getDefinitions();
