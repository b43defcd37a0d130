/**
 * The test control API under `<baseUrl>/_sim/` (never part of Jira). The calls
 * in the table of `local-runtime.md` keep their exact shapes; the extra ones
 * are documented in `README.md`.
 */
import { badRequest, JiraError, notFound, type SimResult } from './http';
import type { IssueService } from './issues';
import type { SimStore } from './store';
import type { ScreenField, SimField, SimProject, SimTransition, SimWorkflow } from './types';
import { isObject, str } from './util';
import { SIM_USERS } from './seed';
import { bumpWorkflow } from './workflows';

export interface FaultMatch {
  method?: string;
  /** Prefix of the path relative to the base URL, e.g. `/rest/api/3/issue`. */
  path?: string;
}

export interface Fault {
  /** 429, 5xx, or 0 = the request hangs `latencyMs` and then fails without an answer. */
  status: number;
  remaining: number;
  retryAfter?: number;
  latencyMs?: number;
  match?: FaultMatch;
  /** `commit`: the request is carried out and saved first; only its answer is replaced (5xx) or dropped (0). */
  after?: 'commit';
}

export interface Stats {
  requests: number;
  points: number;
  byRoute: Record<string, number>;
  /** Points spent per route (refused requests cost none): where a run's points went. */
  pointsByRoute: Record<string, number>;
  /** Points spent per installation sharing this site's pool (simulator.ts `installationOf`). */
  pointsByInstallation: Record<string, number>;
  contractViolations: number;
  rateLimited: number;
  /** Rich-text values Atlassian's ADF schema refuses (`GET _sim/adf-violations`). */
  adfViolations: number;
  /** Calls outside the manifest's OAuth scopes (`GET _sim/scope-violations`). */
  scopeViolations: number;
}

export interface Violation {
  method: string;
  path: string;
  problems: string[];
}

export interface RequestLogEntry {
  at: string;
  method: string;
  path: string;
  route: string;
  status: number;
  points: number;
  caller: string;
}

/** What the control API can reach inside the simulator. */
export interface ControlTarget {
  store: SimStore;
  issues: IssueService;
  stats: Stats;
  violations: Violation[];
  adfViolations: Violation[];
  scopeViolations: Violation[];
  log: RequestLogEntry[];
  faults: Fault[];
  latencyMs: number;
  setQuota(pointsPerHour: number): void;
  readonly searchLagMs: number;
  setSearchLag(ms: number): void;
  quota(): { pointsPerHour: number; remaining: number };
  now(): number;
  advanceClock(ms: number): void;
  resetStats(): void;
  resetAll(): void;
}

const ok = (body: unknown = { ok: true }): SimResult => ({ status: 200, body });

