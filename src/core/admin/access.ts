/**
 * Who may use the admin resolvers, checked as the calling user
 * (`api.asUser().requestJira` in Forge) before anything runs as the app.
 *
 * The resolver context's `extension` (e.g. the project of the project settings
 * page) can be forged from the browser (docs/platform-limits.md "Bridge and resolvers"),
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

const projectPageSchema = z.object({ values: z.array(z.object({ id: z.string(), key: z.string(), name: z.string() })) });
const permissionCheckSchema = z.object({
  projectPermissions: z.array(z.object({ permission: z.string(), projects: z.array(z.union([z.string(), z.number()])).optional() })),
});

/** At most this many projects are looked at for the "your projects" links (one page of Jira's project search). */
const ADMINISTERED_PROJECTS_PAGE = 50;

/**
 * What the admin page shows the caller: everything (a Jira administrator) or
 * a message with links to the settings of the projects they administer.
 * Everything is asked as the user, so nothing is disclosed that Jira would
 * not show them: the projects they can browse (`GET /project/search`) and,
 * among those, the ones they administer (`POST /permissions/check`).
 */
export async function callerAccess(caller: AdminCaller, memory: GrantMemory): Promise<{ jiraAdmin: boolean; administeredProjects: Array<{ id: string; key: string; name: string }> }> {
  try {
    await assertAccess(caller, { scope: 'global' }, memory);
    return { jiraAdmin: true, administeredProjects: [] };
  } catch (error) {
    if (!(error instanceof CodedError) || error.code !== 'FORBIDDEN' || !caller.accountId) throw error;
  }
  const page = projectPageSchema.safeParse(await callJira<unknown>(caller.jiraAsUser, 'GET', `/rest/api/3/project/search${query({ maxResults: String(ADMINISTERED_PROJECTS_PAGE), orderBy: 'name' })}`));
  if (!page.success || page.data.values.length === 0) return { jiraAdmin: false, administeredProjects: [] };
  const projects = page.data.values;
  const checked = permissionCheckSchema.safeParse(
    await callJira<unknown>(caller.jiraAsUser, 'POST', '/rest/api/3/permissions/check', {
      projectPermissions: [{ permissions: ['ADMINISTER_PROJECTS'], projects: projects.map((p) => Number(p.id)) }],
    }),
  );
  if (!checked.success) return { jiraAdmin: false, administeredProjects: [] };
  const allowed = new Set(checked.data.projectPermissions.filter((p) => p.permission === 'ADMINISTER_PROJECTS').flatMap((p) => (p.projects ?? []).map(String)));
  return { jiraAdmin: false, administeredProjects: projects.filter((p) => allowed.has(p.id)).map((p) => ({ id: p.id, key: p.key, name: p.name })) };
}
