/**
 * `JiraTransport` over Forge's product fetch. The core builds full paths
 * (`/rest/api/3/issue/SEC-1?fields=summary`) with its own encoding; each is
 * sent through its entry in jira-routes.ts, a `route` template Forge's linter
 * checks against the manifest's scopes. A path outside the REST API, or one
 * the table does not know, is refused before anything is sent.
 */
import api, { NeedsAuthenticationError } from '@forge/api';
import type { JiraRequest, JiraResponse, JiraTransport, Metrics } from '../../core/ports';
import { toJiraResponse } from '../../core/jira/http';
import { findJiraRoute, type RequestJira } from './jira-routes';

/** Only `/rest/...` paths, no traversal (`..`, encoded or not), no backslashes, no fragment. */
export function assertSafeJiraPath(path: string): void {
  const pathPart = path.split('?')[0] ?? '';
  if (!path.startsWith('/rest/') || /(^|\/)(\.|%2e){2}(\/|$)/i.test(pathPart) || pathPart.includes('\\') || path.includes('#')) {
    throw new Error(`Refusing Jira path outside /rest/: ${JSON.stringify(path)}`);
  }
}

function transport(jiraFetch: () => RequestJira, metrics?: Metrics): JiraTransport {
  return {
    async request(request: JiraRequest): Promise<JiraResponse> {
      assertSafeJiraPath(request.path);
      const headers: Record<string, string> = { Accept: 'application/json' };
      const init: NonNullable<Parameters<RequestJira>[1]> = { method: request.method, headers };
      if (request.body !== undefined) {
        headers['Content-Type'] = 'application/json';
        init.body = JSON.stringify(request.body);
      }
      const found = findJiraRoute(request.method, request.path);
      if (!found) throw new Error(`No Jira route for ${request.method} ${request.path.split('?')[0] ?? ''}: add it to src/forge/adapters/jira-routes.ts, where forge lint checks its scopes`);
      const response = await found.route.send(jiraFetch(), found.segments, found.query, init);
      // Jira's refusals across installations are the vendor's early warning of the shared points pool running dry.
      if (response.status === 429) metrics?.count('jira-rate-limited');
      return toJiraResponse(response);
    },
  };
}

/** Jira as the app (`api.asApp()`): web triggers, consumers, and resolvers after their permission check. */
export function forgeAppJira(metrics?: Metrics): JiraTransport {
  return transport(() => api.asApp().requestJira, metrics);
}

/** Jira as the invoking user (`api.asUser()`): resolvers' permission checks. Not available in web triggers. */
export function forgeUserJira(): JiraTransport {
  return transport(() => api.asUser().requestJira);
}

/** @forge/api's consent request (out/api/errors.js `NeedsAuthenticationError`, name `NEEDS_AUTHENTICATION_ERR`, status 401). */
export function isConsentRequest(error: unknown): error is Error {
  return error instanceof NeedsAuthenticationError || (error instanceof Error && error.name === 'NEEDS_AUTHENTICATION_ERR');
}

/**
 * Runs one resolver call with Jira as the invoking user, and lets Forge ask
 * for consent. A user who has not yet allowed the app to act for them makes
 * `asUser().requestJira` throw `NeedsAuthenticationError`; Forge shows its
 * "Allow access" prompt only when that error leaves the resolver. The core
 * turns every Jira failure into an answer (FORBIDDEN, JIRA_UNAVAILABLE …), so
 * the transport remembers a consent request and it is rethrown here, whatever
 * the core answered.
 */
export async function withUserConsent<T>(run: (jiraAsUser: JiraTransport) => Promise<T>): Promise<T> {
  const inner = forgeUserJira();
  let consent: Error | undefined;
  const jiraAsUser: JiraTransport = {
    async request(request) {
      try {
        return await inner.request(request);
      } catch (error) {
        if (isConsentRequest(error)) consent ??= error;
        throw error;
      }
    },
  };
  let result: T;
  try {
    result = await run(jiraAsUser);
  } catch (error) {
    throw consent ?? error;
  }
  if (consent) throw consent;
  return result;
}

