/**
 * Issue operations with Jira's semantics: create (with `update`, `transition`
 * and `properties`), edit, transition, comments, entity properties and the
 * REST representation of an issue. HTTP-free: handlers call these and the
 * errors are `JiraError`s carrying Jira's status and body.
 */
import { adfTextLength, validateAdf } from './adf';
import { applyOperation, fieldMetadata, MAX_RICH_TEXT, normalizeValue, NOT_ON_SCREEN, renderValue, type FieldContext } from './fields';
import { JiraError, badRequest, fieldErrors } from './http';
import type { Repr } from './repr';
import { jiraTime, type SimStore } from './store';
import type { AdfDoc, ScreenField, SimComment, SimIssue, SimProject, SimTransition, SimUser } from './types';
import { isObject, str } from './util';
import { availableTransitions, findTransition } from './workflows';

/** Jira's limit for one entity property value (OpenAPI, PUT …/properties/{propertyKey}: "The maximum length is 32768 characters"). */
export const MAX_PROPERTY_BYTES = 32768;
/** Entity properties set in one create/edit/transition request (stricter than any documented number: dev/jira-sim/README.md). */
export const MAX_PROPERTIES_PER_REQUEST = 5;
const COMMENT_TOO_LONG = 'The entered text is too long. It exceeds the allowed limit of 32,767 characters.';

/** System fields every issue carries in its REST representation, besides its screen fields. */
const ALWAYS_FIELDS = ['summary', 'issuetype', 'project', 'status', 'priority', 'labels', 'assignee', 'reporter', 'creator', 'resolution', 'resolutiondate', 'created', 'updated', 'statuscategorychangedate', 'description', 'duedate', 'components', 'fixVersions', 'comment'];

export interface IssueJsonOptions {
  /** `fields` query param (already split); undefined = all. */
  fields?: string[];
  /** `properties` query param; undefined = none. */
  properties?: string[];
  /** What an absent `fields` means: `*all` for GET issue, `id` only for the new search. */
  defaultFields?: '*all' | 'id';
}

export class IssueService {
  constructor(
    private readonly store: SimStore,
    private readonly repr: Repr,
    private readonly now: () => number,
  ) {}

  private ctx(project: SimProject): FieldContext {
    return { store: this.store, repr: this.repr, project };
  }

  /** Every write moves `updated`, strictly forward even within one millisecond. */
  private touch(issue: SimIssue): void {
    issue.updated = Math.max(this.now(), issue.updated + 1);
  }

  // -------------------------------------------------------------------------
  // Create

