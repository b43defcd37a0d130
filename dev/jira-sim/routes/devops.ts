/**
 * Jira Software's DevOps REST APIs the app uses for the Security tab and the
 * development panel: security information (`/rest/security/1.0/…`) and
 * development information (`/rest/devinfo/0.10/…`). They are not in the Jira
 * platform OpenAPI document, so the simulator's contract check does not cover
 * them: every body is validated here instead, against the shapes in the
 * evidence (README.md "Security information and development information"):
 * Atlassian's Jira Software REST reference as typed by jira.js
 * (src/agile/parameters/submitVulnerabilities.ts, storeDevelopmentInformation.ts,
 * submitWorkspaces.ts; src/agile/models/*), and the "Security Information"
 * module page. Where the evidence leaves room, the simulator is stricter
 * than Jira (unknown properties refused, URLs must be http(s)).
 */
import { z } from 'zod';
import { JiraError, notFound, type SimResult } from '../http';
import type { SimStore } from '../store';
import type { Route, SimEnv } from './route';

/** Paths this file answers; the simulator skips the platform OpenAPI check for them. */
export function isDevopsApiPath(path: string): boolean {
  return path.startsWith('/rest/security/1.0/') || path.startsWith('/rest/devinfo/0.10/');
}

// Ids: submitWorkspaces.ts / submitVulnerabilities.ts (`containerId`) and storeDevelopmentInformation.ts (`id`).
const SECURITY_ID = /^[a-zA-Z0-9\-_.~@:{}=]+(\/[a-zA-Z0-9\-_.~@:{}=]+)*$/;
const DEVINFO_ID = /^[a-zA-Z0-9~.\-_]+$/;
const httpUrl = z.string().max(2000).regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL');
const timestamp = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an RFC 3339 timestamp');
/** issueIdOrKeysAssociation.ts: ≤ 500 values across all association types. */
const association = z.strictObject({ associationType: z.enum(['issueKeys', 'issueIdOrKeys']), values: z.array(z.string().min(1)).min(1) });

const vulnerabilityIn = z.strictObject({
  schemaVersion: z.literal('1.0'),
  id: z.string().min(1).max(255),
  updateSequenceNumber: z.number().int(),
  containerId: z.string().max(255).regex(SECURITY_ID, 'containerId does not match the allowed pattern'),
  displayName: z.string().max(255),
  description: z.string().max(5000),
  url: httpUrl,
  type: z.enum(['sca', 'sast', 'dast', 'unknown']),
  introducedDate: timestamp,
  lastUpdated: timestamp,
  severity: z.strictObject({ level: z.enum(['critical', 'high', 'medium', 'low', 'unknown']) }),
  identifiers: z.array(z.strictObject({ displayName: z.string().max(255), url: httpUrl })).optional(),
  status: z.enum(['open', 'closed', 'ignored', 'unknown']),
  additionalInfo: z.strictObject({ content: z.string().max(255), url: httpUrl.optional() }).optional(),
  addAssociations: z.array(association).optional(),
  removeAssociations: z.array(association).optional(),
  associationsLastUpdated: timestamp.optional(),
  associationsUpdateSequenceNumber: z.number().int().optional(),
});
type VulnerabilityIn = z.infer<typeof vulnerabilityIn>;

const submitVulnerabilitiesBody = z.strictObject({
  operationType: z.enum(['NORMAL', 'SCAN', 'BACKFILL']).optional(),
  // "a maximum of 5 properties can be supplied, keys cannot contain ':' or start with '_'"
  properties: z.record(z.string().regex(/^[^_:][^:]*$/), z.string()).refine((p) => Object.keys(p).length <= 5, 'at most 5 properties').optional(),
  // Each vulnerability is validated on its own (failures go in failedVulnerabilities), so here only its id.
  vulnerabilities: z.array(z.unknown()).min(1).max(1000, 'A maximum of 1000 vulnerabilities can be submitted in one request.'),
  providerMetadata: z.strictObject({ product: z.string().optional() }).optional(),
});

