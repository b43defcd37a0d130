/**
 * Sends what the events of one invocation mean for Jira's Security tab and
 * development panel, in as few requests as Jira allows: every vulnerability of
 * the invocation in one security bulk submit (≤ 1,000 a request), every pull
 * request in one dev-info bulk store (≤ 1,000 entities), and a workspace link
 * only the first time a Backline organisation appears. The engine hands each
 * applied event to `collect`; the entry point calls `flush` once before it
 * answers. A failure here never fails an event: the issue is already right,
 * and the next event about the finding sends its whole state again (Jira keeps
 * the newest by sequence number).
 */
import type { FindingRef, PullRequest, Remediation, ResolveReason } from '../events/schema';
import { JiraError } from '../jira/http';
import type { Clock, JiraRequest, JiraTransport, KeyValueStore, Logger } from '../ports';
import { containerOf, pullRequestOf, vulnerabilityOf, workspaceOf, type DevinfoRepositoryRef, type PrEventType, type VulnerabilityCause } from './build';
import {
  DEVINFO_BULK_PATH,
  MAX_DEVINFO_ENTITIES_PER_REQUEST,
  MAX_PULL_REQUESTS_PER_REPOSITORY,
  MAX_VULNERABILITIES_PER_REQUEST,
  SECURITY_BULK_PATH,
  SECURITY_WORKSPACES_PATH,
  storeDevelopmentInformationAnswerSchema,
  submitVulnerabilitiesAnswerSchema,
  type DevinfoRepository,
  type IssueAssociation,
  type PullRequestEntity,
  type Vulnerability,
} from './model';
import { DEVOPS_REGISTRY_KEY, UNAVAILABLE_RETRY_MS, noteContainer, readRegistry, unlinkedWorkspaces, type DevopsRegistryData } from './registry';

/** A project's switches (config: showInSecurityTab, showInDevelopmentPanel). */
export interface DevopsSwitches {
  securityTab: boolean;
  developmentPanel: boolean;
}

/** One finding of an applied event, with the issue the app keeps for it. */
export interface AppliedFinding {
  /** As the event carried it, completed from the link's snapshot when the event had only the id. */
  finding: FindingRef;
  projectKey: string;
  issue: { key: string; url: string };
  /** The finding's previous issue, deleted in Jira and re-created by the app. */
  deletedIssueKey?: string;
}

/** What an applied event says, in the terms the builders need. */
export type AppliedEvent =
  | { type: 'finding.created' | 'finding.updated' | 'finding.reopened'; occurredAt: string; findings: AppliedFinding[] }
  | { type: 'finding.resolved'; reason: ResolveReason; occurredAt: string; findings: AppliedFinding[] }
  | { type: 'remediation.resolved'; occurredAt: string; remediation: Remediation; findings: AppliedFinding[] }
  | { type: PrEventType; occurredAt: string; remediation: Remediation; pullRequest: PullRequest; findings: AppliedFinding[] };

export interface DevopsFlushReport {
  /** Jira requests made (each costs a point: docs/performance.md). */
  requests: number;
  vulnerabilities: number;
  pullRequests: number;
  /** Why nothing was sent, or what Jira refused (for logs and Activity). */
  problems: string[];
}

export interface DevopsSenderDeps {
  jira: JiraTransport;
  store: KeyValueStore;
  clock: Clock;
  logger: Logger;
  switches: (projectKey: string) => Promise<DevopsSwitches>;
}

interface PendingRepository {
  ref: DevinfoRepositoryRef;
  pullRequests: Map<string, PullRequestEntity>;
}

function mergeAssociations(a: IssueAssociation[] | undefined, b: IssueAssociation[] | undefined): IssueAssociation[] | undefined {
  const values = new Set([...(a ?? []), ...(b ?? [])].flatMap((association) => association.values));
  return values.size > 0 ? [{ associationType: 'issueIdOrKeys', values: [...values] }] : undefined;
}

/** Two updates of one vulnerability in one invocation: the newer wins, associations add up. */
function mergeVulnerability(older: Vulnerability, newer: Vulnerability): Vulnerability {
  const merged: Vulnerability = { ...newer };
  const add = mergeAssociations(older.addAssociations, newer.addAssociations);
  const added = new Set(add?.flatMap((a) => a.values));
  const remove = mergeAssociations(older.removeAssociations, newer.removeAssociations)?.map((a) => ({ ...a, values: a.values.filter((v) => !added.has(v)) })).filter((a) => a.values.length > 0);
  if (add) merged.addAssociations = add;
  if (remove && remove.length > 0) merged.removeAssociations = remove;
  else delete merged.removeAssociations;
  return merged;
}