  create(body: Record<string, unknown>, caller: SimUser): { issue: SimIssue; transition?: { status: number; errorCollection: { errorMessages: string[]; errors: Record<string, string> } } } {
    const fields = isObject(body.fields) ? body.fields : {};
    const update = isObject(body.update) ? body.update : {};
    const { project, issueTypeId } = this.resolveProjectAndType(fields);
    if (!this.store.hasProjectPermission(caller, project, 'CREATE_ISSUES')) {
      throw fieldErrors({ project: 'You do not have permission to create issues in this project.' });
    }
    const screen = this.store.createScreen(project, issueTypeId);
    const onScreen = new Map(screen.map((f) => [f.fieldId, f]));
    const ctx = this.ctx(project);
    const errors: Record<string, string> = {};
    const values: Record<string, unknown> = {};

    for (const [fieldId, raw] of Object.entries(fields)) {
      if (fieldId === 'project' || fieldId === 'issuetype') continue;
      const field = this.store.field(fieldId);
      if (!field || !onScreen.has(field.id)) { errors[fieldId] = NOT_ON_SCREEN(fieldId); continue; }
      const r = normalizeValue(field, raw, ctx);
      if (r.ok) values[field.id] = r.value; else errors[fieldId] = r.error;
    }
    for (const [fieldId, ops] of Object.entries(update)) {
      const field = this.store.field(fieldId);
      if (!field || !onScreen.has(field.id)) { errors[fieldId] = NOT_ON_SCREEN(fieldId); continue; }
      if (fieldId in fields) { errors[fieldId] = `Field '${fieldId}' cannot be set in both 'fields' and 'update'.`; continue; }
      const r = this.applyOps(field.id, values[field.id], ops, ctx);
      if (r.ok) values[field.id] = r.value; else errors[fieldId] = r.error;
    }
    const properties = this.checkProperties(body.properties, errors);

    for (const sf of screen) {
      if (sf.fieldId === 'project' || sf.fieldId === 'issuetype') continue;
      const v = values[sf.fieldId];
      const empty = v === undefined || v === null || (Array.isArray(v) && v.length === 0);
      if (empty && sf.defaultValue !== undefined) {
        values[sf.fieldId] = sf.defaultValue === '__caller__' ? caller.accountId : sf.defaultValue;
      } else if (empty && sf.required && !errors[sf.fieldId]) {
        errors[sf.fieldId] = requiredMessage(sf.fieldId, this.store.field(sf.fieldId)?.name ?? sf.fieldId);
      }
    }
    if (Object.keys(errors).length > 0) throw fieldErrors(errors);

    const workflow = this.store.workflowFor(project, issueTypeId);
    const { id, key } = this.store.nextIssueKey(project);
    const now = this.now();
    const issue: SimIssue = {
      id, key, projectId: project.id, issueTypeId, statusId: workflow.initialStatus, resolutionId: null, resolutionDate: null,
      created: now, updated: now, statusChanged: now, creatorId: caller.accountId,
      fields: values, properties, comments: [], remoteLinks: [],
    };
    this.store.data.issues.set(id, issue);
    this.store.commit({ kind: 'created', issue, byAccountId: caller.accountId });

    // Jira creates the issue first and reports the transition's outcome separately.
    if (isObject(body.transition)) {
      try {
        this.transition(issue, { transition: body.transition }, caller);
        return { issue, transition: { status: 204, errorCollection: { errorMessages: [], errors: {} } } };
      } catch (e) {
        if (!(e instanceof JiraError)) throw e;
        return { issue, transition: { status: e.status, errorCollection: { errorMessages: e.errorMessages, errors: e.errors } } };
      }
    }
    return { issue };
  }

  private resolveProjectAndType(fields: Record<string, unknown>): { project: SimProject; issueTypeId: string } {
    const errors: Record<string, string> = {};
    const p = fields.project;
    let project: SimProject | undefined;
    if (isObject(p)) {
      const ref = p.id ?? p.key;
      if (typeof ref === 'string' || typeof ref === 'number') project = this.store.project(String(ref));
    }
    if (!project) errors.project = 'Specify a valid project ID or key';
    const t = fields.issuetype;
    let issueTypeId: string | undefined;
    if (!isObject(t) || (t.id === undefined && t.name === undefined)) {
      errors.issuetype = 'Specify an issue type';
    } else if (project) {
      const type = this.store.data.issueTypes.find((x) => (t.id !== undefined ? x.id === str(t.id) : x.name === t.name));
      if (type && project.issueTypeIds.includes(type.id)) issueTypeId = type.id;
      else errors.issuetype = 'Specify a valid issue type';
    }
    if (!project || !issueTypeId) throw fieldErrors(errors);
    return { project, issueTypeId };
  }

  private applyOps(fieldId: string, current: unknown, ops: unknown, ctx: FieldContext): { ok: true; value: unknown } | { ok: false; error: string } {
    const field = this.store.field(fieldId);
    if (!field) return { ok: false, error: NOT_ON_SCREEN(fieldId) };
    if (!Array.isArray(ops)) return { ok: false, error: 'Operations must be an array.' };
    let value = current;
    for (const op of ops) {
      if (!isObject(op) || Object.keys(op).length !== 1) return { ok: false, error: 'Each operation must have exactly one of add, set, remove, edit, copy.' };
      const [name, arg] = Object.entries(op)[0];
      const r = applyOperation(field, value, name, arg, ctx);
      if (!r.ok) return r;
      value = r.value;
    }
    return { ok: true, value };
  }