export function handleControl(t: ControlTarget, method: string, path: string, body: unknown): SimResult {
  const route = `${method} ${path.replace(/\/+$/, '')}`;
  const issueDelete = /^POST \/_sim\/issues\/([^/]+)\/delete$/.exec(route);
  if (issueDelete) {
    const issue = t.store.issue(decodeURIComponent(issueDelete[1]));
    if (!issue) throw notFound(`No issue ${issueDelete[1]}.`);
    t.store.commit({ kind: 'deleted', issue, byAccountId: SIM_USERS.siteAdmin.accountId });
    return ok({ deleted: issue.key });
  }
  switch (route) {
    case 'GET /_sim/stats':
      return ok(t.stats);
    case 'POST /_sim/stats/reset':
      t.resetStats();
      return ok(t.stats);
    case 'GET /_sim/violations':
      return ok(t.violations);
    case 'GET /_sim/adf-violations':
      return ok(t.adfViolations);
    case 'GET /_sim/scope-violations':
      return ok(t.scopeViolations);
    case 'GET /_sim/requests':
      return ok(t.log);
    case 'POST /_sim/faults':
      return ok(addFault(t, body));
    case 'DELETE /_sim/faults':
      t.faults.length = 0;
      t.latencyMs = 0;
      return ok({ faults: [], latencyMs: 0 });
    case 'GET /_sim/faults':
      return ok({ faults: t.faults, latencyMs: t.latencyMs });
    case 'POST /_sim/quota': {
      const n = isObject(body) ? body.pointsPerHour : undefined;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw badRequest('Body must be {"pointsPerHour": <non-negative integer>}.');
      t.setQuota(n);
      return ok(t.quota());
    }
    case 'GET /_sim/quota':
      return ok(t.quota());
    case 'POST /_sim/search-lag': {
      const ms = isObject(body) ? body.ms : undefined;
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw badRequest('Body must be {"ms": <non-negative number>}.');
      t.setSearchLag(ms);
      return ok({ ms: t.searchLagMs });
    }
    case 'GET /_sim/search-lag':
      return ok({ ms: t.searchLagMs });
    case 'POST /_sim/reset':
      t.resetAll();
      return ok({ reset: true });
    case 'POST /_sim/clock': {
      const ms = isObject(body) ? body.advanceMs : undefined;
      if (typeof ms !== 'number' || ms < 0) throw badRequest('Body must be {"advanceMs": <non-negative number>}.');
      t.advanceClock(ms);
      return ok({ now: new Date(t.now()).toISOString() });
    }
    case 'GET /_sim/clock':
      return ok({ now: new Date(t.now()).toISOString() });
    case 'GET /_sim/issues':
      return ok([...t.store.data.issues.values()].map((i) => ({
        ...t.issues.toJson(i, { properties: ['*all'] }),
        remoteLinks: i.remoteLinks,
      })));
    case 'POST /_sim/workflow':
      return ok(changeWorkflow(t, body));
    case 'POST /_sim/fields':
      return ok(changeFields(t, body));
    case 'POST /_sim/linking': {
      const enabled = isObject(body) ? body.enabled : undefined;
      if (typeof enabled !== 'boolean') throw badRequest('Body must be {"enabled": true|false}.');
      t.store.data.settings.issueLinking = enabled;
      return ok({ enabled });
    }
    case 'POST /_sim/limits': {
      const settings = t.store.data.settings;
      for (const name of ['commentsPerIssue', 'remoteLinksPerIssue'] as const) {
        const v = isObject(body) ? body[name] : undefined;
        if (v === undefined) continue;
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw badRequest(`${name} must be a non-negative integer.`);
        settings[name] = v;
      }
      return ok({ commentsPerIssue: settings.commentsPerIssue, remoteLinksPerIssue: settings.remoteLinksPerIssue });
    }
    case 'GET /_sim/limits':
      return ok({ commentsPerIssue: t.store.data.settings.commentsPerIssue, remoteLinksPerIssue: t.store.data.settings.remoteLinksPerIssue });
    case 'GET /_sim/linking':
      return ok({ enabled: t.store.data.settings.issueLinking });
    case 'POST /_sim/permissions':
      return ok(changePermissions(t, body));
    default:
      throw notFound(`Unknown simulator control call ${route}. See dev/jira-sim/README.md.`);
  }
}

function addFault(t: ControlTarget, body: unknown): { faults: Fault[]; latencyMs: number } {
  if (!isObject(body)) throw badRequest('Body must be a JSON object.');
  const latencyMs = body.latencyMs === undefined ? undefined : Number(body.latencyMs);
  if (latencyMs !== undefined && (!Number.isFinite(latencyMs) || latencyMs < 0)) throw badRequest('latencyMs must be a non-negative number.');
  const timeout = body.timeout === true || body.status === 0;
  if (body.status === undefined && !timeout) {
    // `{latencyMs}` alone: latency on every request until DELETE /_sim/faults.
    if (latencyMs === undefined) throw badRequest('Give a status (429, 5xx, 0) with a count, or latencyMs alone.');
    t.latencyMs = latencyMs;
    return { faults: t.faults, latencyMs: t.latencyMs };
  }
  const status = timeout ? 0 : Number(body.status);
  if (!(status === 0 || status === 429 || (status >= 500 && status <= 504))) throw badRequest('status must be 429, 500–504, or 0 (timeout).');
  if (body.after !== undefined && body.after !== 'commit') throw badRequest('after must be "commit".');
  const afterCommit = body.after === 'commit';
  // Jira checks rate limits before the work, so a 429 never follows a saved write.
  if (afterCommit && status === 429) throw badRequest('An after-commit fault answers 5xx or 0 (no answer), not 429.');
  const count = body.count === undefined ? 1 : Number(body.count);
  if (!Number.isInteger(count) || count < 1) throw badRequest('count must be a positive integer.');
  const match = isObject(body.match) ? { ...(typeof body.match.method === 'string' ? { method: body.match.method.toUpperCase() } : {}), ...(typeof body.match.path === 'string' ? { path: body.match.path } : {}) } : undefined;
  t.faults.push({
    status,
    remaining: count,
    ...(body.retryAfter !== undefined ? { retryAfter: Number(body.retryAfter) } : {}),
    ...(latencyMs !== undefined ? { latencyMs } : timeout && !afterCommit ? { latencyMs: 5000 } : {}),
    ...(match ? { match } : {}),
    ...(afterCommit ? { after: 'commit' as const } : {}),
  });
  return { faults: t.faults, latencyMs: t.latencyMs };
}

