/**
 * Jira metadata the mapping needs (create metadata, issue types, priorities,
 * resolutions, statuses), read through the app's transport and cached: create
 * metadata changes rarely, and every Jira call costs points from the app's
 * shared hourly budget (docs/platform-limits.md "Jira REST rate limits"). Two cache
 * layers: in memory for the life of one invocation, and KVS with a TTL across
 * invocations. The sync engine calls `invalidate` when Jira rejects a field,
 * so a stale cache costs one failed write, never a wrong configuration forever.
 */
import { z } from 'zod';
import type { Clock, JiraTransport, KeyValueStore } from '../ports';
import { parseCreateMetaField, prioritiesOf, createMetaCacheKey, type CreateMetaField, type CreateMeta, type IssueTypeSummary, type ProjectSummary, type NamedRef, type StatusSummary, type UserSummary } from './create-meta';
import { callJira, query, segment } from './http';
import { createMetaPageSchema, issueTypesPageSchema, projectPageSchema, namedListSchema, namedPageSchema, projectStatusesSchema, userListSchema } from './metadata-answers';

const cachedCreateMetaSchema = z.object({
  projectKey: z.string(),
  projectId: z.string(),
  issueTypeId: z.string(),
  fields: z.array(z.unknown()),
  fetchedAt: z.number(),
});

/** KVS TTL of cached create metadata; edits in Jira reach the app after at most this long (or at the first rejected write). */
export const CREATE_META_TTL_SECONDS = 24 * 60 * 60;
/** Priorities and resolutions are global and change even more rarely. */
export const GLOBAL_META_TTL_SECONDS = 24 * 60 * 60;

const PAGE_SIZE = 50;
/** A create screen with more fields than this is not plausible; stop paging instead of looping forever. */
const MAX_PAGES = 20;

/** A picker shows a handful; Jira filters assignable users after paging, so ask for a few more than shown. */
const USER_SEARCH_LIMIT = 20;

export class JiraMetadata {
  // Per-invocation memo, one typed map per kind of answer.
  private readonly metaMemo = new Map<string, CreateMeta>();
  private readonly namedMemo = new Map<string, NamedRef[]>();
  private readonly statusMemo = new Map<string, z.infer<typeof projectStatusesSchema>>();
  private readonly projectMemo = new Map<string, ProjectSummary>();
  /** Raw cache values read by the caller in a batch (`primeCreateMeta`), used once. */
  private readonly prefetched = new Map<string, { raw: unknown }>();

  constructor(
    private readonly jira: JiraTransport,
    private readonly store: KeyValueStore,
    private readonly clock: Clock,
  ) {}