  /** Validates `properties: [{key, value}]`; answers the map to store. */
  private checkProperties(raw: unknown, errors: Record<string, string>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (raw === undefined) return out;
    if (!Array.isArray(raw)) { errors.properties = 'Properties must be an array.'; return out; }
    if (raw.length > MAX_PROPERTIES_PER_REQUEST) {
      errors.properties = `At most ${MAX_PROPERTIES_PER_REQUEST} entity properties can be set in one request; got ${raw.length}.`;
      return out;
    }
    for (const p of raw) {
      const problem = isObject(p) ? propertyProblem(p.key, p.value) : 'A property needs a key and a value.';
      if (problem) { errors.properties = problem; continue; }
      out[(p as { key: string }).key] = (p as { value: unknown }).value;
    }
    return out;
  }

  // -------------------------------------------------------------------------
  // Edit

  edit(issue: SimIssue, body: Record<string, unknown>, caller: SimUser): void {
    const project = this.store.projectById(issue.projectId);
    if (!this.store.hasProjectPermission(caller, project, 'EDIT_ISSUES')) throw new JiraError(403, ['You do not have permission to edit issues in this project.']);
    const editable = new Set(this.store.editScreen(project, issue.issueTypeId));
    const required = new Set(this.store.createScreen(project, issue.issueTypeId).filter((f) => f.required).map((f) => f.fieldId));
    const { changes, comments, errors } = this.collectChanges(issue, project, body, (fieldId) => editable.has(fieldId), { refuseBoth: true });
    for (const [fieldId, v] of Object.entries(changes)) {
      const empty = v === null || (Array.isArray(v) && v.length === 0);
      if (empty && required.has(fieldId)) errors[fieldId] = requiredMessage(fieldId, this.store.field(fieldId)?.name ?? fieldId);
    }
    const properties = this.checkProperties(body.properties, errors);
    if (Object.keys(errors).length > 0) throw fieldErrors(errors);
    this.checkCommentCap(issue, comments.length);

    Object.assign(issue.fields, changes);
    Object.assign(issue.properties, properties);
    for (const doc of comments) this.pushComment(issue, doc, caller);
    this.touch(issue);
    this.store.commit({ kind: 'updated', issue, byAccountId: caller.accountId });
  }

  /**
   * The `fields` and `update` of an edit or transition body, checked against the
   * screen (`onScreen`) and each field's schema. A comment (`update.comment`) is
   * accepted with any screen, as Jira does.
   */
  private collectChanges(
    issue: SimIssue,
    project: SimProject,
    body: Record<string, unknown>,
    onScreen: (fieldId: string) => boolean,
    options: { refuseBoth: boolean },
  ): { changes: Record<string, unknown>; comments: AdfDoc[]; errors: Record<string, string> } {
    const fields = isObject(body.fields) ? body.fields : {};
    const update = isObject(body.update) ? body.update : {};
    const ctx = this.ctx(project);
    const errors: Record<string, string> = {};
    const changes: Record<string, unknown> = {};
    const comments: AdfDoc[] = [];
    for (const [fieldId, raw] of Object.entries(fields)) {
      const field = this.store.field(fieldId);
      if (!field || !onScreen(field.id)) { errors[fieldId] = NOT_ON_SCREEN(fieldId); continue; }
      const r = normalizeValue(field, raw, ctx);
      if (r.ok) changes[field.id] = r.value; else errors[fieldId] = r.error;
    }
    for (const [fieldId, ops] of Object.entries(update)) {
      if (fieldId === 'comment') { this.collectComments(ops, comments, errors); continue; }
      const field = this.store.field(fieldId);
      if (!field || !onScreen(field.id)) { errors[fieldId] = NOT_ON_SCREEN(fieldId); continue; }
      if (options.refuseBoth && fieldId in fields) { errors[fieldId] = `Field '${fieldId}' cannot be set in both 'fields' and 'update'.`; continue; }
      const r = this.applyOps(field.id, issue.fields[field.id], ops, ctx);
      if (r.ok) changes[field.id] = r.value; else errors[fieldId] = r.error;
    }
    return { changes, comments, errors };
  }

