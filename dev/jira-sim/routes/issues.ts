/** Issue routes: CRUD, bulk create, transitions, comments, remote links, properties, JQL search. */
import { boolParam, fieldErrors, intParam, ISSUE_NOT_FOUND, JiraError, listParam, notFound, type RequestContext, type SimResult } from '../http';
import type { SimIssue, SimRemoteLink } from '../types';
import type { Route, SimEnv } from './route';
import { isObject } from '../util';

const MAX_BULK = 50;
const MAX_RECONCILE = 50;

export function issueRoutes(env: SimEnv): Route[] {
  const { store, repr, issues } = env;
  const R = '/rest/api/3';
  const I = `${R}/issue/{issueIdOrKey}`;

  /** The issue of the path, if the caller may see it (Jira answers 404 either way). */
  const issueOf = (ctx: RequestContext): SimIssue => {
    const issue = store.issue(ctx.params.issueIdOrKey);
    if (!issue || !store.hasProjectPermission(ctx.caller, store.projectById(issue.projectId), 'BROWSE_PROJECTS')) throw notFound(ISSUE_NOT_FOUND);
    return issue;
  };

  /**
   * OpenAPI, POST/DELETE /issue/{issueIdOrKey}/remotelink: "requires issue
   * linking to be active" and the Link issues permission; "403 Returned if the
   * user does not have permission to link issues".
   */
  const mayLink = (ctx: RequestContext, issue: SimIssue): void => {
    if (!store.data.settings.issueLinking) throw new JiraError(403, ['Issue linking is disabled.']);
    if (!store.hasProjectPermission(ctx.caller, store.projectById(issue.projectId), 'LINK_ISSUES')) throw new JiraError(403, ['You do not have permission to link issues.']);
  };

  const created = (issue: SimIssue): Record<string, unknown> => ({ id: issue.id, key: issue.key, self: `${repr.rest}/issue/${issue.id}` });

  const linkJson = (issue: SimIssue, l: SimRemoteLink): Record<string, unknown> => ({
    id: l.id,
    self: `${repr.rest}/issue/${issue.key}/remotelink/${l.id}`,
    ...(l.globalId !== undefined ? { globalId: l.globalId } : {}),
    ...(l.application ? { application: l.application } : {}),
    ...(l.relationship !== undefined ? { relationship: l.relationship } : {}),
    object: l.object,
  });

  const search = (ctx: RequestContext, p: { jql?: string; nextPageToken?: string; maxResults?: number; fields?: string[]; properties?: string[]; reconcileIssues?: number[] }): SimResult => {
    // The OpenAPI schema: "Strong consistency issue ids to be reconciled with search results. Accepts max 50 ids".
    if ((p.reconcileIssues?.length ?? 0) > MAX_RECONCILE) throw new JiraError(400, [`reconcileIssues accepts at most ${MAX_RECONCILE} issue ids.`]);
    const candidates = env.searchIndex.view(env.now(), new Set((p.reconcileIssues ?? []).map(String)));
    const all = env.jql.search(p.jql ?? '', ctx.caller.accountId, candidates)
      .filter((i) => store.hasProjectPermission(ctx.caller, store.projectById(i.projectId), 'BROWSE_PROJECTS'));
    let offset = 0;
    if (p.nextPageToken) {
      const decoded = Number(Buffer.from(p.nextPageToken, 'base64url').toString('utf8').replace(/^offset:/, ''));
      if (!Number.isInteger(decoded) || decoded < 0) throw new JiraError(400, ['The provided next page token is invalid or expired.']);
      offset = decoded;
    }
    const onlyIds = !p.fields || p.fields.every((f) => f === 'id' || f === 'key');
    // Jira returns up to 5,000 ids per page but far fewer issues with fields.
    const max = Math.max(0, Math.min(p.maxResults ?? 50, onlyIds ? 5000 : 100));
    const slice = all.slice(offset, offset + max);
    const more = offset + slice.length < all.length;
    const list = slice.map((i) => {
      const full = issues.toJson(i, { fields: p.fields, properties: p.properties, defaultFields: 'id' });
      // Without fields Jira answers just the id; `key` appears when asked for.
      if (onlyIds) {
        const wantsKey = p.fields?.includes('key');
        return { id: i.id, ...(wantsKey ? { key: i.key, self: full.self } : {}), ...(full.properties ? { properties: full.properties } : {}) };
      }
      return full;
    });
    return {
      status: 200,
      body: { issues: list, isLast: !more, ...(more ? { nextPageToken: Buffer.from(`offset:${offset + max}`).toString('base64url') } : {}) },
      cost: { core: list.length },
    };
  };

  return [
    {
      method: 'POST', template: `${R}/issue`, kind: 'write',
      handler: (ctx) => {
        const { issue, transition } = issues.create(isObject(ctx.body) ? ctx.body : {}, ctx.caller);
        return { status: 201, body: { ...created(issue), ...(transition ? { transition } : {}) } };
      },
    },
    {
      method: 'POST', template: `${R}/issue/bulk`, kind: 'write',
      handler: (ctx) => {
        const updates = isObject(ctx.body) && Array.isArray(ctx.body.issueUpdates) ? ctx.body.issueUpdates : [];
        if (updates.length > MAX_BULK) {
          return { status: 400, body: { issues: [], errors: [{ status: 400, failedElementNumber: MAX_BULK, elementErrors: { errorMessages: [`You can create at most ${MAX_BULK} issues in one request; got ${updates.length}.`], errors: {} } }] } };
        }
        const ok: Array<Record<string, unknown>> = [];
        const errors: Array<Record<string, unknown>> = [];
        updates.forEach((u, n) => {
          try {
            const { issue, transition } = issues.create(isObject(u) ? u : {}, ctx.caller);
            ok.push({ ...created(issue), ...(transition ? { transition } : {}) });
          } catch (e) {
            if (!(e instanceof JiraError)) throw e;
            errors.push({ status: e.status, elementErrors: { errorMessages: e.errorMessages, errors: e.errors }, failedElementNumber: n });
          }
        });
        // 201 when anything was created; 400 only when every element failed.
        return { status: ok.length > 0 || updates.length === 0 ? 201 : 400, body: { issues: ok, errors } };
      },
    },
    {
      method: 'GET', template: I, kind: 'read',
      handler: (ctx) => {
        const issue = issueOf(ctx);
        const body = issues.toJson(issue, { fields: listParam(ctx.query, 'fields'), properties: listParam(ctx.query, 'properties') });
        const expand = listParam(ctx.query, 'expand') ?? [];
        if (expand.includes('names') && isObject(body.fields)) {
          body.names = Object.fromEntries(Object.keys(body.fields).map((id) => [id, store.field(id)?.name ?? id]));
        }
        if (expand.includes('transitions')) body.transitions = (issues.transitionsJson(issue, { expandFields: false }).transitions);
        return { status: 200, body, cost: { core: 1 } };
      },
    },
    {
      method: 'PUT', template: I, kind: 'write',
      handler: (ctx) => {
        const issue = issueOf(ctx);
        issues.edit(issue, isObject(ctx.body) ? ctx.body : {}, ctx.caller);
        if (boolParam(ctx.query, 'returnIssue', false)) return { status: 200, body: issues.toJson(issue), issueId: issue.id };
        return { status: 204, issueId: issue.id };
      },
    },
    {
      method: 'DELETE', template: I, kind: 'write',
      handler: (ctx) => {
        const issue = issueOf(ctx);
        if (!store.hasProjectPermission(ctx.caller, store.projectById(issue.projectId), 'DELETE_ISSUES')) throw new JiraError(403, ['You do not have permission to delete this issue.']);
        store.commit({ kind: 'deleted', issue, byAccountId: ctx.caller.accountId });
        return { status: 204, issueId: issue.id };
      },
    },
    {
      method: 'GET', template: `${I}/transitions`, kind: 'read',
      handler: (ctx) => {
        const issue = issueOf(ctx);
        const expand = listParam(ctx.query, 'expand') ?? [];
        return { status: 200, body: issues.transitionsJson(issue, { expandFields: expand.includes('transitions.fields'), transitionId: ctx.query.get('transitionId') ?? undefined }) };
      },
    },
    {
      method: 'POST', template: `${I}/transitions`, kind: 'write',
      handler: (ctx) => {
        const issue = issueOf(ctx);
        issues.transition(issue, isObject(ctx.body) ? ctx.body : {}, ctx.caller);
        return { status: 204, issueId: issue.id };
      },
    },
    {
      method: 'GET', template: `${I}/comment`, kind: 'read',
      handler: (ctx) => {
        const issue = issueOf(ctx);
        const startAt = intParam(ctx.query, 'startAt', 0);
        const maxResults = Math.min(intParam(ctx.query, 'maxResults', 5000), 5000);
        const list = [...issue.comments];
        if (ctx.query.get('orderBy') === '-created') list.reverse();
        const comments = list.slice(startAt, startAt + maxResults).map((c) => issues.commentJson(issue, c));
        return { status: 200, body: { startAt, maxResults, total: list.length, comments }, cost: { core: comments.length } };
      },
    },
    {
      method: 'POST', template: `${I}/comment`, kind: 'write',
      handler: (ctx) => {
        const issue = issueOf(ctx);
        const body = isObject(ctx.body) ? ctx.body.body : undefined;
        const c = issues.addComment(issue, body, ctx.caller);
        return { status: 201, body: issues.commentJson(issue, c), issueId: issue.id };
      },
    },
    {
      method: 'GET', template: `${I}/remotelink`, kind: 'read',
      handler: (ctx) => {
        const issue = issueOf(ctx);
        const globalId = ctx.query.get('globalId');
        if (globalId !== null) {
          const l = issue.remoteLinks.find((x) => x.globalId === globalId);
          if (!l) throw notFound(`No remote link with globalId '${globalId}' on issue ${issue.key}.`);
          return { status: 200, body: linkJson(issue, l) };
        }
        return { status: 200, body: issue.remoteLinks.map((l) => linkJson(issue, l)) };
      },
    },
    {
      method: 'POST', template: `${I}/remotelink`, kind: 'write',
      handler: (ctx) => {
        const issue = issueOf(ctx);
        mayLink(ctx, issue);
        const body = isObject(ctx.body) ? ctx.body : {};
        const object = isObject(body.object) ? body.object : undefined;
        const errors: Record<string, string> = {};
        if (!object || typeof object.url !== 'string' || object.url === '') errors.url = "'url' is required.";
        if (!object || typeof object.title !== 'string' || object.title === '') errors.title = "'title' is required.";
        if (Object.keys(errors).length) throw fieldErrors(errors);
        const globalId = typeof body.globalId === 'string' ? body.globalId : undefined;
        const fields = {
          object: object as Record<string, unknown>,
          ...(isObject(body.application) ? { application: body.application } : {}),
          ...(typeof body.relationship === 'string' ? { relationship: body.relationship } : {}),
        };
        // Upsert by globalId: the same globalId replaces the link (200), a new one creates it (201).
        const existing = globalId !== undefined ? issue.remoteLinks.find((l) => l.globalId === globalId) : undefined;
        if (existing) {
          existing.object = fields.object;
          existing.application = fields.application;
          existing.relationship = fields.relationship;
          store.commit({ kind: 'remotelink', issue, byAccountId: ctx.caller.accountId });
          return { status: 200, body: { id: existing.id, self: `${repr.rest}/issue/${issue.key}/remotelink/${existing.id}` }, issueId: issue.id };
        }
        // OpenAPI: "413 Returned if a per-issue limit has been breached for … remote issue links".
        const cap = store.data.settings.remoteLinksPerIssue;
        if (issue.remoteLinks.length >= cap) throw new JiraError(413, [`The issue has reached the limit of ${cap} remote links.`]);
        store.data.counters.remoteLinkId += 1;
        const link: SimRemoteLink = { id: store.data.counters.remoteLinkId, ...(globalId !== undefined ? { globalId } : {}), ...fields };
        issue.remoteLinks.push(link);
        store.commit({ kind: 'remotelink', issue, byAccountId: ctx.caller.accountId });
        return { status: 201, body: { id: link.id, self: `${repr.rest}/issue/${issue.key}/remotelink/${link.id}` }, issueId: issue.id };
      },
    },
    {
      method: 'DELETE', template: `${I}/remotelink`, kind: 'write',
      handler: (ctx) => {
        const issue = issueOf(ctx);
        mayLink(ctx, issue);
        const globalId = ctx.query.get('globalId');
        const before = issue.remoteLinks.length;
        issue.remoteLinks = issue.remoteLinks.filter((l) => l.globalId !== globalId);
        if (issue.remoteLinks.length === before) throw notFound(`No remote link with globalId '${globalId}' on issue ${issue.key}.`);
        store.commit({ kind: 'remotelink', issue, byAccountId: ctx.caller.accountId });
        return { status: 204, issueId: issue.id };
      },
    },
    {
      method: 'GET', template: `${I}/properties`, kind: 'read',
      handler: (ctx) => {
        const issue = issueOf(ctx);
        const keys = Object.keys(issue.properties).map((key) => ({ key, self: `${repr.rest}/issue/${issue.id}/properties/${encodeURIComponent(key)}` }));
        return { status: 200, body: { keys } };
      },
    },
    {
      method: 'GET', template: `${I}/properties/{propertyKey}`, kind: 'read',
      handler: (ctx) => {
        const issue = issueOf(ctx);
        const key = ctx.params.propertyKey;
        if (!Object.prototype.hasOwnProperty.call(issue.properties, key)) throw notFound(`The property with key '${key}' does not exist.`);
        return { status: 200, body: { key, value: issue.properties[key] } };
      },
    },
    {
      method: 'PUT', template: `${I}/properties/{propertyKey}`, kind: 'write',
      handler: (ctx) => {
        const issue = issueOf(ctx);
        if (!store.hasProjectPermission(ctx.caller, store.projectById(issue.projectId), 'EDIT_ISSUES')) throw new JiraError(403, ['You do not have permission to edit this issue.']);
        const isNew = issues.setProperty(issue, ctx.params.propertyKey, ctx.body, ctx.caller);
        return { status: isNew ? 201 : 200, issueId: issue.id };
      },
    },
    {
      method: 'DELETE', template: `${I}/properties/{propertyKey}`, kind: 'write',
      handler: (ctx) => {
        const issue = issueOf(ctx);
        const key = ctx.params.propertyKey;
        // OpenAPI: "404 Returned if the issue or property is not found, or the user does not have permission to edit the issue."
        if (!store.hasProjectPermission(ctx.caller, store.projectById(issue.projectId), 'EDIT_ISSUES')) throw notFound(ISSUE_NOT_FOUND);
        if (!Object.prototype.hasOwnProperty.call(issue.properties, key)) throw notFound(`The property with key '${key}' does not exist.`);
        delete issue.properties[key];
        store.commit({ kind: 'property', issue, byAccountId: ctx.caller.accountId });
        return { status: 204, issueId: issue.id };
      },
    },
    {
      method: 'GET', template: `${R}/search/jql`, kind: 'read',
      handler: (ctx) => search(ctx, {
        jql: ctx.query.get('jql') ?? undefined,
        nextPageToken: ctx.query.get('nextPageToken') ?? undefined,
        maxResults: ctx.query.has('maxResults') ? intParam(ctx.query, 'maxResults', 50) : undefined,
        fields: listParam(ctx.query, 'fields'),
        properties: listParam(ctx.query, 'properties'),
        reconcileIssues: listParam(ctx.query, 'reconcileIssues')?.map(Number).filter(Number.isInteger),
      }),
    },
    {
      method: 'POST', template: `${R}/search/jql`, kind: 'read',
      handler: (ctx) => {
        const b = (isObject(ctx.body) ? ctx.body : {}) as { jql?: string; nextPageToken?: string; maxResults?: number; fields?: string[]; properties?: string[]; reconcileIssues?: number[] };
        return search(ctx, { jql: b.jql, nextPageToken: b.nextPageToken, maxResults: b.maxResults, fields: b.fields?.flatMap((f) => f.split(',')), properties: b.properties, reconcileIssues: b.reconcileIssues });
      },
    },
  ];
}
