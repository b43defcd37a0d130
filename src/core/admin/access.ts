/**
 * Who may use the admin resolvers, checked as the calling user
 * (`api.asUser().requestJira` in Forge) before anything runs as the app.
 *
 * The resolver context's `extension` (e.g. the project of the project settings
 * page) can be forged from the browser (FORGE-FACTS.md "Bridge and resolvers"),
 * so the project is taken from the payload and always verified here, as the
 * user: Jira answers for the user's real permissions, whatever the page says.
 */
import { z } from 'zod';
import { CodedError } from '../errors';
import { JiraError, callJira, query } from '../jira/http';
import type { JiraTransport } from '../ports';

export interface AdminCaller {
  /** From the resolver context (trustworthy): the Atlassian account invoking. */
  accountId: string;
  /** Jira as this user: used for permission checks only. */
  jiraAsUser: JiraTransport;
}

export type Access = { scope: 'global' } | { scope: 'project'; projectKey: string };

const myPermissionsSchema = z.object({
  permissions: z.record(z.string(), z.looseObject({ havePermission: z.boolean() })),
});

/**
 * One Jira call: `GET /rest/api/3/mypermissions` as the user, asking for both
 * ADMINISTER (Jira administrators may act everywhere) and, for a project,
 * ADMINISTER_PROJECTS on that project. Throws FORBIDDEN otherwise.
 */
export async function assertAccess(caller: AdminCaller, access: Access): Promise<void> {
  if (!caller.accountId) throw new CodedError('FORBIDDEN', 'Only a signed-in Jira user can change Backline settings.');
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
  if (has('ADMINISTER')) return;
  if (access.scope === 'project' && has('ADMINISTER_PROJECTS')) return;
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
