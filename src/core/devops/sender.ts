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
import type { FindingRef } from '../events/schema';
import { JiraError } from '../jira/http';
import type { Clock, JiraRequest, JiraTransport, KeyValueStore, Logger, TransactionOperation } from '../ports';
import { containerOf, pullRequestOf, vulnerabilityOf, workspaceOf, type VulnerabilityCause } from './build';
import {
  DEVINFO_BULK_PATH,
  MAX_VULNERABILITIES_PER_REQUEST,
  SECURITY_BULK_PATH,
  SECURITY_WORKSPACES_PATH,
  storeDevelopmentInformationAnswerSchema,
  submitVulnerabilitiesAnswerSchema,
  type DevinfoRepository,
  type PullRequestEntity,
  type Vulnerability,
} from './model';
import { chunks, devinfoBodies, mergeAssociations, mergeVulnerability, type PendingRepository } from './batching';
import { absent, describeError, keepReporting, mayPass, retryKept, type DevopsSend, type RetryReport } from './outbox';
import { Primed, type Prefetch } from '../prefetch';
import { causeOf, type AppliedEvent, type DevopsSwitches } from './applied';
import { DEVOPS_REGISTRY_KEY, UNAVAILABLE_RETRY_MS, noteContainer, parseRegistry, readRegistry, unlinkedWorkspaces, type DevopsRegistryData } from './registry';

export type { AppliedEvent, AppliedFinding, DevopsSwitches } from './applied';

export interface DevopsFlushReport {
  /** Jira requests made (each costs a point: docs/performance.md). */
  requests: number;
  vulnerabilities: number;
  pullRequests: number;
  /** Why nothing was sent, or what Jira refused (for logs and Activity). */
  problems: string[];
  /** Requests kept instead of sent while Jira's hourly points were nearly spent (`holdSends`). */
  held?: number;
}

export interface DevopsSenderDeps {
  jira: JiraTransport;
  store: KeyValueStore;
  clock: Clock;
  logger: Logger;
  switches: (projectKey: string) => Promise<DevopsSwitches>;
}

export class DevopsSender {
  private readonly vulnerabilities = new Map<string, Vulnerability>();
  private readonly repositories = new Map<string, PendingRepository>();
  private readonly containers: Array<{ finding: FindingRef }> = [];

  /** The registry as the engine's first batch read it, when it did (one storage call fewer per invocation). */
  private readonly registryRead = new Primed<unknown>();
  /** The registry read for this invocation's next flush (and the containers noted in event transactions). */
  private registry: DevopsRegistryData | undefined;
  private held = false;

  constructor(private readonly deps: DevopsSenderDeps) {}

  /** Asks for the registry in the engine's first storage batch; the first flush uses it, later ones read again. */
  prefetchRegistry(prefetch: Prefetch): void {
    prefetch.want({ key: DEVOPS_REGISTRY_KEY }, (raw) => this.registryRead.set(raw));
  }

  /** The findings of `event` the Security tab shows, with why (their vulnerability's cause). */
  private async shown(event: AppliedEvent): Promise<Array<{ applied: AppliedEvent['findings'][number]; cause: VulnerabilityCause }>> {
    const eventCause = causeOf(event);
    const shown: Array<{ applied: AppliedEvent['findings'][number]; cause: VulnerabilityCause }> = [];
    for (const applied of event.findings) {
      const cause: VulnerabilityCause | undefined = eventCause ?? (applied.created ? { type: 'finding.created' } : undefined);
      // A remediation event may carry just the finding's id and the link no snapshot: nothing to show.
      if (!cause || !applied.finding.title) continue;
      if ((await this.deps.switches(applied.projectKey)).securityTab) shown.push({ applied, cause });
    }
    return shown;
  }