  /** Create metadata of one project + issue type: memory, then KVS, then Jira (all pages). */
  async getCreateMeta(projectKey: string, issueTypeId: string, options: { refresh?: boolean } = {}): Promise<CreateMeta> {
    const key = createMetaCacheKey(projectKey, issueTypeId);
    if (!options.refresh) {
      const inMemory = this.metaMemo.get(key);
      if (inMemory) return inMemory;
      const prefetched = this.prefetched.get(key);
      this.prefetched.delete(key);
      const meta = this.fromCache(key, prefetched ? prefetched.raw : await this.store.get(key));
      if (meta) return meta;
    }
    const fields: CreateMetaField[] = [];
    let startAt = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const raw = await callJira<unknown>(
        this.jira,
        'GET',
        `/rest/api/3/issue/createmeta/${segment(projectKey)}/issuetypes/${segment(issueTypeId)}${query({ startAt, maxResults: PAGE_SIZE })}`,
      );
      const parsed = createMetaPageSchema.parse(raw);
      const items = parsed.fields ?? parsed.results ?? [];
      for (const item of items) {
        const field = parseCreateMetaField(item);
        if (field) fields.push(field);
      }
      startAt += items.length;
      if (items.length === 0 || parsed.total === undefined || startAt >= parsed.total) break;
    }
    const projectId = await this.projectId(projectKey);
    const meta: CreateMeta = { projectKey, projectId, issueTypeId, fields };
    this.metaMemo.set(key, meta);
    try {
      await this.store.set(key, { ...meta, fetchedAt: this.clock.now() }, { ttlSeconds: CREATE_META_TTL_SECONDS });
    } catch {
      // A cache write that fails (a field with thousands of options exceeds the 240 KiB value limit,
      // or storage is briefly unavailable) only costs a re-read next invocation; the answer is still good.
    }
    return meta;
  }

  /** Whether `getCreateMeta` would read KVS for this project + issue type (so a caller can batch the read). */
  needsCreateMeta(projectKey: string, issueTypeId: string): boolean {
    const key = createMetaCacheKey(projectKey, issueTypeId);
    return !this.metaMemo.has(key) && !this.prefetched.has(key);
  }

  /** The raw KVS value of `createMetaCacheKey(...)` read by the caller; used (if fresh) by the next `getCreateMeta`. */
  primeCreateMeta(projectKey: string, issueTypeId: string, raw: unknown): void {
    const key = createMetaCacheKey(projectKey, issueTypeId);
    if (!this.metaMemo.has(key)) this.prefetched.set(key, { raw });
  }

  private fromCache(key: string, raw: unknown): CreateMeta | undefined {
    const stored = cachedCreateMetaSchema.safeParse(raw);
    if (!stored.success || this.clock.now() - stored.data.fetchedAt >= CREATE_META_TTL_SECONDS * 1000) return undefined;
    const meta: CreateMeta = {
      projectKey: stored.data.projectKey,
      projectId: stored.data.projectId,
      issueTypeId: stored.data.issueTypeId,
      fields: stored.data.fields.map(parseCreateMetaField).filter((f): f is CreateMetaField => f !== undefined),
    };
    this.metaMemo.set(key, meta);
    return meta;
  }

  /** Issue types that can be created in a project (from the create metadata endpoint, paginated). */
  async listIssueTypes(projectKey: string): Promise<IssueTypeSummary[]> {
    const result: IssueTypeSummary[] = [];
    let startAt = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const raw = await callJira<unknown>(
        this.jira,
        'GET',
        `/rest/api/3/issue/createmeta/${segment(projectKey)}/issuetypes${query({ startAt, maxResults: PAGE_SIZE })}`,
      );
      const parsed = issueTypesPageSchema.parse(raw);
      const items = parsed.issueTypes ?? parsed.createMetaIssueType ?? [];
      for (const item of items) result.push({ id: item.id, name: item.name, ...(item.subtask !== undefined ? { subtask: item.subtask } : {}) });
      startAt += items.length;
      if (items.length === 0 || parsed.total === undefined || startAt >= parsed.total) break;
    }
    return result;
  }

  /** Projects the app can see, optionally filtered by name/key (first page of up to 50). */
  async listProjects(search?: string): Promise<ProjectSummary[]> {
    const raw = await callJira<unknown>(
      this.jira,
      'GET',
      `/rest/api/3/project/search${query({ query: search || undefined, maxResults: PAGE_SIZE, orderBy: 'key' })}`,
    );
    return projectPageSchema.parse(raw).values.map((p) => ({ id: p.id, key: p.key, name: p.name }));
  }

  /**
   * Users for a user picker (admin page; never cached: a search is typed live).
   * `assignable`: `GET /user/assignable/search?project=` — only people Jira will
   * accept as the project's assignee (ASSIGNABLE_USER); otherwise `GET /user/search`
   * (any active user, for user custom fields). Either with `accountId` instead of
   * a query to show the name of a stored account id. Apps and customers are left
   * out; Jira hides e-mail addresses by the users' privacy settings.
   */
  async searchUsers(projectKey: string, search: { query?: string | undefined; accountId?: string | undefined; assignable: boolean }): Promise<UserSummary[]> {
    const params = { query: search.accountId ? undefined : search.query, accountId: search.accountId, maxResults: USER_SEARCH_LIMIT };
    const path = search.assignable ? `/rest/api/3/user/assignable/search${query({ project: projectKey, ...params })}` : `/rest/api/3/user/search${query(params)}`;
    const users = userListSchema.parse(await callJira<unknown>(this.jira, 'GET', path));
    return users
      .filter((u) => u.accountType === undefined || u.accountType === 'atlassian')
      .filter((u) => u.active !== false)
      .map((u) => ({ accountId: u.accountId, displayName: u.displayName ?? u.accountId, ...(u.emailAddress ? { email: u.emailAddress } : {}) }));
  }

  /**
   * The priorities an issue of the project can take (its priority scheme), from
   * create metadata: the app's scopes do not allow `GET /priority/search`
   * (README "Scopes"). Without an issue type, the first issue type whose create
   * screen has the priority field answers: the scheme is the project's, not
   * the issue type's.
   */
  async getPriorities(projectKey: string, issueTypeId?: string): Promise<NamedRef[]> {
    if (issueTypeId !== undefined) return prioritiesOf(await this.getCreateMeta(projectKey, issueTypeId));
    for (const type of (await this.listIssueTypes(projectKey)).filter((t) => !t.subtask)) {
      const priorities = prioritiesOf(await this.getCreateMeta(projectKey, type.id));
      if (priorities.length > 0) return priorities;
    }
    return [];
  }

  /** Every resolution of the site (`GET /resolution/search`, paginated; `GET /resolution` is deprecated). */
  async getResolutions(): Promise<NamedRef[]> {
    return this.cachedGlobal('cache:resolutions', '/rest/api/3/resolution/search');
  }

  /** Statuses the issue type can be in, in this project (one call per project, cached per invocation). */
  async getProjectStatuses(projectKey: string, issueTypeId: string): Promise<StatusSummary[]> {
    let parsed = this.statusMemo.get(projectKey);
    if (!parsed) {
      parsed = projectStatusesSchema.parse(await callJira<unknown>(this.jira, 'GET', `/rest/api/3/project/${segment(projectKey)}/statuses`));
      this.statusMemo.set(projectKey, parsed);
    }
    const type = parsed.find((t) => t.id === issueTypeId);
    return (type?.statuses ?? []).map((s) => ({
      id: s.id,
      name: s.name,
      ...(s.statusCategory?.key ? { categoryKey: s.statusCategory.key } : {}),
    }));
  }

  /** Forgets cached create metadata (one issue type, or every issue type of the project seen in this invocation). */
  async invalidate(projectKey: string, issueTypeId?: string): Promise<void> {
    if (issueTypeId !== undefined) {
      const key = createMetaCacheKey(projectKey, issueTypeId);
      this.metaMemo.delete(key);
      this.prefetched.delete(key);
      await this.store.delete(key);
    } else {
      const prefix = `cache:createmeta:${projectKey}:`;
      let cursor: string | undefined;
      do {
        const page = await this.store.list<unknown>(prefix, { limit: 100, ...(cursor ? { cursor } : {}) });
        for (const entry of page.items) await this.store.delete(entry.key);
        cursor = page.nextCursor;
      } while (cursor);
      for (const key of [...this.metaMemo.keys()]) if (key.startsWith(prefix)) this.metaMemo.delete(key);
      for (const key of [...this.prefetched.keys()]) if (key.startsWith(prefix)) this.prefetched.delete(key);
    }
    this.statusMemo.delete(projectKey);
  }

  /** One project (id, key, name); read once per invocation. */
  async getProject(projectIdOrKey: string): Promise<ProjectSummary> {
    const cached = this.projectMemo.get(projectIdOrKey);
    if (cached) return cached;
    const raw = await callJira<unknown>(this.jira, 'GET', `/rest/api/3/project/${segment(projectIdOrKey)}`);
    const parsed = z.looseObject({ id: z.string(), key: z.string(), name: z.string() }).parse(raw);
    const project = { id: parsed.id, key: parsed.key, name: parsed.name };
    this.projectMemo.set(projectIdOrKey, project);
    return project;
  }

  /** The create metadata endpoints do not return the project id; it is read once and cached with the metadata. */
  private async projectId(projectKey: string): Promise<string> {
    return (await this.getProject(projectKey)).id;
  }

  private async cachedGlobal(key: string, path: string): Promise<NamedRef[]> {
    const inMemory = this.namedMemo.get(key);
    if (inMemory) return inMemory;
    const stored = z.object({ items: namedListSchema, fetchedAt: z.number() }).safeParse(await this.store.get(key));
    if (stored.success && this.clock.now() - stored.data.fetchedAt < GLOBAL_META_TTL_SECONDS * 1000) {
      const items = stored.data.items.map((i) => ({ id: i.id, name: i.name }));
      this.namedMemo.set(key, items);
      return items;
    }
    const items: NamedRef[] = [];
    let startAt = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const parsed = namedPageSchema.parse(await callJira<unknown>(this.jira, 'GET', `${path}${query({ startAt, maxResults: PAGE_SIZE })}`));
      for (const item of parsed.values) items.push({ id: item.id, name: item.name });
      startAt += parsed.values.length;
      if (parsed.values.length === 0 || parsed.isLast !== false) break;
    }
    this.namedMemo.set(key, items);
    await this.store.set(key, { items, fetchedAt: this.clock.now() }, { ttlSeconds: GLOBAL_META_TTL_SECONDS });
    return items;
  }
}