function projectAndType(t: ControlTarget, body: Record<string, unknown>): { project: SimProject; issueTypeId: string } {
  const project = t.store.project(str(body.project));
  if (!project) throw badRequest(`Unknown project ${JSON.stringify(body.project)}.`);
  const typeRef = body.issueType === undefined ? undefined : str(body.issueType);
  const type = typeRef === undefined ? undefined : t.store.data.issueTypes.find((x) => x.id === typeRef || x.name === typeRef);
  if (typeRef !== undefined && (!type || !project.issueTypeIds.includes(type.id))) throw badRequest(`Issue type ${typeRef} is not in ${project.key}.`);
  return { project, issueTypeId: type?.id ?? (project.issueTypeIds[0]) };
}

function statusRef(t: ControlTarget, ref: unknown): string {
  const s = t.store.data.statuses.find((x) => x.id === String(ref) || x.name === ref);
  if (!s) throw badRequest(`Unknown status ${JSON.stringify(ref)}.`);
  return s.id;
}

/**
 * `{project, issueType?, removeTransition: id}` or
 * `{project, issueType?, addTransition: {id?, name, from: [status], to: status, global?, screen?: [{fieldId, required}]}}`.
 * Changes the workflow the project uses for that issue type (shared by its other types).
 */
function changeWorkflow(t: ControlTarget, raw: unknown): SimWorkflow {
  if (!isObject(raw)) throw badRequest('Body must be a JSON object.');
  const { project, issueTypeId } = projectAndType(t, raw);
  const wf = t.store.workflowFor(project, issueTypeId);
  if (raw.removeTransition !== undefined) {
    const before = wf.transitions.length;
    wf.transitions = wf.transitions.filter((x) => x.id !== String(raw.removeTransition) && x.name !== raw.removeTransition);
    if (wf.transitions.length === before) throw badRequest(`No transition ${JSON.stringify(raw.removeTransition)} in ${wf.name}.`);
  }
  if (isObject(raw.addValidator)) {
    const v = raw.addValidator;
    if (typeof v.message !== 'string' || v.message === '') throw badRequest('addValidator needs {transition, message}.');
    const tr = transitionOf(wf, v.transition);
    tr.validators = [...(tr.validators ?? []), { message: v.message }];
  }
  if (raw.removeValidators !== undefined) delete transitionOf(wf, raw.removeValidators).validators;
  if (isObject(raw.addTransition)) {
    const a = raw.addTransition;
    const id = a.id !== undefined ? str(a.id) : String(Math.max(0, ...wf.transitions.map((x) => Number(x.id))) + 10);
    if (wf.transitions.some((x) => x.id === id)) throw badRequest(`Transition id ${id} exists.`);
    const to = statusRef(t, a.to);
    if (!wf.statuses.includes(to)) wf.statuses.push(to);
    wf.transitions.push({
      id,
      name: a.name !== undefined ? str(a.name) : `To ${t.store.status(to).name}`,
      from: Array.isArray(a.from) ? a.from.map((f) => statusRef(t, f)) : [],
      to,
      ...(a.global === true ? { global: true } : {}),
      ...(Array.isArray(a.screen) ? { screen: a.screen as ScreenField[] } : {}),
    });
  }
  bumpWorkflow(wf, t.now());
  return wf;
}

/**
 * `{accountId, project?: key | "*", add?: [permission], remove?: [permission]}`:
 * changes a user's project permissions (default: every project the user has
 * grants in). Answers the user's grants.
 */