  /**
   * Before the event's transaction (the engine's `beforeRecord`): a repository or organisation the registry
   * does not know yet is noted in that transaction, not in a storage write of its own at `flush`.
   */
  async registryOperations(event: AppliedEvent): Promise<TransactionOperation[]> {
    const shown = await this.shown(event);
    if (shown.length === 0) return [];
    const registry = await this.loadRegistry();
    const now = this.deps.clock.now();
    let changed = false;
    for (const { applied } of shown) changed = noteContainer(registry, workspaceOf(applied.finding), containerOf(applied.finding), now) || changed;
    return changed ? [{ kind: 'set', key: DEVOPS_REGISTRY_KEY, value: structuredClone(registry) }] : [];
  }

  /** The registry for this invocation: as the engine's first batch read it, else read now. */
  private async loadRegistry(): Promise<DevopsRegistryData> {
    this.registry ??= parseRegistry(await this.registryRead.get(() => this.deps.store.get<unknown>(DEVOPS_REGISTRY_KEY)));
    return this.registry;
  }

  /** Adds what one applied event changes; nothing is sent until `flush`. */
  async collect(event: AppliedEvent): Promise<void> {
    for (const { applied, cause } of await this.shown(event)) {
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

  /**
   * Jira said the hour's points are nearly spent: the next flush keeps its sends in the outbox instead of
   * spending points on them (one security submit per queued event, in a storm). The first flush that sends
   * after the pressure, or the hourly job, sends them merged: up to 1,000 vulnerabilities a request (outbox.ts).
   */
  holdSends(): void {
    this.held = true;
  }

  get pending(): boolean {
    return this.vulnerabilities.size > 0 || this.repositories.size > 0;
  }

  /**
   * Sends everything collected (and forgets it); never throws. What Jira does not take for a
   * reason that may pass is kept for a retry (outbox.ts); once a send gets through, sends kept
   * earlier go too.
   */
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
      registry = await this.loadRegistry();
      // A later flush reads it again (another invocation may have changed it meanwhile).
      this.registry = undefined;
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

    const sends = [
      ...chunks(vulnerabilities, MAX_VULNERABILITIES_PER_REQUEST).map((chunk) => ({ path: SECURITY_BULK_PATH, body: { operationType: 'NORMAL', providerMetadata: { product: 'Backline' }, vulnerabilities: chunk } })),
      ...devinfoBodies(repositories).map((body) => ({ path: DEVINFO_BULK_PATH, body })),
    ];
    const held = this.held;
    this.held = false;
    // Held under quota pressure: kept, as a send Jira refused for now would be (no problem to report).
    if (held) report.held = await keepReporting(store, sends, now, report.problems, new Error("held while Jira's hourly points were nearly spent"));
    else changed = (await this.send(sends, registry, vulnerabilities.length > 0, report, now)) || changed;
    if (held && report.held !== undefined && !registry.keptSends) changed = registry.keptSends = true;
    if (changed) await store.set(DEVOPS_REGISTRY_KEY, registry).catch((error: unknown) => report.problems.push(`could not save ${DEVOPS_REGISTRY_KEY}: ${String(error)}`));
    if (report.problems.length > 0) logger.warn('Security tab / development panel update incomplete', { problems: report.problems });
    return report;
  }

  /** Sends (kept ones after them when Jira takes sends again); answers whether the registry changed. */
  private async send(sends: DevopsSend[], registry: DevopsRegistryData, hasVulnerabilities: boolean, report: DevopsFlushReport, now: number): Promise<boolean> {
    // Kept vulnerabilities may wait for their workspace's link too.
    const outcome = await this.sendAll(registry, hasVulnerabilities || registry.keptSends === true, sends, report);
    let changed = outcome.changed;
    if (outcome.failure !== undefined) {
      const error = outcome.failure;
      if (absent(error)) {
        registry.unavailableUntil = now + UNAVAILABLE_RETRY_MS;
        changed = true;
      } else if (mayPass(error)) {
        const kept = await keepReporting(this.deps.store, outcome.unsent, now, report.problems, error);
        if (kept !== undefined) report.problems.push(`kept ${kept} request(s) for a retry`);
        if (kept !== undefined && !registry.keptSends) changed = registry.keptSends = true;
      }
      report.problems.push(describeError(error));
    } else if (registry.keptSends) {
      // Jira takes sends again: the ones kept earlier go now (bounded, merged: outbox.ts), then the flag clears.
      const retried = await retryKept({ jira: this.deps.jira, store: this.deps.store, logger: this.deps.logger, now });
      report.requests += retried.requests;
      if (retried.kept === 0) {
        delete registry.keptSends;
        changed = true;
      }
    }
    return changed;
  }

  /**
   * The hourly retry (housekeeping): links waiting workspaces, then sends what was kept.
   * Undefined when nothing is kept (one storage read, no Jira request).
   */
  async retryKeptSends(): Promise<RetryReport | undefined> {
    const { store, clock, logger } = this.deps;
    const registry = await readRegistry(store);
    if (!registry.keptSends) return undefined;
    const report: DevopsFlushReport = { requests: 0, vulnerabilities: 0, pullRequests: 0, problems: [] };
    const linked = await this.sendAll(registry, true, [], report);
    if (linked.failure !== undefined) {
      if (linked.changed) await store.set(DEVOPS_REGISTRY_KEY, registry);
      throw linked.failure instanceof Error ? linked.failure : new Error(describeError(linked.failure));
    }
    const retried = await retryKept({ jira: this.deps.jira, store, logger, now: clock.now() });
    if (retried.kept === 0) delete registry.keptSends;
    if (linked.changed || retried.kept === 0) await store.set(DEVOPS_REGISTRY_KEY, registry);
    return { ...retried, requests: retried.requests + report.requests };
  }

  /**
   * The workspace link (first time only), then each bulk send in order. Stops at the first
   * failure: the sends not yet made come back as `unsent`, the failed one first.
   */
  private async sendAll(registry: DevopsRegistryData, hasVulnerabilities: boolean, sends: DevopsSend[], report: DevopsFlushReport): Promise<{ changed: boolean; failure?: unknown; unsent: DevopsSend[] }> {
    let changed = false;
    const send = async (path: string, body: unknown): Promise<unknown> => {
      const request: JiraRequest = { method: 'POST', path, body };
      report.requests += 1;
      const response = await this.deps.jira.request(request);
      if (response.status < 200 || response.status >= 300) throw new JiraError(request, response);
      return response.body;
    };
    try {
      const unlinked = hasVulnerabilities ? unlinkedWorkspaces(registry) : [];
      if (unlinked.length > 0) {
        await send(SECURITY_WORKSPACES_PATH, { workspaceIds: unlinked });
        for (const id of unlinked) registry.workspaces[id]!.linked = true;
        changed = true;
      }
    } catch (failure) {
      return { changed, failure, unsent: sends };
    }
    for (const [index, { path, body }] of sends.entries()) {
      let answer: unknown;
      try {
        answer = await send(path, body);
      } catch (failure) {
        return { changed, failure, unsent: sends.slice(index) };
      }
      if (path === SECURITY_BULK_PATH) {
        const parsed = submitVulnerabilitiesAnswerSchema.safeParse(answer);
        const failed = parsed.success ? Object.keys(parsed.data.failedVulnerabilities ?? {}) : [];
        report.vulnerabilities += (body.vulnerabilities as unknown[]).length - failed.length;
        if (failed.length > 0) report.problems.push(`Jira refused vulnerabilities ${failed.join(', ')}`);
      } else {
        const parsed = storeDevelopmentInformationAnswerSchema.safeParse(answer);
        const failed = parsed.success ? Object.keys(parsed.data.failedDevinfoEntities ?? {}) : [];
        report.pullRequests += (body.repositories as DevinfoRepository[]).reduce((n, r) => n + r.pullRequests.length, 0);
        if (failed.length > 0) report.problems.push(`Jira refused development information of ${failed.join(', ')}`);
      }
    }
    return { changed, unsent: [] };
  }
}
