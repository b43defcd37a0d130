/**
 * Configuration reads: server info, users and permissions, projects, issue
 * types, create metadata, fields, priorities, resolutions, statuses and
 * workflows.
 */
import { fieldMetadata } from '../fields';
import { badRequest, intParam, JiraError, listParam, notFound, type RequestContext } from '../http';
import { CATEGORY_ENUM } from '../repr';
import { jiraTime } from '../store';
import type { SimProject, SimUser } from '../types';
import { schemeAssociation, workflowReadResponse } from '../workflows';
import { page, type Route, type SimEnv } from './route';

/** Jira's permission keys the simulator knows, with their type and name. */
const PERMISSIONS: Record<string, { id: string; name: string; type: 'GLOBAL' | 'PROJECT'; description: string }> = {
  ADMINISTER: { id: '0', name: 'Administer Jira', type: 'GLOBAL', description: 'Create and administer projects, issue types, fields, workflows, and schemes for all projects.' },
  SYSTEM_ADMIN: { id: '44', name: 'Jira System Administrator', type: 'GLOBAL', description: 'Ability to perform all administration functions.' },
  USER_PICKER: { id: '27', name: 'Browse users and groups', type: 'GLOBAL', description: 'View and select users or groups from the user picker.' },
  CREATE_SHARED_OBJECTS: { id: '22', name: 'Share dashboards and filters', type: 'GLOBAL', description: 'Share dashboards and filters with other users.' },
  ADMINISTER_PROJECTS: { id: '23', name: 'Administer Projects', type: 'PROJECT', description: 'Ability to administer a project in Jira.' },
  BROWSE_PROJECTS: { id: '10', name: 'Browse Projects', type: 'PROJECT', description: 'Ability to browse projects and the issues within them.' },
  CREATE_ISSUES: { id: '11', name: 'Create Issues', type: 'PROJECT', description: 'Ability to create issues.' },
  EDIT_ISSUES: { id: '12', name: 'Edit Issues', type: 'PROJECT', description: 'Ability to edit issues.' },
  TRANSITION_ISSUES: { id: '46', name: 'Transition Issues', type: 'PROJECT', description: 'Ability to transition issues.' },
  RESOLVE_ISSUES: { id: '14', name: 'Resolve Issues', type: 'PROJECT', description: 'Ability to resolve and reopen issues.' },
  CLOSE_ISSUES: { id: '18', name: 'Close Issues', type: 'PROJECT', description: 'Ability to close issues.' },
  ADD_COMMENTS: { id: '15', name: 'Add Comments', type: 'PROJECT', description: 'Ability to comment on issues.' },
  EDIT_ALL_COMMENTS: { id: '34', name: 'Edit All Comments', type: 'PROJECT', description: 'Ability to edit all comments made on issues.' },
  DELETE_ISSUES: { id: '16', name: 'Delete Issues', type: 'PROJECT', description: 'Ability to delete issues.' },
  ASSIGN_ISSUES: { id: '13', name: 'Assign Issues', type: 'PROJECT', description: 'Ability to assign issues to other people.' },
  ASSIGNABLE_USER: { id: '17', name: 'Assignable User', type: 'PROJECT', description: 'Users with this permission may be assigned to issues.' },
  LINK_ISSUES: { id: '21', name: 'Link Issues', type: 'PROJECT', description: 'Ability to link issues together.' },
  SCHEDULE_ISSUES: { id: '28', name: 'Schedule Issues', type: 'PROJECT', description: 'Ability to view or edit an issue\'s due date.' },
  MODIFY_REPORTER: { id: '30', name: 'Modify Reporter', type: 'PROJECT', description: 'Ability to modify the reporter when creating or editing an issue.' },
  WORK_ON_ISSUES: { id: '20', name: 'Work On Issues', type: 'PROJECT', description: 'Ability to log work done against an issue.' },
  VIEW_READONLY_WORKFLOW: { id: '45', name: 'View Read-Only Workflow', type: 'PROJECT', description: 'Users with this permission may view a read-only version of a workflow.' },
};

