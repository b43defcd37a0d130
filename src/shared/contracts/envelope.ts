/**
 * The result envelope every resolver answers with (admin, failures and the
 * issue panel): `{ ok: true, data }` or `{ ok: false, error }` with a stable
 * code. One generic dispatcher (src/core/resolvers/dispatch.ts) produces it;
 * the admin UI's one client (static/admin/src/api.ts) and the issue panel read it.
 */

export const RESOLVER_ERROR_CODES = [
  'FORBIDDEN',
  'NOT_FOUND',
  'INVALID_INPUT',
  'MAPPING_INVALID',
  'CONFLICT',
  'JIRA_UNAVAILABLE',
  'JIRA_REJECTED',
  'STORAGE_UNAVAILABLE',
  'INTERNAL',
] as const;

export type ResolverErrorCode = (typeof RESOLVER_ERROR_CODES)[number];

export interface ResolverErrorDetail {
  /** Where the problem is, e.g. `fields.customfield_10014` or `payload.projectKey`. */
  path: string;
  message: string;
}

export interface ResolverError {
  code: ResolverErrorCode;
  /** Says what happened and what to do about it; shown to the user as is. */
  message: string;
  details?: ResolverErrorDetail[];
  /**
   * For JIRA_UNAVAILABLE when Jira said so (`Retry-After`): when trying again
   * makes sense (RFC 3339), so the page can say it in words.
   */
  retryAt?: string;
}

export type ResolverResult<T> = { ok: true; data: T } | { ok: false; error: ResolverError };
