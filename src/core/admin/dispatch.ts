/**
 * The admin settings family on the one resolver dispatcher
 * (../resolvers/dispatch.ts): which permission each key needs (its scope in
 * the contract), its payload schema and its service. Forge's resolver entry
 * point (src/forge/entry/resolver.ts) only builds the caller and calls this.
 */
import { z } from 'zod';
import { CodedError } from '../errors';
import type { Platform } from '../ports';
import { dispatchResolverCall, type PayloadParser } from '../resolvers/dispatch';
import { RESOLVER_SCOPES, payloadSchemas, type ParsedPayloadOf, type ResolverKey, type ResolverResult, type ResultOf } from '../../shared/contracts/admin';
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

/** `undefined` for a `self` key: any signed-in user, whose service reads Jira only as that user. */
export function accessFor(key: ResolverKey, payload: unknown): Access | undefined {
  if (RESOLVER_SCOPES[key] === 'self') return undefined;
  if (RESOLVER_SCOPES[key] === 'global') return { scope: 'global' };
  const projectKey = projectOfPayload(payload);
  if (!projectKey) {
    throw new CodedError('INVALID_INPUT', 'Say which project: the request has no valid projectKey.', {
      details: [{ path: 'projectKey', message: 'expected a Jira project key such as SEC' }],
    });
  }
  return { scope: 'project', projectKey };
}

export interface DispatchOptions {
  services?: AdminServices;
}

/** The contract's schemas, typed per key (so the dispatcher hands each service its own payload type). */
const PARSERS: { [J in ResolverKey]: PayloadParser<ParsedPayloadOf<J>> } = payloadSchemas;

export async function dispatchAdminCall<K extends ResolverKey>(
  key: K,
  rawPayload: unknown,
  platform: Platform,
  caller: AdminCaller,
  env: AdminEnvironment,
  options: DispatchOptions = {},
): Promise<ResolverResult<ResultOf<K>>> {
  const service = (options.services ?? adminServices)[key];
  return dispatchResolverCall(
    key,
    rawPayload,
    {
      authorise: async (raw) => {
        const access = accessFor(key, raw);
        if (access) return assertAccess(caller, access, { store: platform.store, clock: platform.clock });
        if (!caller.accountId) throw new CodedError('FORBIDDEN', 'Sign in to Jira to use Backline’s settings.');
      },
      schema: PARSERS[key],
      run: (payload) => service(adminContext(platform, caller, env), payload),
    },
    platform,
  );
}
