/**
 * Who may use the admin resolvers, checked as the calling user
 * (`api.asUser().requestJira` in Forge) before anything runs as the app.
 *
 * The resolver context's `extension` (e.g. the project of the project settings
 * page) can be forged from the browser (FORGE-FACTS.md "Bridge and resolvers"),
 * so the project is taken from the payload and always verified here, as the
 * user: Jira answers for the user's real permissions, whatever the page says.
 *
 * A grant is remembered per user for ACCESS_GRANT_TTL_MS (docs/admin.md
 * "Permissions"): every tab of the page asks several resolvers, and the
 * Activity and Dead letters tabs read only the app's storage, so they stay
 * readable while Jira is down or the app's quota is spent. Refusals are never
 * remembered, so a newly made administrator is let in at once; a revoked one
 * keeps access for at most five minutes.
 */
import { z } from 'zod';
import { CodedError } from '../errors';
import { JiraError, callJira, query } from '../jira/http';
import type { Clock, JiraTransport, KeyValueStore } from '../ports';

export interface AdminCaller {
  /** From the resolver context (trustworthy): the Atlassian account invoking. */
  accountId: string;
  /** Jira as this user: used for permission checks only. */
  jiraAsUser: JiraTransport;
}

export type Access = { scope: 'global' } | { scope: 'project'; projectKey: string };

/** Where remembered grants live; without it every call asks Jira. */
export interface GrantMemory {
  store: KeyValueStore;
  clock: Clock;
}

/** At most five minutes (the issue panel and the pages ask far more often than admins change). */
export const ACCESS_GRANT_TTL_MS = 5 * 60_000;

const grantSchema = z.object({ grantedAt: z.number() });

function grantKey(accountId: string, grant: Access): string {
  return `access-grant:${accountId}:${grant.scope === 'global' ? 'global' : `project:${grant.projectKey}`}`;
}

/** A remembered grant that covers `access`: a Jira administrator's covers every project. */
async function rememberedGrant(memory: GrantMemory, accountId: string, access: Access): Promise<boolean> {
  const keys = [grantKey(accountId, { scope: 'global' }), ...(access.scope === 'project' ? [grantKey(accountId, access)] : [])];
  let values: unknown[];
  try {
    values = await memory.store.getMany(keys.map((key) => ({ key })));
  } catch {
    return false; // storage down: ask Jira, as without memory
  }
  const now = memory.clock.now();
  return values.some((value) => {
    const parsed = grantSchema.safeParse(value);
    // The clock check, not only the TTL: Forge may keep expired keys for a while.
    return parsed.success && now - parsed.data.grantedAt >= 0 && now - parsed.data.grantedAt < ACCESS_GRANT_TTL_MS;
  });
}

async function rememberGrant(memory: GrantMemory, accountId: string, grant: Access): Promise<void> {
  try {
    await memory.store.set(grantKey(accountId, grant), { grantedAt: memory.clock.now() }, { ttlSeconds: ACCESS_GRANT_TTL_MS / 1000 });
  } catch {
    // Not remembering only costs the next call a permission request.
  }
}

const myPermissionsSchema = z.object({
  permissions: z.record(z.string(), z.looseObject({ havePermission: z.boolean() })),
});

/**
 * A grant remembered for this user, or one Jira call: `GET /rest/api/3/mypermissions`
 * as the user, asking for both ADMINISTER (Jira administrators may act
 * everywhere) and, for a project, ADMINISTER_PROJECTS on that project.
 * Throws FORBIDDEN otherwise.
 */
export async function assertAccess(caller: AdminCaller, access: Access, memory?: GrantMemory): Promise<void> {
  if (!caller.accountId) throw new CodedError('FORBIDDEN', 'Only a signed-in Jira user can change Backline settings.');
  if (memory && (await rememberedGrant(memory, caller.accountId, access))) return;
  const params =
    access.scope === 'global'
      ? { permissions: 'ADMINISTER' }
      : { projectKey: access.projectKey, permissions: 'ADMINISTER,ADMINISTER_PROJECTS' };
  let raw: unknown;
  try {
    raw = await callJira<unknown>(caller.jiraAsUser, 'GET', `/rest/api/3/mypermissions${query(params)}`);
  } catch (error) {
    // Jira answers 404 for a project the user cannot see (or that does not exist): the same answer as "no".
    if (error instanceof JiraError && (error.status === 404 || error.status === 400 || error.status === 401 || error.status === 403)) {
      throw forbidden(access);
    }
    throw error;
  }
  const parsed = myPermissionsSchema.safeParse(raw);
  if (!parsed.success) throw new CodedError('JIRA_UNAVAILABLE', 'Jira answered the permission check in an unexpected format; try again in a moment.', { retryable: true });
  const has = (key: string) => parsed.data.permissions[key]?.havePermission === true;
  if (has('ADMINISTER')) {
    if (memory) await rememberGrant(memory, caller.accountId, { scope: 'global' });
    return;
  }
  if (access.scope === 'project' && has('ADMINISTER_PROJECTS')) {
    if (memory) await rememberGrant(memory, caller.accountId, access);
    return;
  }
  throw forbidden(access);
}

function forbidden(access: Access): CodedError {
  return new CodedError(
    'FORBIDDEN',
    access.scope === 'global'
      ? 'Only Jira administrators can change Backline’s global settings. Ask a Jira administrator, or open the Backline page in your project’s settings.'
      : `You need to be an administrator of project ${access.projectKey} (or a Jira administrator) to change its Backline settings. Ask a project administrator.`,
  );
}