function causeOf(event: AppliedEvent): VulnerabilityCause | undefined {
  switch (event.type) {
    case 'finding.resolved':
      return { type: 'finding.resolved', reason: event.reason };
    case 'finding.created':
    case 'finding.updated':
    case 'finding.reopened':
      return { type: event.type };
    case 'remediation.resolved':
      return { type: 'remediation.resolved' };
    default:
      return undefined;
  }
}

export class DevopsSender {
  private readonly vulnerabilities = new Map<string, Vulnerability>();
  private readonly repositories = new Map<string, PendingRepository>();
  private readonly containers: Array<{ finding: FindingRef }> = [];

  constructor(private readonly deps: DevopsSenderDeps) {}

  /** Adds what one applied event changes; nothing is sent until `flush`. */
  async collect(event: AppliedEvent): Promise<void> {
    const cause = causeOf(event);
    if (cause) {
      for (const applied of event.findings) {
        // A remediation event may carry just the finding's id and the link no snapshot: nothing to show.
        if (!applied.finding.title) continue;
        if (!(await this.deps.switches(applied.projectKey)).securityTab) continue;
        const vulnerability = vulnerabilityOf({
          finding: applied.finding,
          cause,
          issue: applied.issue,
          occurredAt: event.occurredAt,
          ...(applied.deletedIssueKey ? { deletedIssueKey: applied.deletedIssueKey } : {}),
        });
        const known = this.vulnerabilities.get(vulnerability.id);
        this.vulnerabilities.set(
          vulnerability.id,
          !known ? vulnerability : known.updateSequenceNumber <= vulnerability.updateSequenceNumber ? mergeVulnerability(known, vulnerability) : mergeVulnerability(vulnerability, known),
        );
        this.containers.push({ finding: applied.finding });
      }
    }
    if (event.type === 'remediation.pr_opened' || event.type === 'remediation.pr_merged' || event.type === 'remediation.pr_closed') {
      const keys: string[] = [];
      for (const applied of event.findings) if ((await this.deps.switches(applied.projectKey)).developmentPanel) keys.push(applied.issue.key);
      if (keys.length === 0) return;
      const withRepository = event.findings.find((f) => f.finding.repository)?.finding.repository;
      const built = pullRequestOf({
        type: event.type,
        remediation: event.remediation,
        pullRequest: event.pullRequest,
        issueKeys: [...new Set(keys)],
        occurredAt: event.occurredAt,
        ...(withRepository ? { fallbackRepository: { name: withRepository.name, ...(typeof withRepository.url === 'string' ? { url: withRepository.url } : {}) } } : {}),
      });
      const pending = this.repositories.get(built.repository.id) ?? { ref: built.repository, pullRequests: new Map<string, PullRequestEntity>() };
      this.repositories.set(built.repository.id, pending);
      const known = pending.pullRequests.get(built.pullRequest.id);
      const newer = !known || known.updateSequenceId <= built.pullRequest.updateSequenceId ? built.pullRequest : known;
      const associations = mergeAssociations(known?.associations, built.pullRequest.associations);
      pending.pullRequests.set(built.pullRequest.id, { ...newer, associations: associations ?? newer.associations });
    }
  }

  get pending(): boolean {
    return this.vulnerabilities.size > 0 || this.repositories.size > 0;
  }