/** Read-only system fields `/field` lists besides the settable ones. */
const READ_ONLY_FIELDS = [
  { id: 'status', name: 'Status', schema: { type: 'status', system: 'status' } },
  { id: 'created', name: 'Created', schema: { type: 'datetime', system: 'created' } },
  { id: 'updated', name: 'Updated', schema: { type: 'datetime', system: 'updated' } },
  { id: 'resolutiondate', name: 'Resolved', schema: { type: 'datetime', system: 'resolutiondate' } },
  { id: 'creator', name: 'Creator', schema: { type: 'user', system: 'creator' } },
  { id: 'comment', name: 'Comment', schema: { type: 'comments-page', system: 'comment' } },
  { id: 'issuekey', name: 'Key', schema: undefined },
];

export function metaRoutes(env: SimEnv): Route[] {
  const { store, repr } = env;
  const R = '/rest/api/3';

  const browsable = (caller: SimUser): SimProject[] => store.data.projects.filter((p) => store.hasProjectPermission(caller, p, 'BROWSE_PROJECTS'));
  const projectFor = (ctx: RequestContext, idOrKey: string): SimProject => {
    const p = store.project(idOrKey);
    if (!p || !store.hasProjectPermission(ctx.caller, p, 'BROWSE_PROJECTS')) throw notFound(`No project could be found with key '${idOrKey}'.`);
    return p;
  };

  const projectJson = (p: SimProject, full: boolean, expand: string[]): Record<string, unknown> => {
    const lead = store.user(p.leadAccountId);
    const withTypes = full || expand.includes('issueTypes');
    return {
      expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight',
      self: `${repr.rest}/project/${p.id}`,
      id: p.id,
      key: p.key,
      name: p.name,
      avatarUrls: repr.avatarUrls('project', p.id),
      projectTypeKey: p.projectTypeKey,
      simplified: p.simplified,
      style: p.simplified ? 'next-gen' : 'classic',
      isPrivate: false,
      properties: {},
      uuid: p.uuid,
      ...(full || expand.includes('description') ? { description: p.description } : {}),
      ...((full || expand.includes('lead')) && lead ? { lead: repr.user(lead) } : {}),
      ...(full ? { components: p.components.map((c) => repr.component(c)), versions: p.versions.map((v) => repr.version(v)), assigneeType: 'UNASSIGNED', roles: {} } : {}),
      ...(withTypes ? { issueTypes: p.issueTypeIds.map((id) => repr.issueType(store.issueType(id) as never)) } : {}),
    };
  };

  const permissionJson = (key: string, have: boolean): Record<string, unknown> => {
    const p = PERMISSIONS[key];
    return { id: p.id, key, name: p.name, type: p.type, description: p.description, havePermission: have };
  };

  const userMatches = (u: SimUser, q: string): boolean => {
    const s = q.toLowerCase();
    return u.displayName.toLowerCase().includes(s) || u.emailAddress.toLowerCase().includes(s) || u.accountId === q;
  };

  return [
    {
      method: 'GET', template: `${R}/serverInfo`, kind: 'read',
      handler: () => ({
        status: 200,
        body: {
          baseUrl: repr.baseUrl, displayUrl: repr.baseUrl, version: '1001.0.0-SNAPSHOT', versionNumbers: [1001, 0, 0],
          deploymentType: 'Cloud', buildNumber: 100294, buildDate: '2026-11-20T00:00:00.000+0000', serverTime: jiraTime(env.now()),
          scmInfo: 'jira-sim', serverTitle: 'Jira (simulator)', serverTimeZone: 'Etc/UTC',
        },
      }),
    },
    {
      method: 'GET', template: `${R}/myself`, kind: 'read',
      handler: (ctx) => ({ status: 200, body: repr.user(ctx.caller), cost: { identity: 1 } }),
    },
    {
      method: 'GET', template: `${R}/user`, kind: 'read',
      handler: (ctx) => {
        const id = ctx.query.get('accountId');
        if (!id) throw badRequest('The accountId query parameter needs to be provided.');
        const u = store.user(id);
        if (!u) throw notFound(`Specified user does not exist or you do not have required permissions`);
        return { status: 200, body: repr.user(u), cost: { identity: 1 } };
      },
    },
    {
      method: 'GET', template: `${R}/user/search`, kind: 'read',
      handler: (ctx) => {
        const q = ctx.query.get('query');
        const accountId = ctx.query.get('accountId');
        if (!q && !accountId) throw badRequest("One of 'query' or 'accountId' parameters must be provided.");
        const startAt = intParam(ctx.query, 'startAt', 0);
        const max = intParam(ctx.query, 'maxResults', 50);
        const found = store.data.users.filter((u) => u.accountType === 'atlassian' && (accountId ? u.accountId === accountId : userMatches(u, q as string)));
        const users = found.slice(startAt, startAt + max).map((u) => repr.user(u));
        return { status: 200, body: users, cost: { identity: users.length } };
      },
    },
    {
      // Users who may be assigned issues in a project (ASSIGNABLE_USER there), as the assignee picker asks.
      method: 'GET', template: `${R}/user/assignable/search`, kind: 'read',
      handler: (ctx) => {
        const pk = ctx.query.get('project');
        const ik = ctx.query.get('issueKey') ?? ctx.query.get('issueId');
        if (!pk && !ik) throw badRequest('One of the following parameters must be provided: issueKey, issueId, project.');
        const issue = ik ? store.issue(ik) : undefined;
        if (ik && !issue) throw notFound('Issue does not exist or you do not have permission to see it.');
        const project = issue ? store.projectById(issue.projectId) : store.project(pk as string);
        if (!project) throw notFound(`No project could be found with key '${pk}'.`);
        const q = ctx.query.get('query');
        const accountId = ctx.query.get('accountId');
        const startAt = intParam(ctx.query, 'startAt', 0);
        const max = intParam(ctx.query, 'maxResults', 50);
        const found = store.data.users.filter(
          (u) => u.accountType === 'atlassian' && u.active && store.hasProjectPermission(u, project, 'ASSIGNABLE_USER') && (accountId ? u.accountId === accountId : !q || userMatches(u, q)),
        );
        const users = found.slice(startAt, startAt + max).map((u) => repr.user(u));
        return { status: 200, body: users, cost: { identity: users.length } };
      },
    },
    {
      method: 'GET', template: `${R}/mypermissions`, kind: 'read',
      handler: (ctx) => {
        const keys = listParam(ctx.query, 'permissions');
        if (!keys || keys.length === 0) throw badRequest("The 'permissions' query parameter is required.");
        const unknown = keys.filter((k) => !PERMISSIONS[k]);
        if (unknown.length) throw badRequest(`Invalid permission key(s): ${unknown.join(', ')}`);
        let project: SimProject | undefined;
        const pk = ctx.query.get('projectKey') ?? ctx.query.get('projectId');
        const ik = ctx.query.get('issueKey') ?? ctx.query.get('issueId');
        if (pk) {
          project = store.project(pk);
          if (!project) throw notFound(`No project could be found with key '${pk}'.`);
        } else if (ik) {
          const issue = store.issue(ik);
          if (!issue) throw notFound(`Issue does not exist or you do not have permission to see it.`);
          project = store.projectById(issue.projectId);
        }
        const permissions: Record<string, unknown> = {};
        for (const key of keys) {
          const def = PERMISSIONS[key];
          // Without a project, a project permission is "held" if held in any project (Jira's rule).
          const have = def.type === 'GLOBAL'
            ? store.hasGlobalPermission(ctx.caller, key)
            : project ? store.hasProjectPermission(ctx.caller, project, key) : store.data.projects.some((p) => store.hasProjectPermission(ctx.caller, p, key));
          permissions[key] = permissionJson(key, have);
        }
        return { status: 200, body: { permissions }, cost: { identity: keys.length } };
      },
    },
    {
      method: 'POST', template: `${R}/permissions/check`, kind: 'read',
      handler: (ctx) => {
        const body = (ctx.body ?? {}) as { accountId?: string; globalPermissions?: string[]; projectPermissions?: Array<{ permissions: string[]; projects?: number[]; issues?: number[] }> };
        let user = ctx.caller;
        if (body.accountId !== undefined) {
          // Checking someone else needs Administer Jira (apps have it).
          if (body.accountId !== ctx.caller.accountId && !store.hasGlobalPermission(ctx.caller, 'ADMINISTER')) throw new JiraError(403, ['Only Jira administrators can check the permissions of other users.']);
          const u = store.user(body.accountId);
          if (!u) throw badRequest(`Account '${body.accountId}' does not exist.`);
          user = u;
        }
        const unknown = [...(body.globalPermissions ?? []), ...(body.projectPermissions ?? []).flatMap((p) => p.permissions)].filter((k) => !PERMISSIONS[k]);
        if (unknown.length) throw badRequest(`Unrecognized permission key(s): ${unknown.join(', ')}`);
        const globalPermissions = (body.globalPermissions ?? []).filter((k) => store.hasGlobalPermission(user, k));
        const projectPermissions = [];
        for (const req of body.projectPermissions ?? []) {
          for (const permission of req.permissions) {
            const projects = (req.projects ?? []).filter((id) => {
              const p = store.project(String(id));
              return p !== undefined && store.hasProjectPermission(user, p, permission);
            });
            const issues = (req.issues ?? []).filter((id) => {
              const i = store.issue(String(id));
              return i !== undefined && store.hasProjectPermission(user, store.projectById(i.projectId), permission);
            });
            projectPermissions.push({ permission, projects, issues });
          }
        }
        return { status: 200, body: { globalPermissions, projectPermissions }, cost: { identity: globalPermissions.length + projectPermissions.length } };
      },
    },
    {
      method: 'GET', template: `${R}/project/search`, kind: 'read',
      handler: (ctx) => {
        const keys = listParam(ctx.query, 'keys');
        const ids = listParam(ctx.query, 'id');
        const q = ctx.query.get('query')?.toLowerCase();
        const expand = listParam(ctx.query, 'expand') ?? [];
        let list = browsable(ctx.caller);
        if (keys) list = list.filter((p) => keys.includes(p.key));
        if (ids) list = list.filter((p) => ids.includes(p.id));
        if (q) list = list.filter((p) => p.key.toLowerCase().includes(q) || p.name.toLowerCase().includes(q));
        const orderBy = ctx.query.get('orderBy') ?? 'key';
        const desc = orderBy.startsWith('-');
        const by = orderBy.replace(/^[-+]/, '') === 'name' ? 'name' : 'key';
        list = [...list].sort((a, b) => (desc ? -1 : 1) * a[by].localeCompare(b[by]));
        const p = page(list.map((x) => projectJson(x, false, expand)), intParam(ctx.query, 'startAt', 0), Math.min(intParam(ctx.query, 'maxResults', 50), 100), ctx.url.toString());
        return { status: 200, body: p, cost: { core: p.values.length } };
      },
    },
    {
      method: 'GET', template: `${R}/project/{projectIdOrKey}`, kind: 'read',
      handler: (ctx) => ({ status: 200, body: projectJson(projectFor(ctx, ctx.params.projectIdOrKey), true, []), cost: { core: 1 } }),
    },
    {
      method: 'GET', template: `${R}/project/{projectIdOrKey}/statuses`, kind: 'read',
      handler: (ctx) => {
        const p = projectFor(ctx, ctx.params.projectIdOrKey);
        const body = p.issueTypeIds.map((id) => {
          const t = store.issueType(id);
          const wf = store.workflowFor(p, id);
          return { self: `${repr.rest}/issueType/${id}`, id, name: t?.name ?? id, subtask: false, statuses: wf.statuses.map((s) => repr.status(store.status(s))) };
        });
        return { status: 200, body };
      },
    },
    {
      method: 'GET', template: `${R}/issuetype/project`, kind: 'read',
      handler: (ctx) => {
        const id = ctx.query.get('projectId') ?? '';
        const p = store.data.projects.find((x) => x.id === id);
        if (!p || !store.hasProjectPermission(ctx.caller, p, 'BROWSE_PROJECTS')) throw notFound(`No project could be found with id '${id}'.`);
        return { status: 200, body: p.issueTypeIds.map((t) => repr.issueType(store.issueType(t) as never)) };
      },
    },
    {
      method: 'GET', template: `${R}/issue/createmeta/{projectIdOrKey}/issuetypes`, kind: 'read',
      handler: (ctx) => {
        const p = projectFor(ctx, ctx.params.projectIdOrKey);
        if (!store.hasProjectPermission(ctx.caller, p, 'CREATE_ISSUES')) throw new JiraError(400, ['You do not have permission to create issues in this project.']);
        const all = p.issueTypeIds.map((id) => repr.issueType(store.issueType(id) as never));
        const startAt = intParam(ctx.query, 'startAt', 0);
        const maxResults = Math.min(intParam(ctx.query, 'maxResults', 50), 200);
        return { status: 200, body: { issueTypes: all.slice(startAt, startAt + maxResults), maxResults, startAt, total: all.length } };
      },
    },
    {
      method: 'GET', template: `${R}/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}`, kind: 'read',
      handler: (ctx) => {
        const p = projectFor(ctx, ctx.params.projectIdOrKey);
        const typeId = ctx.params.issueTypeId;
        if (!p.issueTypeIds.includes(typeId)) throw badRequest(`The issue type with id '${typeId}' does not exist or is not valid for the project.`);
        if (!store.hasProjectPermission(ctx.caller, p, 'CREATE_ISSUES')) throw new JiraError(400, ['You do not have permission to create issues in this project.']);
        const fctx = { store, repr, project: p, issueTypeId: typeId };
        const all = store.createScreen(p, typeId).flatMap((sf) => {
          const f = store.field(sf.fieldId);
          return f ? [fieldMetadata(f, sf, fctx, true)] : [];
        });
        const startAt = intParam(ctx.query, 'startAt', 0);
        const maxResults = Math.min(intParam(ctx.query, 'maxResults', 50), 200);
        return { status: 200, body: { fields: all.slice(startAt, startAt + maxResults), maxResults, startAt, total: all.length } };
      },
    },
    {
      method: 'GET', template: `${R}/field`, kind: 'read',
      handler: () => {
        const settable = store.data.fields.map((f) => ({
          id: f.id, key: f.key, name: f.name, custom: f.custom, orderable: true, navigable: true, searchable: true,
          clauseNames: f.clauseNames, schema: f.schema,
        }));
        const readOnly = READ_ONLY_FIELDS.map((f) => ({
          id: f.id, key: f.id, name: f.name, custom: false, orderable: false, navigable: true, searchable: true, clauseNames: [f.id], ...(f.schema ? { schema: f.schema } : {}),
        }));
        return { status: 200, body: [...settable, ...readOnly] };
      },
    },
    {
      method: 'GET', template: `${R}/priority`, kind: 'read',
      handler: () => ({ status: 200, body: store.data.priorities.map((p) => repr.priorityFull(p)) }),
    },
    {
      method: 'GET', template: `${R}/priority/search`, kind: 'read',
      handler: (ctx) => {
        const ids = listParam(ctx.query, 'id');
        const name = ctx.query.get('priorityName')?.toLowerCase();
        let list = store.data.priorities;
        if (ids) list = list.filter((p) => ids.includes(p.id));
        if (name) list = list.filter((p) => p.name.toLowerCase().includes(name));
        if (ctx.query.get('onlyDefault') === 'true') list = list.filter((p) => p.isDefault);
        return { status: 200, body: page(list.map((p) => repr.priorityFull(p)), intParam(ctx.query, 'startAt', 0), intParam(ctx.query, 'maxResults', 50), ctx.url.toString()) };
      },
    },
    {
      method: 'GET', template: `${R}/resolution`, kind: 'read',
      handler: () => ({ status: 200, body: store.data.resolutions.map((r) => repr.resolution(r)) }),
    },
    {
      method: 'GET', template: `${R}/resolution/search`, kind: 'read',
      handler: (ctx) => {
        const ids = listParam(ctx.query, 'id');
        let list = store.data.resolutions;
        if (ids) list = list.filter((r) => ids.includes(r.id));
        if (ctx.query.get('onlyDefault') === 'true') list = list.filter((r) => r.isDefault);
        const values = list.map((r) => ({ self: `${repr.rest}/resolution/${r.id}`, id: r.id, name: r.name, description: r.description, default: r.isDefault ?? false }));
        return { status: 200, body: page(values, intParam(ctx.query, 'startAt', 0), intParam(ctx.query, 'maxResults', 50), ctx.url.toString()) };
      },
    },
    {
      method: 'GET', template: `${R}/statuses/search`, kind: 'read',
      handler: (ctx) => {
        const projectId = ctx.query.get('projectId');
        let ids = store.data.statuses.map((s) => s.id);
        if (projectId) {
          const p = store.data.projects.find((x) => x.id === projectId);
          if (!p) throw notFound(`No project could be found with id '${projectId}'.`);
          const used = new Set(p.issueTypeIds.flatMap((t) => store.workflowFor(p, t).statuses));
          ids = ids.filter((id) => used.has(id));
        }
        const q = ctx.query.get('searchString')?.toLowerCase();
        const cat = ctx.query.get('statusCategory');
        const list = ids.map((id) => store.status(id))
          .filter((s) => !q || s.name.toLowerCase().includes(q))
          .filter((s) => !cat || CATEGORY_ENUM[s.categoryKey] === cat)
          .map((s) => ({ id: s.id, name: s.name, description: s.description, statusCategory: CATEGORY_ENUM[s.categoryKey], scope: { type: 'GLOBAL' } }));
        return { status: 200, body: page(list, intParam(ctx.query, 'startAt', 0), Math.min(intParam(ctx.query, 'maxResults', 200), 200), ctx.url.toString()) };
      },
    },
    {
      method: 'GET', template: `${R}/workflowscheme/project`, kind: 'read',
      handler: (ctx) => {
        const ids = listParam(ctx.query, 'projectId') ?? [];
        const projects = ids.map((id) => {
          const p = store.data.projects.find((x) => x.id === id);
          if (!p) throw badRequest(`Project with id '${id}' does not exist.`);
          return p;
        });
        if (!store.hasGlobalPermission(ctx.caller, 'ADMINISTER')) throw new JiraError(403, ['Only Jira administrators can access workflow schemes.']);
        // Projects sharing a scheme are grouped, as Jira does.
        const byScheme = new Map<number, SimProject[]>();
        for (const p of projects) byScheme.set(p.workflowScheme.id, [...(byScheme.get(p.workflowScheme.id) ?? []), p]);
        return { status: 200, body: { values: [...byScheme.values()].map((ps) => schemeAssociation(store, repr, ps)) } };
      },
    },
    {
      method: 'POST', template: `${R}/workflows`, kind: 'read',
      handler: (ctx) => {
        const body = (ctx.body ?? {}) as { workflowIds?: string[]; workflowNames?: string[]; projectAndIssueTypes?: Array<{ projectId: string; issueTypeId: string }> };
        if (!store.hasGlobalPermission(ctx.caller, 'ADMINISTER')) throw new JiraError(403, ['Only Jira administrators can read workflows.']);
        const ids = new Set<string>(body.workflowIds ?? []);
        for (const name of body.workflowNames ?? []) {
          const w = store.data.workflows.find((x) => x.name === name);
          if (w) ids.add(w.id);
        }
        for (const pair of body.projectAndIssueTypes ?? []) {
          const p = store.data.projects.find((x) => x.id === pair.projectId);
          if (p && p.issueTypeIds.includes(pair.issueTypeId)) ids.add(store.workflowFor(p, pair.issueTypeId).id);
        }
        const workflows = store.data.workflows.filter((w) => ids.has(w.id));
        return { status: 200, body: workflowReadResponse(store, workflows) };
      },
    },
  ];
}