const pullRequestIn = z.strictObject({
  id: z.string().min(1).max(1024).regex(DEVINFO_ID, "Only alphanumeric characters, and '~.-_', are allowed"),
  issueKeys: z.array(z.string()).optional(),
  associations: z.array(association).optional(),
  updateSequenceId: z.number().int(),
  status: z.enum(['OPEN', 'MERGED', 'DECLINED', 'UNKNOWN']),
  title: z.string().max(1024),
  author: z.strictObject({ name: z.string().max(255).optional(), email: z.string().max(255).optional(), username: z.string().max(255).optional(), url: z.string().max(2000).optional(), avatar: z.string().max(2000).optional() }),
  commentCount: z.number().int().min(0),
  sourceBranch: z.string().max(255),
  sourceBranchUrl: z.string().max(2000).optional(),
  lastUpdate: timestamp,
  destinationBranch: z.string().max(255).optional(),
  destinationBranchUrl: z.string().max(2000).optional(),
  reviewers: z.array(z.looseObject({})).optional(),
  url: httpUrl,
  displayId: z.string().max(255),
});
type PullRequestIn = z.infer<typeof pullRequestIn>;

const repositoryIn = z.strictObject({
  id: z.string().min(1).max(1024).regex(DEVINFO_ID, "Only alphanumeric characters, and '~.-_', are allowed"),
  name: z.string().max(255),
  description: z.string().max(1024).optional(),
  forkOf: z.string().max(1024).optional(),
  url: httpUrl,
  avatar: z.string().max(2000).optional(),
  avatarDescription: z.string().max(1024).optional(),
  updateSequenceId: z.number().int(),
  // The app sends no commits or branches; the simulator refuses them rather than pretend to store them.
  pullRequests: z.array(pullRequestIn).max(400, 'Maximum number of pull requests is 400').optional(),
});

const storeDevinfoBody = z.strictObject({
  repositories: z.array(repositoryIn).min(1),
  preventTransitions: z.boolean().optional(),
  operationType: z.enum(['NORMAL', 'BACKFILL']).optional(),
  properties: z.record(z.string().regex(/^[^_:][^:]*$/), z.string()).refine((p) => Object.keys(p).length <= 5, 'at most 5 properties').optional(),
  providerMetadata: z.strictObject({ product: z.string().optional() }).optional(),
});

export interface StoredVulnerability extends Omit<VulnerabilityIn, 'addAssociations' | 'removeAssociations'> {
  /** Issue keys the vulnerability is associated with (after adds and removes). */
  issueKeys: string[];
  associationsSequence: number;
  /** Accepted submissions that changed it (a submission with an older sequence number changes nothing). */
  updates: number;
}

export interface StoredPullRequest extends Omit<PullRequestIn, 'associations' | 'issueKeys'> {
  issueKeys: string[];
  updates: number;
}

export interface StoredRepository {
  id: string;
  name: string;
  url: string;
  updateSequenceId: number;
  pullRequests: Map<string, StoredPullRequest>;
}

/** What the app sent to Jira Software's DevOps APIs. */
export class DevopsSimStore {
  /** False: the site has no Jira Software (the APIs answer 404). */
  jiraSoftware = true;
  readonly linkedWorkspaces = new Map<string, number>();
  readonly vulnerabilities = new Map<string, StoredVulnerability>();
  readonly repositories = new Map<string, StoredRepository>();

  reset(): void {
    this.jiraSoftware = true;
    this.linkedWorkspaces.clear();
    this.vulnerabilities.clear();
    this.repositories.clear();
  }

  vulnerabilitiesOf(issueKey: string): StoredVulnerability[] {
    return [...this.vulnerabilities.values()].filter((v) => v.issueKeys.includes(issueKey));
  }

  pullRequestsOf(issueKey: string): Array<StoredPullRequest & { repository: StoredRepository }> {
    return [...this.repositories.values()].flatMap((repository) => [...repository.pullRequests.values()].filter((pr) => pr.issueKeys.includes(issueKey)).map((pr) => ({ ...pr, repository })));
  }
}

function zodProblems(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
}

/** Keys of the associations that name an issue of this site (ids are accepted as Jira accepts them). */
function splitKnown(store: SimStore, associations: Array<{ values: string[] }> | undefined): { known: string[]; unknown: string[] } {
  const known: string[] = [];
  const unknown: string[] = [];
  for (const value of (associations ?? []).flatMap((a) => a.values)) {
    const issue = store.issue(value);
    if (issue) known.push(issue.key);
    else unknown.push(value);
  }
  return { known, unknown };
}