  /** Sends everything collected (and forgets it); never throws. */
  async flush(): Promise<DevopsFlushReport> {
    const report: DevopsFlushReport = { requests: 0, vulnerabilities: 0, pullRequests: 0, problems: [] };
    if (!this.pending) return report;
    const vulnerabilities = [...this.vulnerabilities.values()];
    const repositories = [...this.repositories.values()];
    const containers = this.containers.splice(0);
    this.vulnerabilities.clear();
    this.repositories.clear();
    const { store, clock, logger } = this.deps;
    let registry: DevopsRegistryData;
    try {
      registry = await readRegistry(store);
    } catch (error) {
      report.problems.push(`could not read ${DEVOPS_REGISTRY_KEY}: ${String(error)}`);
      return report;
    }
    const now = clock.now();
    if (registry.unavailableUntil !== undefined && registry.unavailableUntil > now) {
      report.problems.push('this site has no Jira Software DevOps APIs (checked recently)');
      return report;
    }
    let changed = registry.unavailableUntil !== undefined;
    delete registry.unavailableUntil;
    for (const { finding } of containers) changed = noteContainer(registry, workspaceOf(finding), containerOf(finding), now) || changed;

    const send = async (path: string, body: unknown): Promise<unknown> => {
      const request: JiraRequest = { method: 'POST', path, body };
      report.requests += 1;
      const response = await this.deps.jira.request(request);
      if (response.status < 200 || response.status >= 300) throw new JiraError(request, response);
      return response.body;
    };
    /** 403/404: the site has no Jira Software (or the module is not installed): stop asking for a day. */
    const absent = (error: unknown): boolean => error instanceof JiraError && (error.status === 403 || error.status === 404);
    try {
      if (vulnerabilities.length > 0) {
        const unlinked = unlinkedWorkspaces(registry);
        if (unlinked.length > 0) {
          await send(SECURITY_WORKSPACES_PATH, { workspaceIds: unlinked });
          for (const id of unlinked) registry.workspaces[id]!.linked = true;
          changed = true;
        }
        for (let start = 0; start < vulnerabilities.length; start += MAX_VULNERABILITIES_PER_REQUEST) {
          const chunk = vulnerabilities.slice(start, start + MAX_VULNERABILITIES_PER_REQUEST);
          const answer = submitVulnerabilitiesAnswerSchema.safeParse(await send(SECURITY_BULK_PATH, { operationType: 'NORMAL', providerMetadata: { product: 'Backline' }, vulnerabilities: chunk }));
          const failed = answer.success ? Object.keys(answer.data.failedVulnerabilities ?? {}) : [];
          report.vulnerabilities += chunk.length - failed.length;
          if (failed.length > 0) report.problems.push(`Jira refused vulnerabilities ${failed.join(', ')}`);
        }
      }
      for (const body of devinfoBodies(repositories)) {
        const answer = storeDevelopmentInformationAnswerSchema.safeParse(await send(DEVINFO_BULK_PATH, body));
        const failed = answer.success ? Object.keys(answer.data.failedDevinfoEntities ?? {}) : [];
        report.pullRequests += body.repositories.reduce((n, r) => n + r.pullRequests.length, 0);
        if (failed.length > 0) report.problems.push(`Jira refused development information of ${failed.join(', ')}`);
      }
    } catch (error) {
      if (absent(error)) {
        registry.unavailableUntil = now + UNAVAILABLE_RETRY_MS;
        changed = true;
      }
      report.problems.push(error instanceof Error ? error.message : String(error));
    }
    if (changed) await store.set(DEVOPS_REGISTRY_KEY, registry).catch((error: unknown) => report.problems.push(`could not save ${DEVOPS_REGISTRY_KEY}: ${String(error)}`));
    if (report.problems.length > 0) logger.warn('Security tab / development panel update incomplete', { problems: report.problems });
    return report;
  }
}

/** Dev-info request bodies within Jira's limits: ≤ 1,000 entities a request, ≤ 400 pull requests a repository. */
function devinfoBodies(repositories: PendingRepository[]): Array<{ repositories: DevinfoRepository[]; preventTransitions: boolean; operationType: 'NORMAL'; providerMetadata: { product: string } }> {
  const bodies: Array<{ repositories: DevinfoRepository[]; preventTransitions: boolean; operationType: 'NORMAL'; providerMetadata: { product: string } }> = [];
  let current: DevinfoRepository[] = [];
  let entities = 0;
  const close = () => {
    if (current.length > 0) bodies.push({ repositories: current, preventTransitions: true, operationType: 'NORMAL', providerMetadata: { product: 'Backline' } });
    current = [];
    entities = 0;
  };
  for (const repository of repositories) {
    const all = [...repository.pullRequests.values()];
    for (let start = 0; start < all.length; start += MAX_PULL_REQUESTS_PER_REPOSITORY) {
      const pullRequests = all.slice(start, start + MAX_PULL_REQUESTS_PER_REPOSITORY);
      if (entities + pullRequests.length > MAX_DEVINFO_ENTITIES_PER_REQUEST) close();
      // The sequence id of a repository follows its newest pull request, so Jira never drops the batch as stale.
      const updateSequenceId = Math.max(...pullRequests.map((pr) => pr.updateSequenceId));
      current.push({ ...repository.ref, updateSequenceId, pullRequests });
      entities += pullRequests.length;
    }
  }
  close();
  return bodies;
}