function changePermissions(t: ControlTarget, raw: unknown): Record<string, string[]> {
  if (!isObject(raw)) throw badRequest('Body must be a JSON object.');
  const user = t.store.user(str(raw.accountId));
  if (!user) throw badRequest(`Unknown account ${JSON.stringify(raw.accountId)}.`);
  const list = (v: unknown, name: string): string[] => {
    if (v === undefined) return [];
    const keys = Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    if (!Array.isArray(v) || keys.length !== v.length) throw badRequest(`${name} must be an array of permission keys.`);
    return keys;
  };
  const add = list(raw.add, 'add');
  const remove = list(raw.remove, 'remove');
  let keys: string[];
  if (raw.project === undefined) keys = Object.keys(user.projectPermissions);
  else {
    const ref = str(raw.project);
    const project = ref === '*' ? undefined : t.store.project(ref);
    if (ref !== '*' && !project) throw badRequest(`Unknown project ${JSON.stringify(raw.project)}.`);
    const key = project?.key ?? '*';
    // A project without its own grants inherits '*': copy them before changing that project only.
    user.projectPermissions[key] ??= [...(user.projectPermissions['*'] ?? [])];
    keys = [key];
  }
  for (const key of keys) {
    const grants = new Set(user.projectPermissions[key] ?? []);
    add.forEach((p) => grants.add(p));
    remove.forEach((p) => grants.delete(p));
    user.projectPermissions[key] = [...grants];
  }
  return user.projectPermissions;
}

function transitionOf(wf: SimWorkflow, ref: unknown): SimTransition {
  const tr = wf.transitions.find((x) => x.id === str(ref) || x.name === ref);
  if (!tr) throw badRequest(`No transition ${JSON.stringify(ref)} in ${wf.name}.`);
  return tr;
}

function fieldOf(t: ControlTarget, ref: unknown): SimField {
  const f = t.store.data.fields.find((x) => x.id === ref || x.name === ref);
  if (!f) throw badRequest(`Unknown field ${JSON.stringify(ref)}.`);
  return f;
}

/**
 * Field configuration changes behind the app's back:
 * `{field, removeOption}`, `{field, renameOption: {from, to}}`, `{field, addOption}`,
 * `{project, issueType, removeFromScreen: fieldId}`, `{project, issueType, addToScreen: {fieldId, required?}}`,
 * `{project, issueType, setRequired: {fieldId, required}}`.
 */
function changeFields(t: ControlTarget, raw: unknown): unknown {
  if (!isObject(raw)) throw badRequest('Body must be a JSON object.');
  if (raw.field !== undefined) {
    const f = fieldOf(t, raw.field);
    if (!f.options) throw badRequest(`Field ${f.id} has no options.`);
    const find = (ref: unknown): number => {
      const i = (f.options ?? []).findIndex((o) => o.id === String(ref) || o.value === ref);
      if (i < 0) throw badRequest(`Field ${f.id} has no option ${JSON.stringify(ref)}.`);
      return i;
    };
    if (raw.removeOption !== undefined) f.options.splice(find(raw.removeOption), 1);
    if (isObject(raw.renameOption)) {
      const o = f.options[find(raw.renameOption.from)];
      if (o) o.value = String(raw.renameOption.to);
    }
    if (raw.addOption !== undefined) {
      t.store.data.counters.optionId += 1;
      f.options.push({ id: String(t.store.data.counters.optionId), value: str(raw.addOption) });
    }
    return { id: f.id, options: f.options };
  }
  const { project, issueTypeId } = projectAndType(t, raw);
  const screens = project.screens[issueTypeId];
  if (!screens) throw new JiraError(400, [`No screens for ${project.key}/${issueTypeId}.`]);
  if (raw.removeFromScreen !== undefined) {
    const id = fieldOf(t, raw.removeFromScreen).id;
    screens.create = screens.create.filter((s) => s.fieldId !== id);
    screens.edit = screens.edit.filter((s) => s !== id);
  }
  if (isObject(raw.addToScreen)) {
    const id = fieldOf(t, raw.addToScreen.fieldId).id;
    if (!screens.create.some((s) => s.fieldId === id)) screens.create.push({ fieldId: id, required: raw.addToScreen.required === true });
    if (!screens.edit.includes(id)) screens.edit.push(id);
  }
  if (isObject(raw.setRequired)) {
    const id = fieldOf(t, raw.setRequired.fieldId).id;
    const sf = screens.create.find((s) => s.fieldId === id);
    if (!sf) throw badRequest(`Field ${id} is not on the create screen of ${project.key}/${issueTypeId}.`);
    sf.required = raw.setRequired.required === true;
  }
  return { project: project.key, issueTypeId, create: screens.create, edit: screens.edit };
}
