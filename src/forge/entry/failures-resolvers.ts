/**
 * Registers the failures feature's resolver keys (src/shared/contracts/failures.ts)
 * on the admin page's resolver. Translation only: the trustworthy account id
 * from the context and the user's Jira go to the core dispatcher, which checks
 * first, as the user, that the caller is a Jira administrator.
 */
import type Resolver from '@forge/resolver';
import { dispatchFailureCall } from '../../core/failures/services';
import { FAILURE_RESOLVER_KEYS } from '../../shared/contracts/failures';
import { withUserConsent } from '../adapters/jira';
import { forgePlatform } from '../adapters/platform';

export function defineFailureResolvers(resolver: Resolver): void {
  for (const key of FAILURE_RESOLVER_KEYS) {
    resolver.define(key, async ({ payload, context }) => {
      const accountId = typeof context.accountId === 'string' ? context.accountId : '';
      // A consent request leaves the resolver so Forge can show its "Allow access" prompt.
      return withUserConsent((jiraAsUser) => dispatchFailureCall(key, payload, forgePlatform(), { accountId, jiraAsUser }));
    });
  }
}
