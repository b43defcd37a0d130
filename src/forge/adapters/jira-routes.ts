/**
 * Every Jira REST operation the app calls, written as Forge's linter reads
 * them: `requestJira(route\`…\`, { method: '…' })`, a literal path template and
 * a literal method. `forge lint` (and `npm run lint:forge` offline) checks each
 * against the manifest's scopes, so a call that needs a scope the app does not
 * request fails the build instead of answering 401 on a customer's site.
 *
 * The core builds full paths with its own encoding (`segment`, `query` in
 * src/core/jira/http.ts); the transport matches them here and hands the
 * already-encoded segments to `route`, which refuses any that could leave the
 * path (`/`, `?`, `#`, `..`). A path with no entry is refused before sending:
 * a new Jira call needs its line here, which is what puts it under the linter.
 */
import type api from '@forge/api';
import { route } from '@forge/api';

export type RequestJira = ReturnType<typeof api.asApp>['requestJira'];
type Init = NonNullable<Parameters<RequestJira>[1]>;
/** The path's segments in order (at most two; unused ones are empty). */
type Segments = readonly [string, string];
type Send = (requestJira: RequestJira, segments: Segments, query: URLSearchParams, init: Init) => ReturnType<RequestJira>;

interface JiraRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The path as the core builds it, one capture per path segment. */
  path: RegExp;
  send: Send;
}

const SEGMENT = '([^/?#]+)';
const path = (template: string): RegExp => new RegExp(`^${template.replace(/\./g, '\\.').replace(/\{\}/g, SEGMENT)}$`);

