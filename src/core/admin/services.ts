/**
 * The admin page's and project settings page's operations, one function per
 * resolver key, on the core's ports, gathered from their rooms:
 * connection-services.ts, project-services.ts (mappings and the preview),
 * jira-services.ts (the editor's reads of Jira), routing-services.ts, and
 * access.ts. Each runs after the caller's permission
 * check (dispatch.ts) and calls Jira as the app through `platform.jira`.
 *
 * Jira calls are the scarce resource (docs/platform-limits.md "Jira REST rate limits"):
 * create metadata (with the project's priorities) and resolutions come from
 * `JiraMetadata`'s caches;
 * only saving re-reads the create screen, so a save is checked against Jira as
 * it is now.
 */
import { callerAccess } from './access';
import { connectionServices } from './connection-services';
import type { AdminServices } from './context';
import { jiraServices } from './jira-services';
import { projectServices } from './project-services';
import { routingServices } from './routing-services';

export { adminContext, type AdminContext, type AdminEnvironment, type AdminServices } from './context';

export const adminServices: AdminServices = {
  ...connectionServices,
  ...projectServices,
  ...jiraServices,
  ...routingServices,
  'access/me': (ctx) => callerAccess(ctx.caller, { store: ctx.platform.store, clock: ctx.platform.clock }),
};