export function devopsRoutes(env: SimEnv, devops: DevopsSimStore): Route[] {
  const { store } = env;
  const S = '/rest/security/1.0';
  const D = '/rest/devinfo/0.10';
  const available = (): void => {
    if (!devops.jiraSoftware) throw notFound('This site has no Jira Software: the DevOps APIs are not available.');
  };
  const accepted = (body?: unknown): SimResult => ({ status: 202, ...(body === undefined ? {} : { body }) });

  const submitVulnerability = (raw: unknown, failed: Record<string, unknown>, unknownAssociations: string[]): string | undefined => {
    const id = typeof raw === 'object' && raw !== null && 'id' in raw && typeof raw.id === 'string' ? raw.id : '(no id)';
    const parsed = vulnerabilityIn.safeParse(raw);
    if (!parsed.success) {
      failed[id] = zodProblems(parsed.error).map((message) => ({ message }));
      return undefined;
    }
    const v = parsed.data;
    const added = splitKnown(store, v.addAssociations);
    const removed = splitKnown(store, v.removeAssociations);
    if (added.known.length + removed.known.length + added.unknown.length + removed.unknown.length > 500) {
      failed[id] = [{ message: 'The number of association values must not exceed 500.' }];
      return undefined;
    }
    unknownAssociations.push(...added.unknown);
    const stored = devops.vulnerabilities.get(v.id);
    // "If a Vulnerability was only associated with the associations in this array, it is deemed to be invalid and it won't be persisted."
    if (!stored && added.known.length === 0) {
      failed[id] = [{ message: 'The vulnerability is associated with no known issue.' }];
      return undefined;
    }
    // Older than what is stored: accepted, not applied ("not considered a failed submission").
    if (stored && v.updateSequenceNumber < stored.updateSequenceNumber) return v.id;
    const associationsSequence = v.associationsUpdateSequenceNumber ?? v.updateSequenceNumber;
    let issueKeys = stored?.issueKeys ?? [];
    if (!stored || associationsSequence >= stored.associationsSequence) {
      // A removal names the association as stored: it goes even when its issue no longer exists.
      const gone = new Set([...removed.known, ...removed.unknown.map((v) => v.toUpperCase())]);
      issueKeys = [...new Set([...issueKeys.filter((k) => !gone.has(k)), ...added.known])];
    }
    const { addAssociations: _add, removeAssociations: _remove, ...data } = v;
    devops.vulnerabilities.set(v.id, { ...data, issueKeys, associationsSequence: Math.max(associationsSequence, stored?.associationsSequence ?? 0), updates: (stored?.updates ?? 0) + 1 });
    return v.id;
  };

  return [
    {
      method: 'POST', template: `${S}/linkedWorkspaces/bulk`, kind: 'write',
      handler: (ctx) => {
        available();
        const body = z.strictObject({ workspaceIds: z.array(z.string().regex(SECURITY_ID, 'workspace id does not match the allowed pattern')).min(1) }).safeParse(ctx.body);
        if (!body.success) throw new JiraError(400, zodProblems(body.error));
        // An id already linked is ignored and the rest processed (submitWorkspaces).
        for (const id of body.data.workspaceIds) if (!devops.linkedWorkspaces.has(id)) devops.linkedWorkspaces.set(id, env.now());
        return accepted();
      },
    },
    {
      method: 'GET', template: `${S}/linkedWorkspaces`, kind: 'read',
      handler: () => {
        available();
        return { status: 200, body: { workspaceIds: [...devops.linkedWorkspaces.keys()] } };
      },
    },
    {
      method: 'POST', template: `${S}/bulk`, kind: 'write',
      handler: (ctx) => {
        available();
        const body = submitVulnerabilitiesBody.safeParse(ctx.body);
        if (!body.success) throw new JiraError(400, zodProblems(body.error));
        const failed: Record<string, unknown> = {};
        const unknownAssociations: string[] = [];
        const acceptedIds = body.data.vulnerabilities.flatMap((raw) => submitVulnerability(raw, failed, unknownAssociations) ?? []);
        return accepted({
          acceptedVulnerabilities: acceptedIds,
          ...(Object.keys(failed).length > 0 ? { failedVulnerabilities: failed } : {}),
          ...(unknownAssociations.length > 0 ? { unknownAssociations: [{ associationType: 'issueIdOrKeys', values: unknownAssociations }] } : {}),
        });
      },
    },
    {
      method: 'GET', template: `${S}/vulnerability/{vulnerabilityId}`, kind: 'read',
      handler: (ctx) => {
        available();
        const v = devops.vulnerabilities.get(ctx.params.vulnerabilityId ?? '');
        if (!v) throw notFound(`No vulnerability with id ${ctx.params.vulnerabilityId ?? ''}.`);
        const { issueKeys, associationsSequence, updates: _updates, ...data } = v;
        return { status: 200, body: { ...data, addAssociations: [{ associationType: 'issueIdOrKeys', values: issueKeys }], associationsUpdateSequenceNumber: associationsSequence }, cost: { core: 1 } };
      },
    },
    {
      method: 'DELETE', template: `${S}/vulnerability/{vulnerabilityId}`, kind: 'write',
      handler: (ctx) => {
        available();
        devops.vulnerabilities.delete(ctx.params.vulnerabilityId ?? '');
        return accepted();
      },
    },
    {
      method: 'POST', template: `${D}/bulk`, kind: 'write',
      handler: (ctx) => {
        available();
        const body = storeDevinfoBody.safeParse(ctx.body);
        if (!body.success) throw new JiraError(400, zodProblems(body.error));
        const entities = body.data.repositories.reduce((n, r) => n + (r.pullRequests?.length ?? 0), 0);
        if (entities > 1000) throw new JiraError(400, ['Maximum number of entities across all repositories is 1000.']);
        const acceptedEntities: Record<string, { pullRequests: string[] }> = {};
        const unknownIssueKeys = new Set<string>();
        for (const repository of body.data.repositories) {
          const stored = devops.repositories.get(repository.id) ?? { id: repository.id, name: repository.name, url: repository.url, updateSequenceId: repository.updateSequenceId, pullRequests: new Map<string, StoredPullRequest>() };
          if (repository.updateSequenceId >= stored.updateSequenceId) Object.assign(stored, { name: repository.name, url: repository.url, updateSequenceId: repository.updateSequenceId });
          const ids: string[] = [];
          for (const pr of repository.pullRequests ?? []) {
            const { known, unknown } = splitKnown(store, [...(pr.associations ?? []), ...(pr.issueKeys ? [{ values: pr.issueKeys }] : [])]);
            for (const key of unknown) unknownIssueKeys.add(key);
            if (known.length === 0) continue; // only unknown issues: not persisted
            ids.push(pr.id);
            const previous = stored.pullRequests.get(pr.id);
            if (previous && pr.updateSequenceId < previous.updateSequenceId) continue;
            const { associations: _associations, issueKeys: _keys, ...data } = pr;
            // An entity is replaced by a newer update: its associations are the ones sent now.
            stored.pullRequests.set(pr.id, { ...data, issueKeys: [...new Set(known)], updates: (previous?.updates ?? 0) + 1 });
          }
          devops.repositories.set(repository.id, stored);
          acceptedEntities[repository.id] = { pullRequests: ids };
        }
        return accepted({ acceptedDevinfoEntities: acceptedEntities, ...(unknownIssueKeys.size > 0 ? { unknownIssueKeys: [...unknownIssueKeys] } : {}) });
      },
    },
    {
      method: 'GET', template: `${D}/repository/{repositoryId}`, kind: 'read',
      handler: (ctx) => {
        available();
        const repository = devops.repositories.get(ctx.params.repositoryId ?? '');
        if (!repository) throw notFound(`No repository with id ${ctx.params.repositoryId ?? ''}.`);
        const pullRequests = [...repository.pullRequests.values()].map(({ issueKeys, updates: _updates, ...pr }) => ({ ...pr, issueKeys }));
        return { status: 200, body: { id: repository.id, name: repository.name, url: repository.url, updateSequenceId: repository.updateSequenceId, pullRequests }, cost: { core: 1 + pullRequests.length } };
      },
    },
  ];
}
