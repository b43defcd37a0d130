/**
 * One entry for every admin resolver call: permission check first (as the
 * user), then payload validation, then the service; every outcome as the
 * contract's result envelope with a stable code. Forge's resolver entry point
 * (src/forge/entry/resolver.ts) only builds the caller and calls this.
 */
import { z } from 'zod';
import { CodedError, type ErrorCode } from '../errors';
import { JiraError } from '../jira/http';
import type { Platform } from '../ports';
import {
  RESOLVER_SCOPES,
  payloadSchemas,
  type ParsedPayloadOf,
  type ResolverErrorCode,
  type ResolverKey,
  type ResolverResult,
  type ResultOf,
} from '../../shared/resolver-contract';
import { assertAccess, type Access, type AdminCaller } from './access';
import { adminContext, adminServices, type AdminEnvironment, type AdminServices } from './services';

const projectKeyOnly = z.object({ projectKey: z.string().regex(/^[A-Z][A-Z0-9_]*$/) });
const projectKeyInConfig = z.object({ config: projectKeyOnly });

/**
 * The project a project-scoped call is about, read from the payload only
 * (never from the extension context, which the browser can forge).
 */
export function projectOfPayload(payload: unknown): string | undefined {
  const direct = projectKeyOnly.safeParse(payload);
  if (direct.success) return direct.data.projectKey;
  const nested = projectKeyInConfig.safeParse(payload);
  return nested.success ? nested.data.config.projectKey : undefined;
}

export function accessFor(key: ResolverKey, payload: unknown): Access {
  if (RESOLVER_SCOPES[key] === 'global') return { scope: 'global' };
  const projectKey = projectOfPayload(payload);
  if (!projectKey) {
    throw new CodedError('INVALID_INPUT', 'Say which project: the request has no valid projectKey.', {
      details: [{ path: 'projectKey', message: 'expected a Jira project key such as SEC' }],
    });
  }
  return { scope: 'project', projectKey };
}

const ENVELOPE_CODES: ReadonlySet<ResolverErrorCode> = new Set<ResolverErrorCode>([
  'FORBIDDEN',
  'NOT_FOUND',
  'INVALID_INPUT',
  'MAPPING_INVALID',
  'CONFLICT',
  'JIRA_UNAVAILABLE',
  'JIRA_REJECTED',
  'STORAGE_UNAVAILABLE',
  'INTERNAL',
]);

function envelopeCode(code: ErrorCode): ResolverErrorCode {
  return ENVELOPE_CODES.has(code as ResolverErrorCode) ? (code as ResolverErrorCode) : 'INTERNAL';
}

export function toErrorResult(error: unknown, platform: Platform, key: string): ResolverResult<never> {
  if (error instanceof CodedError) {
    return { ok: false, error: { code: envelopeCode(error.code), message: error.message, ...(error.details ? { details: error.details } : {}) } };
  }
  if (error instanceof JiraError) {
    if (error.retryable) {
      return { ok: false, error: { code: 'JIRA_UNAVAILABLE', message: `Jira is busy or unavailable right now (HTTP ${error.status}); try again in a minute.` } };
    }
    if (error.status === 404) return { ok: false, error: { code: 'NOT_FOUND', message: `Jira could not find it (${error.message}). Reload the page; it may have been deleted.` } };
    return { ok: false, error: { code: 'JIRA_REJECTED', message: `${error.message}. Check the project's configuration in Jira.` } };
  }
  platform.logger.error('admin resolver failed', { key, error: error instanceof Error ? error.message : String(error) });
  return { ok: false, error: { code: 'INTERNAL', message: 'Something went wrong in the Backline app. Try again; if it keeps failing, contact the app’s support with the time it happened.' } };
}

export interface DispatchOptions {
  services?: AdminServices;
}

export async function dispatchAdminCall<K extends ResolverKey>(
  key: K,
  rawPayload: unknown,
  platform: Platform,
  caller: AdminCaller,
  env: AdminEnvironment,
  options: DispatchOptions = {},
): Promise<ResolverResult<ResultOf<K>>> {
  try {
    // 1. Who may act: checked as the user before anything else runs.
    await assertAccess(caller, accessFor(key, rawPayload));
    // 2. What they ask for: the payload against the contract.
    const parsed = payloadSchemas[key].safeParse(rawPayload ?? {});
    if (!parsed.success) {
      throw new CodedError('INVALID_INPUT', `The request for ${key} is not valid; reload the page and try again.`, {
        details: parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
      });
    }
    const service = (options.services ?? adminServices)[key];
    const data = await service(adminContext(platform, caller, env), parsed.data as ParsedPayloadOf<K>);
    return { ok: true, data };
  } catch (error) {
    return toErrorResult(error, platform, key);
  }
}
