/**
 * Wires the Security tab and development panel into the sync engine: an
 * `onOutcome` hook (src/core/sync/outcome.ts) that turns each applied event into
 * the sender's terms, and a flush once per invocation (src/core/engine.ts), so
 * the extra Jira requests ride with the events that cause them (docs/security-tab.md).
 *
 * What is sent, and when: a finding's vulnerability when its issue was created or
 * updated (a `finding.updated` that changes nothing on the issue sends nothing);
 * a PR whenever its event reached the issues of its findings (created, updated or
 * unchanged: the PR's own state changed even when the issue did not). Duplicates,
 * stale, skipped and failed findings send nothing.
 */
import type { ConfigRepository } from '../config/repository';
import { findingRefSchema, type FindingRef } from '../events/schema';
import type { Prefetch } from '../prefetch';
import type { Platform } from '../ports';
import type { ResultStatus } from '../results';
import type { EventOutcome, FindingChange, OutcomeHook, RecordHook } from '../sync/outcome';
import { linkRef, parseLink, type Link } from '../sync/links';
import { DevopsSender, type AppliedEvent, type AppliedFinding, type DevopsFlushReport, type DevopsSwitches } from './sender';

const ISSUE_CHANGED = new Set<ResultStatus>(['created', 'updated']);
const PR_REACHED = new Set<ResultStatus>(['created', 'updated', 'unchanged']);

export interface DevopsWiring {
  hook: OutcomeHook;
  /** Notes a new repository or organisation in the event's own transaction (sender.ts `registryOperations`). */
  beforeRecord: RecordHook;
  /** Sends what the hook collected; the entry point calls it once, after the invocation's events. */
  flush(): Promise<DevopsFlushReport>;
}

export function switchesOf(config: { showInSecurityTab?: boolean | undefined; showInDevelopmentPanel?: boolean | undefined } | undefined): DevopsSwitches {
  // A project no longer connected gets nothing new in Jira's panels.
  if (!config) return { securityTab: false, developmentPanel: false };
  return { securityTab: config.showInSecurityTab !== false, developmentPanel: config.showInDevelopmentPanel !== false };
}

/**
 * The finding as the event carried it; an id-only reference (remediation events) is
 * completed from its link's snapshot (one batched KVS read, only for remediation.resolved:
 * the one id-only event that changes the vulnerability).
 */
async function findingsOf(platform: Platform, outcome: EventOutcome, changes: FindingChange[]): Promise<Map<string, FindingRef>> {
  const { event } = outcome;
  const carried: FindingRef[] = 'finding' in event.data ? [event.data.finding] : event.data.findings;
  const byId = new Map(carried.map((f) => [f.id, f]));
  // Named by id only, known to the app (a grouped finding that waited for its remediation).
  for (const change of changes) if (change.finding && !byId.get(change.findingId)?.title) byId.set(change.findingId, change.finding);
  if (event.type !== 'remediation.resolved') return byId;
  const incomplete = changes.filter((c) => !byId.get(c.findingId)?.title);
  // The engine hands on the link it stored (the finding's own: a group's stands for several); only the others are read.
  const own = (c: FindingChange): Link | undefined => (c.link?.findingId === c.findingId ? c.link : undefined);
  const missing = incomplete.filter((c) => !own(c)).map((c) => c.findingId);
  const read = missing.length === 0 ? [] : await platform.store.getMany(missing.map(linkRef));
  const links = new Map<string, Link | undefined>([...incomplete.map((c) => [c.findingId, own(c)] as const), ...missing.map((id, index) => [id, parseLink(read[index])] as const)]);
  links.forEach((link, findingId) => {
    if (!link) return;
    const snapshot = findingRefSchema.safeParse({
      ...(link.title ? { title: link.title } : {}),
      ...(link.severity ? { severity: link.severity } : {}),
      ...(link.findingUrl ? { url: link.findingUrl } : {}),
      ...link.findingSnapshot,
      ...byId.get(findingId),
      id: findingId,
    });
    if (snapshot.success) byId.set(findingId, snapshot.data);
  });
  return byId;
}

export async function appliedEvent(platform: Platform, outcome: EventOutcome): Promise<AppliedEvent | undefined> {
  const { event } = outcome;
  const prEvent = event.type === 'remediation.pr_opened' || event.type === 'remediation.pr_merged' || event.type === 'remediation.pr_closed';
  const wanted = prEvent ? PR_REACHED : ISSUE_CHANGED;
  const changes = outcome.findings.filter((c) => wanted.has(c.status) && c.issue && c.projectKey);
  if (changes.length === 0) return undefined;
  const findings = await findingsOf(platform, outcome, changes);
  const applied: AppliedFinding[] = changes.flatMap((change) => {
    const finding = findings.get(change.findingId);
    if (!finding || !change.issue || !change.projectKey) return [];
    return [{
      finding,
      projectKey: change.projectKey,
      issue: { key: change.issue.key, url: change.issue.url },
      ...(change.replacedIssueKey ? { deletedIssueKey: change.replacedIssueKey } : {}),
      ...(change.status === 'created' ? { created: true } : {}),
    }];
  });
  const occurredAt = event.occurredAt;
  switch (event.type) {
    case 'finding.resolved':
      return { type: event.type, reason: event.data.reason, occurredAt, findings: applied };
    case 'remediation.resolved':
      return { type: event.type, remediation: event.data.remediation, occurredAt, findings: applied };
    case 'remediation.pr_opened':
    case 'remediation.pr_merged':
    case 'remediation.pr_closed':
      return { type: event.type, remediation: event.data.remediation, pullRequest: event.data.pullRequest, occurredAt, findings: applied };
    default:
      return { type: event.type, occurredAt, findings: applied };
  }
}

/** One per invocation: the hook collects every applied event, `flush` sends them together. */
export function devopsWiring(platform: Platform, configs: Pick<ConfigRepository, 'getProject'>, prefetch?: Prefetch): DevopsWiring {
  const sender = new DevopsSender({
    jira: platform.jira,
    store: platform.store,
    clock: platform.clock,
    logger: platform.logger,
    switches: async (projectKey) => switchesOf(await configs.getProject(projectKey)),
  });
  if (prefetch) sender.prefetchRegistry(prefetch);
  // The same outcome reaches `beforeRecord` and then `hook`: its applied form is built once.
  const built = new WeakMap<EventOutcome, Promise<AppliedEvent | undefined>>();
  const appliedOf = (outcome: EventOutcome): Promise<AppliedEvent | undefined> => {
    let applied = built.get(outcome);
    if (!applied) built.set(outcome, (applied = appliedEvent(platform, outcome)));
    return applied;
  };
  return {
    hook: async (outcome) => {
      // Jira's hourly points are nearly spent: the issues get them; the panels' sends wait, kept (sender.ts).
      if (outcome.quotaNearlySpent) sender.holdSends();
      const applied = await appliedOf(outcome);
      if (applied) await sender.collect(applied);
      // The consumer applies one event per invocation: nothing else will come to batch with.
      if (outcome.mode === 'consumer') await sender.flush();
    },
    beforeRecord: async (outcome) => {
      const applied = await appliedOf(outcome);
      return applied ? sender.registryOperations(applied) : [];
    },
    flush: () => sender.flush(),
  };
}
