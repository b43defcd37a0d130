/**
 * OAuth scopes: a Forge app may call an operation only when its manifest
 * grants the scopes the operation requires. The OpenAPI document names them
 * per operation: `security` (`{"OAuth2": [classic scopes]}`) and
 * `x-atlassian-oauth2-scopes` (the classic set, state "Current", and the
 * granular set, state "Beta"). One complete set is enough; an operation with
 * no OAuth2 entry cannot be called by an app at all.
 *
 * Jira answers a call outside the granted scopes with
 * `401 {"code":401,"message":"Unauthorized; scope does not match"}` (the body
 * recorded in raycast/extensions#11212, found through the `issues` corpus).
 */
import type { Operation } from './openapi';

export const SCOPE_MISMATCH_BODY = { code: 401, message: 'Unauthorized; scope does not match' };

/** The sets of scopes, any one of which allows the operation. */
export function scopeAlternatives(operation: Operation): string[][] {
  const sets: string[][] = [];
  for (const entry of operation.security ?? []) {
    if (Array.isArray(entry.OAuth2)) sets.push(entry.OAuth2);
  }
  for (const entry of operation['x-atlassian-oauth2-scopes'] ?? []) {
    if (entry.scheme === 'OAuth2' && Array.isArray(entry.scopes)) sets.push(entry.scopes);
  }
  return sets;
}

/** What is missing for the granted scopes to allow the operation; null when one set is complete. */
export function missingScopes(operation: Operation, granted: ReadonlySet<string>): string[] | null {
  const sets = scopeAlternatives(operation);
  if (sets.some((set) => set.every((s) => granted.has(s)))) return null;
  // Report the classic set (the first), which is what a manifest normally lists.
  const first = sets[0];
  return first ? first.filter((s) => !granted.has(s)) : ['(no OAuth2 scope allows apps to call this operation)'];
}

/**
 * Jira Software's DevOps APIs (security information, development information)
 * are not in the platform document, so their scopes are listed here: one scope
 * per API and verb, read for GET, write for POST, delete for DELETE. Evidence:
 * the scope names in the installed `@forge/manifest`
 * (`out/scopes/shipyard-scopes.json`: `read|write|delete:security:jira`,
 * `read|write|delete:dev-info:jira`), and Atlassian's "Jira Software scopes for
 * OAuth 2.0 (3LO) and Forge apps" page (search corpus `docs`:
 * scopes-product-jsw), which names the operations by the same verbs. The Jira
 * Software OpenAPI document that `forge lint` downloads is not available
 * offline; when it is, it should replace this table.
 */
const DEVOPS_API_SCOPES: Array<{ prefix: string; scope: string }> = [
  { prefix: '/rest/security/1.0/', scope: 'security:jira' },
  { prefix: '/rest/devinfo/0.10/', scope: 'dev-info:jira' },
];
const VERB_OF_METHOD: Record<string, string> = { GET: 'read', POST: 'write', PUT: 'write', DELETE: 'delete' };

/** What is missing for a DevOps API call; null when granted or not a DevOps API path. */
export function missingDevopsScopes(method: string, path: string, granted: ReadonlySet<string>): string[] | null {
  const api = DEVOPS_API_SCOPES.find((entry) => path.startsWith(entry.prefix));
  const verb = VERB_OF_METHOD[method.toUpperCase()];
  if (!api) return null;
  if (!verb) return [`(no scope allows ${method} on ${api.prefix})`];
  const scope = `${verb}:${api.scope}`;
  return granted.has(scope) ? null : [scope];
}
