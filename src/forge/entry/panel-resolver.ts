/**
 * Resolver of the issue panel (manifest function `panel-resolver`). Only
 * translates: the issue id from the invocation context and the caller's
 * account go to the core service, which checks as the user that they can see
 * the issue before reading anything as the app.
 *
 * `context.extension.issue` is taken as a claim, never as proof (the browser
 * can forge it; docs/platform-limits.md "Bridge and resolvers"); `accountId` comes
 * from the platform and is trustworthy.
 */
import Resolver from '@forge/resolver';
import { getPanelData } from '../../core/panel/service';
import { PANEL_RESOLVER_KEY, type PanelResult } from '../../shared/contracts/panel';
import { withUserConsent } from '../adapters/jira';
import { forgePlatform } from '../adapters/platform';

/** `context.extension.issue.id` (or `.key`) without trusting its shape. */
export function issueFromContext(context: unknown): string | undefined {
  if (typeof context !== 'object' || context === null || !('extension' in context)) return undefined;
  const extension = context.extension;
  if (typeof extension !== 'object' || extension === null || !('issue' in extension)) return undefined;
  const issue = extension.issue;
  if (typeof issue !== 'object' || issue === null) return undefined;
  if ('id' in issue && (typeof issue.id === 'string' || typeof issue.id === 'number')) return String(issue.id);
  if ('key' in issue && typeof issue.key === 'string') return issue.key;
  return undefined;
}

const resolver = new Resolver();

resolver.define(PANEL_RESOLVER_KEY, async ({ context }): Promise<PanelResult> => {
  const accountId = typeof context.accountId === 'string' ? context.accountId : undefined;
  // A consent request leaves the resolver so Forge can show its "Allow access" prompt.
  return withUserConsent((jiraAsUser) => getPanelData(forgePlatform(), { accountId, jiraAsUser }, issueFromContext(context)));
});

export const panelResolver = resolver.getDefinitions();
