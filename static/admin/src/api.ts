/**
 * The UI's only way to the backend: typed calls over `@forge/bridge` `invoke`,
 * keyed and typed by the shared resolver contract (src/shared/contracts/admin.ts).
 * Failures arrive as `ApiError` with the resolver's stable code and details.
 * Types only from the contract: zod and the schemas stay out of the bundle.
 */
import { invoke } from '@forge/bridge';
import type {
  PayloadOf,
  ResolverError,
  ResolverErrorCode,
  ResolverErrorDetail,
  ResolverKey,
  ResolverResult,
  ResultOf,
} from '../../../src/shared/contracts/admin';

export class ApiError extends Error {
  readonly code: ResolverErrorCode | 'NETWORK';
  readonly details: ResolverErrorDetail[];

  constructor(error: ResolverError | { code: 'NETWORK'; message: string; details?: ResolverErrorDetail[] }) {
    super(error.message);
    this.name = 'ApiError';
    this.code = error.code;
    this.details = error.details ?? [];
  }
}

function isEnvelope(value: unknown): value is ResolverResult<unknown> {
  return typeof value === 'object' && value !== null && 'ok' in value && typeof (value).ok === 'boolean';
}

/**
 * One resolver call and its envelope: network failures, unexpected answers and
 * coded errors all become ApiError. Every typed client (this module's `api`,
 * the failures sections' `failuresApi`) goes through here.
 */
export async function invokeResolver<T>(key: string, payload: object): Promise<T> {
  let response: unknown;
  try {
    response = await invoke(key, payload as Record<string, unknown>);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ApiError({ code: 'NETWORK', message: `Could not reach the Backline app (${message}). Reload the page; if it keeps failing, check that the app is installed.` });
  }
  if (!isEnvelope(response)) {
    throw new ApiError({ code: 'INTERNAL', message: 'The app answered in an unexpected format. Reload the page.' });
  }
  if (!response.ok) throw new ApiError(response.error);
  // The envelope's data is typed by the contract the resolver implements.
  return response.data as T;
}

export async function call<K extends ResolverKey>(key: K, payload: PayloadOf<K>): Promise<ResultOf<K>> {
  return invokeResolver<ResultOf<K>>(key, payload);
}

export const api = {
  connection: () => call('connection/get', {}),
  rotateSecret: () => call('secret/rotate', {}),
  /** `refresh`: check every mapping against Jira's create screens as they are now (not the cached ones). */
  listProjects: (refresh = false) => call('projects/list', refresh ? { refresh } : {}),
  getProject: (projectKey: string) => call('projects/get', { projectKey }),
  /** `create`: a project not connected yet (refused with CONFLICT if it is connected meanwhile). */
  saveProject: (config: PayloadOf<'projects/save'>['config'], create = false) => call('projects/save', create ? { config, create } : { config }),
  deleteProject: (projectKey: string) => call('projects/delete', { projectKey }),
  jiraProjects: (query?: string) => call('jira/projects', query ? { query } : {}),
  issueTypes: (projectKey: string) => call('jira/issueTypes', { projectKey }),
  fields: (projectKey: string, issueTypeId: string) => call('jira/fields', { projectKey, issueTypeId }),
  statuses: (projectKey: string, issueTypeId: string) => call('jira/statuses', { projectKey, issueTypeId }),
  priorities: (projectKey: string) => call('jira/priorities', { projectKey }),
  resolutions: (projectKey: string) => call('jira/resolutions', { projectKey }),
  users: (projectKey: string, search: { query?: string; accountId?: string; assignable?: boolean }) => call('jira/users', { projectKey, ...search }),
  preview: (config: PayloadOf<'mapping/preview'>['config'], finding?: PayloadOf<'mapping/preview'>['finding']) =>
    call('mapping/preview', finding ? { config, finding } : { config }),
  routing: () => call('routing/get', {}),
  saveRouting: (settings: PayloadOf<'routing/save'>['settings']) => call('routing/save', { settings }),
  testRouting: (finding: PayloadOf<'routing/test'>['finding'], settings?: PayloadOf<'routing/test'>['settings']) => call('routing/test', { finding, ...(settings ? { settings } : {}) }),
  accessMe: () => call('access/me', {}),
};

export type Api = typeof api;

/** A message for an error banner: the server's message says what to do. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
