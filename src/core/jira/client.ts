/**
 * The Jira REST calls the sync engine makes, typed, over the `JiraTransport`
 * port. Each method is one request (Jira points are the scarcest resource:
 * docs/platform-limits.md "Jira REST rate limits"), bodies follow the Jira Cloud
 * platform OpenAPI document, and responses are parsed leniently with zod so an
 * extra or missing optional property in Jira's answer never breaks a sync.
 */
import { z } from 'zod';
import type { JiraTransport } from '../ports';
import { createdIssueSchema, bulkCreatedSchema, issueSchema, searchSchema, remoteLinkSchema, commentSchema, parseTransitions, issueStateSchema, snapshot } from './answers';
import { JiraError, callJira, query, segment } from './http';
import { adfPlainText, type AdfDocument, type IssueInput, type IssueRefDetails, type BulkCreateResult, type IssueSnapshot, type TransitionInfo, type IssueState, type TransitionInput, type RemoteLinkInput, type SearchPage } from './issue-types';

export interface JiraClientOptions {
  /**
   * Send `notifyUsers=false` on edits. Jira only honours it for callers with
   * Administer Jira / Administer project permission (OpenAPI: PUT /issue/{key});
   * the app does not hold those by default, so it is off unless configured.
   */
  suppressNotifications?: boolean;
}

export class JiraClient {
  constructor(
    readonly transport: JiraTransport,
    private readonly options: JiraClientOptions = {},
  ) {}

  /** `POST /rest/api/3/issue` with the entity properties inside the create body (one request). */
  async createIssue(input: IssueInput): Promise<IssueRefDetails> {
    const raw = await callJira<unknown>(this.transport, 'POST', '/rest/api/3/issue', issueBody(input));
    const created = createdIssueSchema.parse(raw);
    return { id: created.id, key: created.key };
  }

  /**
   * `POST /rest/api/3/issue/bulk` (≤ 50 issues). Jira answers 201 when all were
   * created and 400 with the same `{ issues, errors }` body when some failed;
   * results are matched back to inputs by `failedElementNumber`.
   */
  async bulkCreate(inputs: IssueInput[]): Promise<BulkCreateResult> {
    if (inputs.length === 0) return { results: [] };
    if (inputs.length > 50) throw new RangeError('Jira bulk create takes at most 50 issues');
    const request = { method: 'POST' as const, path: '/rest/api/3/issue/bulk', body: { issueUpdates: inputs.map(issueBody) } };
    const response = await this.transport.request(request);
    const parsedBody = bulkCreatedSchema.safeParse(response.body);
    const partial = response.status === 400 && parsedBody.success && (parsedBody.data.errors?.length ?? 0) > 0;
    if ((response.status < 200 || response.status >= 300) && !partial) throw new JiraError(request, response);
    const body = parsedBody.success ? parsedBody.data : { issues: [], errors: [] };
    const failed = new Map<number, { status: number; errorMessages: string[]; errors: Record<string, string> }>();
    for (const error of body.errors ?? []) {
      if (error.failedElementNumber === undefined) continue;
      failed.set(error.failedElementNumber, {
        status: error.status ?? 400,
        errorMessages: error.elementErrors?.errorMessages ?? [],
        errors: error.elementErrors?.errors ?? {},
      });
    }
    const created = [...(body.issues ?? [])];
    const results: BulkCreateResult['results'] = inputs.map((_, index) => {
      const failure = failed.get(index);
      if (failure) return { ok: false, ...failure };
      const issue = created.shift();
      return issue ? { ok: true, issue: { id: issue.id, key: issue.key } } : { ok: false, status: 500, errorMessages: ['Jira did not report this issue'], errors: {} };
    });
    return { results };
  }

  /** `PUT /rest/api/3/issue/{key}` with `fields`, `update` and `properties` in one request. */
  async editIssue(issueIdOrKey: string, input: Partial<IssueInput>): Promise<void> {
    const params = this.options.suppressNotifications ? query({ notifyUsers: false }) : '';
    await callJira<unknown>(this.transport, 'PUT', `/rest/api/3/issue/${segment(issueIdOrKey)}${params}`, issueBody({ fields: {}, ...input }));
  }