export const JIRA_ROUTES: JiraRoute[] = [
  // Issues (src/core/jira/client.ts)
  { method: 'POST', path: path('/rest/api/3/issue'), send: (requestJira, _none, q, init) => requestJira(route`/rest/api/3/issue?${q}`, { ...init, method: 'POST' }) },
  { method: 'POST', path: path('/rest/api/3/issue/bulk'), send: (requestJira, _none, q, init) => requestJira(route`/rest/api/3/issue/bulk?${q}`, { ...init, method: 'POST' }) },
  { method: 'GET', path: path('/rest/api/3/issue/{}'), send: (requestJira, [issue], q, init) => requestJira(route`/rest/api/3/issue/${issue}?${q}`, { ...init, method: 'GET' }) },
  { method: 'PUT', path: path('/rest/api/3/issue/{}'), send: (requestJira, [issue], q, init) => requestJira(route`/rest/api/3/issue/${issue}?${q}`, { ...init, method: 'PUT' }) },
  { method: 'GET', path: path('/rest/api/3/issue/{}/transitions'), send: (requestJira, [issue], q, init) => requestJira(route`/rest/api/3/issue/${issue}/transitions?${q}`, { ...init, method: 'GET' }) },
  { method: 'POST', path: path('/rest/api/3/issue/{}/transitions'), send: (requestJira, [issue], q, init) => requestJira(route`/rest/api/3/issue/${issue}/transitions?${q}`, { ...init, method: 'POST' }) },
  { method: 'GET', path: path('/rest/api/3/issue/{}/comment'), send: (requestJira, [issue], q, init) => requestJira(route`/rest/api/3/issue/${issue}/comment?${q}`, { ...init, method: 'GET' }) },
  { method: 'POST', path: path('/rest/api/3/issue/{}/comment'), send: (requestJira, [issue], q, init) => requestJira(route`/rest/api/3/issue/${issue}/comment?${q}`, { ...init, method: 'POST' }) },
  { method: 'POST', path: path('/rest/api/3/issue/{}/remotelink'), send: (requestJira, [issue], q, init) => requestJira(route`/rest/api/3/issue/${issue}/remotelink?${q}`, { ...init, method: 'POST' }) },
  { method: 'GET', path: path('/rest/api/3/issue/{}/properties/{}'), send: (requestJira, [issue, key], q, init) => requestJira(route`/rest/api/3/issue/${issue}/properties/${key}?${q}`, { ...init, method: 'GET' }) },
  { method: 'PUT', path: path('/rest/api/3/issue/{}/properties/{}'), send: (requestJira, [issue, key], q, init) => requestJira(route`/rest/api/3/issue/${issue}/properties/${key}?${q}`, { ...init, method: 'PUT' }) },
  { method: 'POST', path: path('/rest/api/3/search/jql'), send: (requestJira, _none, q, init) => requestJira(route`/rest/api/3/search/jql?${q}`, { ...init, method: 'POST' }) },
  // Create screen, projects, users, resolutions, statuses (src/core/jira/metadata.ts)
  { method: 'GET', path: path('/rest/api/3/issue/createmeta/{}/issuetypes'), send: (requestJira, [project], q, init) => requestJira(route`/rest/api/3/issue/createmeta/${project}/issuetypes?${q}`, { ...init, method: 'GET' }) },
  { method: 'GET', path: path('/rest/api/3/issue/createmeta/{}/issuetypes/{}'), send: (requestJira, [project, type], q, init) => requestJira(route`/rest/api/3/issue/createmeta/${project}/issuetypes/${type}?${q}`, { ...init, method: 'GET' }) },
  { method: 'GET', path: path('/rest/api/3/project/search'), send: (requestJira, _none, q, init) => requestJira(route`/rest/api/3/project/search?${q}`, { ...init, method: 'GET' }) },
  { method: 'GET', path: path('/rest/api/3/project/{}'), send: (requestJira, [project], q, init) => requestJira(route`/rest/api/3/project/${project}?${q}`, { ...init, method: 'GET' }) },
  { method: 'GET', path: path('/rest/api/3/project/{}/statuses'), send: (requestJira, [project], q, init) => requestJira(route`/rest/api/3/project/${project}/statuses?${q}`, { ...init, method: 'GET' }) },
  { method: 'GET', path: path('/rest/api/3/resolution/search'), send: (requestJira, _none, q, init) => requestJira(route`/rest/api/3/resolution/search?${q}`, { ...init, method: 'GET' }) },
  { method: 'GET', path: path('/rest/api/3/user/search'), send: (requestJira, _none, q, init) => requestJira(route`/rest/api/3/user/search?${q}`, { ...init, method: 'GET' }) },
  { method: 'GET', path: path('/rest/api/3/user/assignable/search'), send: (requestJira, _none, q, init) => requestJira(route`/rest/api/3/user/assignable/search?${q}`, { ...init, method: 'GET' }) },
  // Permission checks as the user (src/core/admin/access.ts) and the site's address (src/forge/adapters/platform.ts)
  { method: 'GET', path: path('/rest/api/3/mypermissions'), send: (requestJira, _none, q, init) => requestJira(route`/rest/api/3/mypermissions?${q}`, { ...init, method: 'GET' }) },
  { method: 'POST', path: path('/rest/api/3/permissions/check'), send: (requestJira, _none, q, init) => requestJira(route`/rest/api/3/permissions/check?${q}`, { ...init, method: 'POST' }) },
  { method: 'GET', path: path('/rest/api/3/serverInfo'), send: (requestJira, _none, q, init) => requestJira(route`/rest/api/3/serverInfo?${q}`, { ...init, method: 'GET' }) },
  // Jira Software: the Security tab and the development panel (src/core/devops/)
  { method: 'POST', path: path('/rest/security/1.0/bulk'), send: (requestJira, _none, q, init) => requestJira(route`/rest/security/1.0/bulk?${q}`, { ...init, method: 'POST' }) },
  { method: 'POST', path: path('/rest/security/1.0/linkedWorkspaces/bulk'), send: (requestJira, _none, q, init) => requestJira(route`/rest/security/1.0/linkedWorkspaces/bulk?${q}`, { ...init, method: 'POST' }) },
  { method: 'POST', path: path('/rest/devinfo/0.10/bulk'), send: (requestJira, _none, q, init) => requestJira(route`/rest/devinfo/0.10/bulk?${q}`, { ...init, method: 'POST' }) },
];

/** The route for a request the core built, with its (encoded) segments and query; undefined when the app has no such call. */
export function findJiraRoute(method: string, fullPath: string): { route: JiraRoute; segments: Segments; query: URLSearchParams } | undefined {
  const [pathPart = '', queryPart = ''] = fullPath.split(/\?(.*)/s, 2);
  for (const candidate of JIRA_ROUTES) {
    if (candidate.method !== method.toUpperCase()) continue;
    const match = candidate.path.exec(pathPart);
    if (match) return { route: candidate, segments: [match[1] ?? '', match[2] ?? ''], query: new URLSearchParams(queryPart) };
  }
  return undefined;
}
