/**
 * Where `requestJira` goes locally: the embedded Jira simulator (in-process,
 * no sockets) or, with JIRA_BASE_URL/JIRA_EMAIL/JIRA_API_TOKEN, a real Jira
 * Cloud site with basic auth. The simulator learns who `asUser()` is from the
 * `x-sim-account-id` header; `asApp()` calls carry none, as in Forge where the
 * app has its own identity.
 */
import { hostFetch } from './egress';

export interface JiraBackend {
  /** Absolute base URL of the site (what `serverInfo.baseUrl` answers). */
  readonly baseUrl: string;
  request(path: string, init: RequestInit, asAccountId: string | undefined): Promise<Response>;
}

export interface RequestHandler {
  handle(request: Request): Promise<Response>;
}

export const SIM_ACCOUNT_HEADER = 'x-sim-account-id';

export function simulatorBackend(simulator: RequestHandler, baseUrl: string): JiraBackend {
  return {
    baseUrl,
    async request(path, init, asAccountId) {
      const headers = new Headers(init.headers);
      headers.delete(SIM_ACCOUNT_HEADER); // only the runtime says who the user is
      if (asAccountId) headers.set(SIM_ACCOUNT_HEADER, asAccountId);
      return simulator.handle(new Request(`${baseUrl.replace(/\/$/, '')}${path}`, { ...init, headers }));
    },
  };
}

export interface RealJiraCredentials {
  baseUrl: string;
  email: string;
  apiToken: string;
}

export function realJiraFromEnv(env: NodeJS.ProcessEnv): RealJiraCredentials | undefined {
  const { JIRA_BASE_URL, JIRA_EMAIL, JIRA_API_TOKEN } = env;
  return JIRA_BASE_URL && JIRA_EMAIL && JIRA_API_TOKEN ? { baseUrl: JIRA_BASE_URL, email: JIRA_EMAIL, apiToken: JIRA_API_TOKEN } : undefined;
}

/**
 * A real site: every call is made as the API token's owner, so `asUser()` and
 * `asApp()` are the same identity here (permission checks reflect that user).
 */
export function realJiraBackend(credentials: RealJiraCredentials): JiraBackend {
  const base = credentials.baseUrl.replace(/\/$/, '');
  const auth = `Basic ${Buffer.from(`${credentials.email}:${credentials.apiToken}`).toString('base64')}`;
  return {
    baseUrl: base,
    async request(path, init) {
      const headers = new Headers(init.headers);
      headers.set('authorization', auth);
      if (!headers.has('accept')) headers.set('accept', 'application/json');
      return hostFetch(`${base}${path}`, { ...init, headers });
    },
  };
}