  /** `GET /rest/api/3/issue/{key}`; answers undefined when the issue does not exist (404). */
  async getIssue(issueIdOrKey: string, options: { fields?: string[]; properties?: string[] } = {}): Promise<IssueSnapshot | undefined> {
    const path = `/rest/api/3/issue/${segment(issueIdOrKey)}${query({
      fields: options.fields?.join(','),
      properties: options.properties?.join(','),
    })}`;
    try {
      return snapshot(await callJira<unknown>(this.transport, 'GET', path));
    } catch (error) {
      if (error instanceof JiraError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** Status, resolution and the transitions out of the status, in one read; undefined when the issue does not exist (404). */
  async getIssueState(issueIdOrKey: string): Promise<IssueState | undefined> {
    const path = `/rest/api/3/issue/${segment(issueIdOrKey)}${query({ fields: 'status,resolution', expand: 'transitions' })}`;
    let raw: unknown;
    try {
      raw = await callJira<unknown>(this.transport, 'GET', path);
    } catch (error) {
      if (error instanceof JiraError && error.status === 404) return undefined;
      throw error;
    }
    const { status, resolution } = issueStateSchema.parse(raw).fields;
    return {
      statusId: status.id,
      ...(status.name ? { statusName: status.name } : {}),
      closed: Boolean(resolution) || status.statusCategory?.key === 'done',
      ...(resolution?.name ? { resolutionName: resolution.name } : {}),
      transitions: parseTransitions(raw),
    };
  }

  /** `GET .../transitions?expand=transitions.fields`: the transitions available from the issue's current status. */
  async getTransitions(issueIdOrKey: string): Promise<TransitionInfo[]> {
    const raw = await callJira<unknown>(
      this.transport,
      'GET',
      `/rest/api/3/issue/${segment(issueIdOrKey)}/transitions${query({ expand: 'transitions.fields' })}`,
    );
    return parseTransitions(raw);
  }

  /**
   * `POST .../transitions` with the transition screen's `fields` (e.g. resolution),
   * `update.comment` (the comment rides along: no separate request) and `properties`.
   */
  async transitionIssue(issueIdOrKey: string, input: TransitionInput): Promise<void> {
    const body: Record<string, unknown> = { transition: { id: input.transitionId } };
    if (input.fields && Object.keys(input.fields).length > 0) body.fields = input.fields;
    if (input.update && Object.keys(input.update).length > 0) body.update = input.update;
    if (input.properties && input.properties.length > 0) body.properties = input.properties;
    await callJira<unknown>(this.transport, 'POST', `/rest/api/3/issue/${segment(issueIdOrKey)}/transitions`, body);
  }

  /** `POST .../comment` with an ADF body. */
  async addComment(issueIdOrKey: string, body: AdfDocument): Promise<{ id: string }> {
    const raw = await callJira<unknown>(this.transport, 'POST', `/rest/api/3/issue/${segment(issueIdOrKey)}/comment`, { body });
    return { id: commentSchema.parse(raw).id };
  }

  /**
   * The newest comments (`GET .../comment?orderBy=-created`) as plain text with their
   * creation time. Read only when recovering from a failure that may have posted a
   * comment without recording it.
   */
  async recentComments(issueIdOrKey: string, maxResults = 20): Promise<Array<{ created: number; text: string }>> {
    const raw = await callJira<unknown>(this.transport, 'GET', `/rest/api/3/issue/${segment(issueIdOrKey)}/comment${query({ orderBy: '-created', maxResults })}`);
    const parsed = z.looseObject({ comments: z.array(z.looseObject({ created: z.string().optional(), body: z.unknown() })).optional() }).safeParse(raw);
    if (!parsed.success) return [];
    return (parsed.data.comments ?? []).map((comment) => ({ created: comment.created ? Date.parse(comment.created) : 0, text: adfPlainText(comment.body) }));
  }

  /** `POST .../remotelink`: Jira updates the link with the same `globalId` instead of adding a second one. */
  async upsertRemoteLink(issueIdOrKey: string, link: RemoteLinkInput): Promise<{ id?: string }> {
    const object: Record<string, unknown> = { url: link.url, title: link.title };
    if (link.summary) object.summary = link.summary;
    if (link.iconUrl) object.icon = { url16x16: link.iconUrl, title: link.title };
    if (link.resolved !== undefined) object.status = { resolved: link.resolved };
    const body: Record<string, unknown> = { globalId: link.globalId.slice(0, 255), object };
    if (link.relationship) body.relationship = link.relationship;
    const raw = await callJira<unknown>(this.transport, 'POST', `/rest/api/3/issue/${segment(issueIdOrKey)}/remotelink`, body);
    const parsed = remoteLinkSchema.safeParse(raw);
    return parsed.success && parsed.data.id ? { id: parsed.data.id } : {};
  }

  /** `PUT .../properties/{key}` (≤ 32 KB of JSON). */
  async setIssueProperty(issueIdOrKey: string, key: string, value: unknown): Promise<void> {
    await callJira<unknown>(this.transport, 'PUT', `/rest/api/3/issue/${segment(issueIdOrKey)}/properties/${segment(key)}`, value);
  }

  /** `POST /rest/api/3/search/jql` (the old `/search` is being removed), one page. */
  async searchJql(jql: string, options: { fields?: string[]; properties?: string[]; maxResults?: number; nextPageToken?: string } = {}): Promise<SearchPage> {
    const body: Record<string, unknown> = { jql, maxResults: options.maxResults ?? 50, fields: options.fields ?? ['project', 'issuetype', 'status'] };
    if (options.properties) body.properties = options.properties;
    if (options.nextPageToken) body.nextPageToken = options.nextPageToken;
    const parsed = searchSchema.parse(await callJira<unknown>(this.transport, 'POST', '/rest/api/3/search/jql', body));
    const issues = (parsed.issues ?? []).flatMap((raw) => {
      const result = issueSchema.safeParse(raw);
      return result.success ? [snapshot(raw)] : [];
    });
    return { issues, ...(parsed.nextPageToken ? { nextPageToken: parsed.nextPageToken } : {}) };
  }
}

function issueBody(input: IssueInput): Record<string, unknown> {
  const body: Record<string, unknown> = { fields: input.fields };
  if (input.update && Object.keys(input.update).length > 0) body.update = input.update;
  if (input.properties && input.properties.length > 0) body.properties = input.properties;
  return body;
}

/** A JQL string literal (double-quoted, with `"` and `\` escaped). */
export function jqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