  private collectComments(ops: unknown, out: AdfDoc[], errors: Record<string, string>): void {
    if (!Array.isArray(ops)) { errors.comment = 'Operations must be an array.'; return; }
    for (const op of ops) {
      const add = isObject(op) ? op.add : undefined;
      if (!isObject(add)) { errors.comment = "The only supported operation for 'comment' is 'add'."; return; }
      const problem = commentProblem(add.body);
      if (problem) { errors.comment = problem; return; }
      out.push(add.body as AdfDoc);
    }
  }

  // -------------------------------------------------------------------------
  // Transitions

  transition(issue: SimIssue, body: Record<string, unknown>, caller: SimUser): void {
    const project = this.store.projectById(issue.projectId);
    // OpenAPI, POST /issue/{issueIdOrKey}/transitions: "400 Returned if … the user does not have permission to transition the issue."
    if (!this.store.hasProjectPermission(caller, project, 'TRANSITION_ISSUES')) throw new JiraError(400, ['You do not have permission to transition this issue.']);
    const t = isObject(body.transition) ? body.transition : undefined;
    const id = t && (typeof t.id === 'string' || typeof t.id === 'number') ? str(t.id) : undefined;
    if (!id) throw badRequest("'transition' identifier must be specified.");
    const workflow = this.store.workflowFor(project, issue.issueTypeId);
    const transition = findTransition(workflow, issue.statusId, id);
    if (!transition) throw badRequest(`Transition id '${id}' is not valid for this issue.`);

    const screen = new Map((transition.screen ?? []).map((f) => [f.fieldId, f]));
    const { changes, comments, errors } = this.collectChanges(issue, project, body, (fieldId) => screen.has(fieldId), { refuseBoth: false });
    for (const sf of screen.values()) {
      const v = changes[sf.fieldId];
      if ((v === undefined || v === null) && sf.required && !errors[sf.fieldId]) {
        errors[sf.fieldId] = requiredMessage(sf.fieldId, this.store.field(sf.fieldId)?.name ?? sf.fieldId);
      }
    }
    const properties = this.checkProperties(body.properties, errors);
    if (Object.keys(errors).length > 0) throw fieldErrors(errors);
    // Validators run after the screen's fields are checked and refuse with their own message.
    if (transition.validators?.length) throw new JiraError(400, transition.validators.map((v) => v.message));
    this.checkCommentCap(issue, comments.length);

    const now = this.now();
    const to = this.store.status(transition.to);
    const resolution = changes.resolution as string | undefined;
    delete changes.resolution;
    Object.assign(issue.fields, changes);
    Object.assign(issue.properties, properties);
    if (issue.statusId !== to.id) issue.statusChanged = now;
    issue.statusId = to.id;
    if (to.categoryKey === 'done') {
      // A resolution comes only from the screen (or a post function, which the simulator does not model).
      if (resolution) { issue.resolutionId = resolution; issue.resolutionDate = now; }
    } else {
      // Jira's default workflows clear the resolution when an issue leaves Done.
      issue.resolutionId = null;
      issue.resolutionDate = null;
    }
    for (const doc of comments) this.pushComment(issue, doc, caller);
    this.touch(issue);
    this.store.commit({ kind: 'transitioned', issue, byAccountId: caller.accountId });
  }

  /** The `GET /transitions` representation. */
  transitionsJson(issue: SimIssue, opts: { expandFields: boolean; transitionId?: string }): Record<string, unknown> {
    const project = this.store.projectById(issue.projectId);
    const workflow = this.store.workflowFor(project, issue.issueTypeId);
    let list = availableTransitions(workflow, issue.statusId);
    if (opts.transitionId !== undefined) list = list.filter((t) => t.id === opts.transitionId);
    return {
      ...(opts.expandFields ? { expand: 'transitions' } : {}),
      transitions: list.map((t) => this.transitionJson(t, project, issue.issueTypeId, opts.expandFields)),
    };
  }

  private transitionJson(t: SimTransition, project: SimProject, issueTypeId: string, expandFields: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = {
      id: t.id,
      name: t.name,
      to: this.repr.status(this.store.status(t.to)),
      hasScreen: t.screen !== undefined,
      isGlobal: t.global ?? false,
      isInitial: false,
      isAvailable: true,
      isConditional: false,
      isLooped: false,
    };
    if (expandFields) {
      const fields: Record<string, unknown> = {};
      for (const sf of t.screen ?? []) {
        const field = this.store.field(sf.fieldId);
        if (field) fields[field.id] = fieldMetadata(field, sf, { ...this.ctx(project), issueTypeId }, false);
      }
      out.fields = fields;
    }
    return out;
  }

  // -------------------------------------------------------------------------
  // Comments and properties

  addComment(issue: SimIssue, body: unknown, caller: SimUser): SimComment {
    const project = this.store.projectById(issue.projectId);
    if (!this.store.hasProjectPermission(caller, project, 'ADD_COMMENTS')) throw new JiraError(403, ['You do not have permission to comment on this issue.']);
    const problem = commentProblem(body);
    if (problem) throw fieldErrors({ comment: problem });
    this.checkCommentCap(issue, 1);
    const c = this.pushComment(issue, body as AdfDoc, caller);
    this.touch(issue);
    this.store.commit({ kind: 'commented', issue, byAccountId: caller.accountId });
    return c;
  }

  /** The per-issue comment cap: 413 before anything is written. */
  checkCommentCap(issue: SimIssue, adding: number): void {
    const cap = this.store.data.settings.commentsPerIssue;
    if (adding > 0 && issue.comments.length + adding > cap) throw new JiraError(413, [`The issue has reached the limit of ${cap} comments.`]);
  }

  private pushComment(issue: SimIssue, body: AdfDoc, caller: SimUser): SimComment {
    this.store.data.counters.commentId += 1;
    const now = this.now();
    const c: SimComment = { id: String(this.store.data.counters.commentId), authorId: caller.accountId, body, created: now, updated: now };
    issue.comments.push(c);
    return c;
  }

  commentJson(issue: SimIssue, c: SimComment): Record<string, unknown> {
    const author = this.store.user(c.authorId);
    const authorJson = author ? this.repr.userDetails(author) : { accountId: c.authorId };
    return {
      self: `${this.repr.rest}/issue/${issue.id}/comment/${c.id}`,
      id: c.id,
      author: authorJson,
      body: c.body,
      updateAuthor: authorJson,
      created: jiraTime(c.created),
      updated: jiraTime(c.updated),
      jsdPublic: true,
    };
  }

  setProperty(issue: SimIssue, key: string, value: unknown, caller: SimUser): boolean {
    const problem = propertyProblem(key, value);
    if (problem) throw badRequest(problem);
    const existed = Object.prototype.hasOwnProperty.call(issue.properties, key);
    issue.properties[key] = value;
    this.store.commit({ kind: 'property', issue, byAccountId: caller.accountId });
    // Entity properties are not issue fields: Jira does not move `updated` for them.
    return !existed;
  }

  // -------------------------------------------------------------------------
  // Representation

  /** Field ids an issue shows: the system set plus its screen's custom fields. */
  fieldIdsOf(issue: SimIssue): string[] {
    const project = this.store.projectById(issue.projectId);
    const screen = this.store.createScreen(project, issue.issueTypeId).map((f) => f.fieldId);
    return [...new Set([...ALWAYS_FIELDS, ...screen])];
  }

  toJson(issue: SimIssue, opts: IssueJsonOptions = {}): Record<string, unknown> {
    const all = this.fieldIdsOf(issue);
    const wanted = selectFields(all, opts.fields ?? [opts.defaultFields ?? '*all']);
    const out: Record<string, unknown> = {
      expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
      id: issue.id,
      self: `${this.repr.rest}/issue/${issue.id}`,
      key: issue.key,
    };
    if (wanted.length > 0) {
      const fields: Record<string, unknown> = {};
      for (const id of wanted) fields[id] = this.fieldJson(issue, id);
      out.fields = fields;
    }
    if (opts.properties && opts.properties.length > 0) {
      const props: Record<string, unknown> = {};
      const keys = opts.properties.includes('*all') ? Object.keys(issue.properties) : opts.properties;
      for (const k of keys) if (Object.prototype.hasOwnProperty.call(issue.properties, k)) props[k] = issue.properties[k];
      out.properties = props;
    }
    return out;
  }

  private fieldJson(issue: SimIssue, id: string): unknown {
    const project = this.store.projectById(issue.projectId);
    const user = (accountId: string | undefined): unknown => {
      const u = accountId ? this.store.user(accountId) : undefined;
      return u ? this.repr.userDetails(u) : null;
    };
    switch (id) {
      case 'project': return this.repr.projectRef(project);
      case 'issuetype': {
        const t = this.store.issueType(issue.issueTypeId);
        return t ? this.repr.issueType(t) : null;
      }
      case 'status': return this.repr.status(this.store.status(issue.statusId));
      case 'resolution': {
        const r = this.store.data.resolutions.find((x) => x.id === issue.resolutionId);
        return r ? this.repr.resolution(r) : null;
      }
      case 'resolutiondate': return issue.resolutionDate === null ? null : jiraTime(issue.resolutionDate);
      case 'created': return jiraTime(issue.created);
      case 'updated': return jiraTime(issue.updated);
      case 'statuscategorychangedate': return jiraTime(issue.statusChanged);
      case 'creator': return user(issue.creatorId);
      case 'comment': {
        const comments = issue.comments.map((c) => this.commentJson(issue, c));
        return { comments, self: `${this.repr.rest}/issue/${issue.id}/comment`, maxResults: comments.length, total: comments.length, startAt: 0 };
      }
      default: {
        const field = this.store.field(id);
        if (!field) return null;
        return renderValue(field, issue.fields[id], { store: this.store, repr: this.repr, project });
      }
    }
  }
}

/** Applies Jira's `fields` selection syntax (`*all`, `*navigable`, `id`, `-x`, names). */
export function selectFields(all: string[], requested: string[]): string[] {
  let out = new Set<string>();
  const excluded = new Set<string>();
  for (const r of requested) {
    if (r === '*all' || r === '*navigable') all.forEach((f) => out.add(f));
    else if (r.startsWith('-')) excluded.add(r.slice(1));
    else if (r === 'id' || r === 'key') continue;
    else if (all.includes(r)) out.add(r);
  }
  // A list of only exclusions means "navigable minus these".
  if (out.size === 0 && excluded.size > 0) out = new Set(all);
  return [...out].filter((f) => !excluded.has(f));
}

function requiredMessage(fieldId: string, name: string): string {
  return fieldId === 'summary' ? 'You must specify a summary of the issue.' : `${name} is required.`;
}

/** Jira's checks of a comment body: ADF (Atlassian's schema), then at most 32,767 characters. */
function commentProblem(body: unknown): string | null {
  const problem = validateAdf(body);
  if (problem) return `Comment body: ${problem}`;
  return adfTextLength(body as AdfDoc) > MAX_RICH_TEXT ? COMMENT_TOO_LONG : null;
}

export function propertyProblem(key: unknown, value: unknown): string | null {
  if (typeof key !== 'string' || key.length === 0) return 'The property key cannot be empty.';
  if (key.length > 255) return 'The property key cannot be longer than 255 characters.';
  if (value === undefined) return `The property '${key}' has no value.`;
  const size = Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (size > MAX_PROPERTY_BYTES) return `The property value is too long. It exceeds the allowed limit of ${MAX_PROPERTY_BYTES} characters.`;
  return null;
}

export type { ScreenField };
