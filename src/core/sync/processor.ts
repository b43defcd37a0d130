/**
 * The sync engine's entry: applies validated events in order, inline until the
 * deadline, and hands what does not fit (or what Jira refuses for now) to the
 * Forge queue. Every event goes through the same idempotent path whether it
 * arrives from the web trigger or the queue consumer.
 */
import { ConfigRepository, GLOBAL_SETTINGS_KEY } from '../config/repository';
import type { ProjectConfig } from '../config/model';
import { CodedError, toCodedError } from '../errors';
import { SEVERITY_RANK, severitySchema, type BacklineEvent, type Finding, type FindingRef } from '../events/schema';
import { JiraClient, adfPlainText, jqlString, type IssueSnapshot } from '../jira/client';
import { CountingTransport, JiraError } from '../jira/http';
import { JiraMetadata, createMetaCacheKey } from '../jira/metadata';
import { WorkflowCache, workflowCacheKey } from '../jira/workflow';
import { renderIssueFields } from '../mapping/render';
import { UserDirectory } from '../mapping/users';
import type { RenderedFields } from '../mapping/types';
import { SITE_URL_CACHE_KEY, type Platform, type StoreKeyRef, type TransactionOperation } from '../ports';
import type { EventResult, IssueRef, ResultError, ResultStatus } from '../results';
import { routeFinding } from '../routing';
import { recordEventOutcome } from '../failures/hooks';
import { entityActivityLog, type ActivityLog } from './activity';
import { IssueDeletedError, applyPlan } from './apply';
import { Idempotency, eventClaimKey, findingClaimKey, inProgressError, type Claim, type EventRecord as EventRecordT } from './idempotency';
import { LINK_ENTITY, LINKS_META_REF, LinkStore, linkRef, linkSchema, linksMetaComplete, parseLink, type Link } from './links';
import { describeWrite, emptyLink, fillIfEmptyToCheck, isEmptyJiraValue, planEvent, PROPERTY_KEY, type JiraWrite } from './plan';
import { RefusalRecorder, paceDelaySeconds, retryDelaySeconds, type Refusal } from './pacing';
import { RetryingTransport } from './retry';

export type SyncMode = 'inline' | 'consumer';

export interface ProcessorOptions {
  mode?: SyncMode;
  sleep?: (ms: number) => Promise<void>;
  /** Jira attempts per request (429/5xx) before giving up inline. */
  maxAttempts?: number;
  baseDelayMs?: number;
  /** Time kept free before the deadline to answer (ms). */
  reserveMs?: number;
  /** How long a delivery waits for another one holding the same finding (ms). */
  claimWaitMs?: number;
  activity?: ActivityLog;
  /** Queue delay when Jira gave no Retry-After (s). */
  defaultQueueDelaySeconds?: number;
  /**
   * The invocation's configuration repository, when the caller already has one (the web
   * trigger read the project list to answer "configured?"): its memo saves a KVS read.
   */
  configs?: ConfigRepository;
}

export interface EventProcessor {
  process(events: BacklineEvent[], options: { deadlineAt: number }): Promise<EventResult[]>;
  /** The last 429/5xx Jira answered during `process` (for the consumer's retry delay: src/core/sync/pacing.ts). */
  lastRefusal?(): Refusal | undefined;
}

/** What the queue carries: the event itself (re-validated by the consumer). */
export interface QueuedEvent {
  kind: 'backline-event';
  event: BacklineEvent;
  enqueuedAt: number;
}

type FindingEventT = Extract<BacklineEvent, { type: `finding.${string}` }>;
type RemediationEventT = Extract<BacklineEvent, { type: `remediation.${string}` }>;
type ApplicableEvent = FindingEventT | RemediationEventT;

interface FindingOutcome {
  findingId: string;
  status: ResultStatus;
  reason?: string;
  error?: ResultError;
  issue?: IssueRef;
  link?: Link;
  projectKey?: string;
  rule?: string;
  planned: string[];
  done: string[];
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function isFull(finding: Finding | FindingRef): finding is Finding {
  return typeof finding.title === 'string' && typeof finding.severity === 'string';
}

function errorOf(error: CodedError): ResultError {
  return { code: error.code, message: error.message, retryable: error.retryable };
}

/** Jira errors as the contract's failure codes. */
export function classify(error: unknown): CodedError {
  if (error instanceof JiraError) {
    if (error.retryable) {
      return new CodedError('JIRA_UNAVAILABLE', `Jira is unavailable or rate limited (${error.status}${error.rateLimitReason ? `, ${error.rateLimitReason}` : ''}); the event will be retried`, {
        retryable: true,
        ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
        cause: error,
      });
    }
    return new CodedError('JIRA_REJECTED', error.message, {
      details: Object.entries(error.errors).map(([path, message]) => ({ path, message })),
      cause: error,
    });
  }
  return toCodedError(error);
}

export function createEventProcessor(platform: Platform, options: ProcessorOptions = {}): EventProcessor {
  const mode = options.mode ?? 'inline';
  const sleep = options.sleep ?? realSleep;
  const reserveMs = options.reserveMs ?? 3_000;
  const activity = options.activity ?? entityActivityLog;
  const { store, clock } = platform;
  const idempotency = new Idempotency(store, clock);
  const links = new LinkStore(store);
  const configs = options.configs ?? new ConfigRepository(store, clock);
  const workflows = new WorkflowCache(store, clock);
  let deadlineAt = Number.POSITIVE_INFINITY;
  const refusals = new RefusalRecorder(platform.jira);
  const retrying = new RetryingTransport(refusals, {
    maxAttempts: options.maxAttempts ?? 3,
    baseDelayMs: options.baseDelayMs ?? 2_000,
    sleep,
    clock,
    deadlineAt: () => deadlineAt - reserveMs,
  });
  const counting = new CountingTransport(retrying);
  const client = new JiraClient(counting);
  const metadata = new JiraMetadata(counting, store, clock);
  const users = new UserDirectory(counting, store, clock);
  let siteUrl: string | undefined;
  /** The site URL cache key as read in the first batch of the invocation (see readBeforeClaim). */
  let siteCache: { cached: unknown } | undefined;

  const siteBase = async (): Promise<string> => (siteUrl ??= (await platform.siteUrl(siteCache)).replace(/\/$/, ''));
  const issueRef = async (link: Link): Promise<IssueRef> => {
    const base = await siteBase();
    return { findingId: link.findingId, key: link.issueKey, id: link.issueId, url: `${base}/browse/${link.issueKey}` };
  };

  // -------------------------------------------------------------------------
  // Recovery from Jira: the `backline` property is the second copy of the link.

  function linkFromIssue(issue: IssueSnapshot, now: number): Link | undefined {
    const property = issue.properties[PROPERTY_KEY];
    const findingId = property && typeof property === 'object' && 'findingId' in property ? (property as { findingId?: unknown }).findingId : undefined;
    if (typeof findingId !== 'string' || !issue.projectKey || !issue.issueTypeId) return undefined;
    const base = emptyLink(findingId, issue.projectKey, issue.issueTypeId, now);
    const parsed = linkSchema.safeParse({ ...base, issueId: issue.id, issueKey: issue.key, ...(issue.statusId ? { statusId: issue.statusId } : {}) });
    return parsed.success ? parsed.data : undefined;
  }

  async function findInJira(findingId: string): Promise<Link | undefined> {
    const page = await client.searchJql(`issue.property[${PROPERTY_KEY}].findingId = ${jqlString(findingId)}`, {
      fields: ['project', 'issuetype', 'status'],
      properties: [PROPERTY_KEY],
      maxResults: 1,
    });
    const issue = page.issues[0];
    return issue ? linkFromIssue(issue, clock.now()) : undefined;
  }

  /**
   * A store without the `meta:links` marker may have lost its links: rebuild
   * them once from Jira (one search page per 100 issues; a fresh site costs one
   * request), then mark the store complete. Until that finishes, each create
   * first looks its finding up in Jira.
   */
  let storeComplete: boolean | undefined;
  /** `marked`: the store was complete already; `rebuilt`: links were just recovered from Jira; false: not finished. */
  async function ensureLinksRecovered(): Promise<false | 'marked' | 'rebuilt'> {
    if (storeComplete) return 'marked';
    if (await links.isComplete()) {
      storeComplete = true;
      return 'marked';
    }
    let token: string | undefined;
    for (let page = 0; page < 50; page++) {
      if (clock.now() > deadlineAt - reserveMs) return false;
      const result = await client.searchJql(`issue.property[${PROPERTY_KEY}].findingId IS NOT EMPTY ORDER BY created ASC`, {
        fields: ['project', 'issuetype', 'status'],
        properties: [PROPERTY_KEY],
        maxResults: 100,
        ...(token ? { nextPageToken: token } : {}),
      });
      const ops: TransactionOperation[] = [];
      for (const issue of result.issues) {
        const link = linkFromIssue(issue, clock.now());
        if (link && !(await links.get(link.findingId))) ops.push({ kind: 'set', entity: LINK_ENTITY, key: link.findingId, value: link });
      }
      for (let i = 0; i < ops.length; i += 25) await store.transact(ops.slice(i, i + 25));
      token = result.nextPageToken;
      if (!token) {
        await links.markComplete(clock.now());
        storeComplete = true;
        return 'rebuilt';
      }
    }
    return false;
  }

  // -------------------------------------------------------------------------

  async function projectFor(finding: Finding | FindingRef): Promise<{ config: ProjectConfig; rule?: string } | CodedError> {
    const projects = await configs.listProjects();
    if (projects.length === 0) return new CodedError('NOT_CONFIGURED', 'No Jira project is connected to Backline yet: connect one in the Backline admin page');
    const decision = routeFinding(finding, await configs.getGlobal(), projects);
    if (!decision.ok) return new CodedError('NO_ROUTE', decision.reason);
    const config = projects.find((p) => p.projectKey === decision.projectKey);
    if (!config) return new CodedError('NO_ROUTE', `Project ${decision.projectKey} is not connected`);
    return { config, rule: decision.rule?.name ?? decision.via };
  }

  async function render(config: ProjectConfig, context: Parameters<typeof renderIssueFields>[0]['context'], mode: 'create' | 'update'): Promise<RenderedFields> {
    const meta = await metadata.getCreateMeta(config.projectKey, config.issueTypeId);
    // User fields mapped from an email need an accountId; the directory answers from
    // its cache and searches Jira only for an address it has never seen.
    return renderIssueFields({ config, meta, context, mode, users: await users.resolveFor(config, meta, context) });
  }

  /**
   * Removes from `writes` a comment whose text is already on the issue, posted since
   * the link was last synced. One Jira read, and only on the recovery path.
   */
  async function dropCommentsAlreadyPosted(writes: JiraWrite[], link: Link): Promise<void> {
    const planned = writes.flatMap((write) => (write.kind === 'comment' ? [write.body] : write.kind === 'transition' && write.comment ? [write.comment] : []));
    if (planned.length === 0 || !link.issueId) return;
    // A minute of slack for the difference between Jira's clock and ours.
    const since = link.lastSyncAt - 60_000;
    const posted = new Set((await client.recentComments(link.issueId)).filter((c) => c.created >= since).map((c) => c.text));
    for (let index = writes.length - 1; index >= 0; index--) {
      const write = writes[index]!;
      if (write.kind === 'comment' && posted.has(adfPlainText(write.body))) writes.splice(index, 1);
      if (write.kind === 'transition' && write.comment && posted.has(adfPlainText(write.comment))) delete write.comment;
    }
  }

  function blockingProblems(rendered: RenderedFields, creating: boolean): CodedError | undefined {
    if (!creating || rendered.problems.length === 0) return undefined;
    return new CodedError('MAPPING_INVALID', rendered.problems.map((p) => `${p.fieldName}: ${p.message}`).join('; '), {
      details: rendered.problems.map((p) => ({ path: p.fieldId, message: p.message })),
    });
  }

  /** Applies one event to one finding (the caller holds the finding's claim). */
  async function applyToFinding(event: ApplicableEvent, finding: Finding | FindingRef, claim: Claim, attempt = 0, prefetched?: { link: unknown }): Promise<FindingOutcome> {
    const now = clock.now();
    const outcome: FindingOutcome = { findingId: finding.id, status: 'unchanged', planned: [], done: [] };
    inFlight = outcome;
    // Read with the post-claim record check when possible (readAfterClaim), never before the claim.
    let link = prefetched ? parseLink(prefetched.link) : await links.get(finding.id);
    if (!link) {
      // After a crash (taken-over claim) the issue may exist without a link; a store without its
      // marker may have lost links: recover from Jira before creating anything.
      if (claim.recovered) link = await findInJira(finding.id);
      else if (!storeComplete) {
        const recovered = await ensureLinksRecovered();
        link = recovered === 'rebuilt' ? await links.get(finding.id) : recovered === 'marked' ? undefined : await findInJira(finding.id);
      }
    }

    let config: ProjectConfig | undefined;
    let creating = false;
    if (link) {
      config = await configs.getProject(link.projectKey);
      if (!config) return { ...outcome, status: 'skipped', reason: `project ${link.projectKey} is no longer connected`, link };
      outcome.projectKey = link.projectKey;
    } else {
      const createsIssue = event.type === 'finding.created' || event.type === 'finding.updated' || event.type === 'finding.reopened' || event.type.startsWith('remediation.');
      if (!createsIssue) return { ...outcome, status: 'skipped', reason: 'the finding has no Jira issue' };
      if (!isFull(finding)) return { ...outcome, status: 'skipped', reason: 'the finding has no Jira issue and the event does not carry its title and severity' };
      const route = await projectFor(finding);
      if (route instanceof CodedError) return { ...outcome, status: 'failed', error: errorOf(route), reason: route.message };
      config = route.config;
      outcome.projectKey = config.projectKey;
      if (route.rule) outcome.rule = route.rule;
      if (SEVERITY_RANK[finding.severity] < SEVERITY_RANK[config.minimumSeverity]) {
        return { ...outcome, status: 'skipped', reason: `severity ${finding.severity} is below the minimum ${config.minimumSeverity} of ${config.projectKey}` };
      }
      creating = true;
      link = emptyLink(finding.id, config.projectKey, config.issueTypeId, now);
    }

    const context = {
      finding,
      ...('remediation' in event.data ? { remediation: event.data.remediation } : {}),
      ...('pullRequest' in event.data ? { pullRequest: event.data.pullRequest } : {}),
    };
    const rendersFields = creating || (isFull(finding) && event.type.startsWith('finding.'));
    let rendered: RenderedFields | undefined;
    if (rendersFields) {
      rendered = await render(config, context, creating ? 'create' : 'update');
      const problem = blockingProblems(rendered, creating);
      if (problem) return { ...outcome, status: 'failed', error: errorOf(problem), reason: problem.message };
    }
    // fill-if-empty: a value the app never wrote goes in only where Jira's field is empty. One read of
    // just those fields, only when such a value is new (never in the steady state).
    let jiraEmpty: Record<string, boolean> | undefined;
    const toCheck = rendered && !creating ? fillIfEmptyToCheck(rendered, link, Date.parse(event.occurredAt) < link.lastEventAt) : [];
    if (toCheck.length > 0) {
      // A deleted issue answers undefined: the write that follows meets the 404 and re-creates it.
      const current = await client.getIssue(link.issueId, { fields: toCheck });
      jiraEmpty = Object.fromEntries(toCheck.map((fieldId) => [fieldId, isEmptyJiraValue(current?.fields[fieldId])]));
    }
    const plan = planEvent({ event, finding, link, creating, config, ...(rendered ? { rendered } : {}), ...(jiraEmpty ? { jiraEmpty } : {}), now });
    // Taken over after a failure: a comment may already be on the issue without the link
    // knowing (the write went through, recording it did not). Look before posting again.
    if (claim.recovered && !creating) await dropCommentsAlreadyPosted(plan.writes, link);
    outcome.planned = plan.writes.map(describeWrite);
    // The site URL (a Jira read that can fail) is needed for the result: read it before writing, so a
    // failure cannot fall between a create and the link that records it (that orphan got a second issue).
    await siteBase();
    // Creates and comments are the writes Jira would repeat: until a link records them, a
    // failure hands the claim over for recovery instead of releasing it.
    if (plan.writes.some((write) => write.kind === 'create' || write.kind === 'comment' || (write.kind === 'transition' && write.comment))) unrecordedWrites.add(finding.id);
    try {
      const applied = await applyPlan(
        { client, workflows, ...(config.resolutions.fixed ? { fallbackResolutionName: config.resolutions.fixed } : {}) },
        plan,
      );
      outcome.done = applied.done;
      outcome.link = applied.link;
      delete applied.link.lastError;
      outcome.issue = await issueRef(applied.link);
      outcome.status = applied.created ? 'created' : plan.stale ? 'stale' : plan.writes.length > 0 ? 'updated' : 'unchanged';
      if (plan.stale) outcome.reason = `older than the newest event applied to ${finding.id}${plan.writes.length > 0 ? '; missing PR comment/link added' : ''}`;
      if (applied.blocked) {
        outcome.error = errorOf(applied.blocked);
        outcome.reason = applied.blocked.message;
        applied.link.lastError = { code: applied.blocked.code, message: applied.blocked.message, at: now };
      }
      return outcome;
    } catch (error) {
      if (error instanceof IssueDeletedError && attempt === 0) {
        if (config.recreateDeletedIssues === false) return { ...outcome, status: 'failed', error: errorOf(error), reason: error.message };
        // Re-create: forget the dead issue but keep nothing that described it (comments/links go on the new one).
        const severity = severitySchema.safeParse(link.severity);
        const full: FindingRef = isFull(finding) ? finding : { ...finding, ...(link.title ? { title: link.title } : {}), ...(severity.success ? { severity: severity.data } : {}) };
        await store.entityDelete(LINK_ENTITY, finding.id);
        const again = await applyToFinding(event, full, claim, attempt + 1);
        if (again.status === 'created') again.reason = `the linked issue ${link.issueKey} was deleted in Jira; re-created as ${again.issue?.key ?? 'a new issue'}`;
        return again;
      }
      if (error instanceof JiraError && error.status === 400 && attempt === 0 && Object.values(error.errors).some((m) => /cannot be set|unknown/i.test(m))) {
        // The cached create metadata may be stale (field removed from the screen): refresh once and retry.
        await metadata.invalidate(config.projectKey, config.issueTypeId);
        return applyToFinding(event, finding, claim, attempt + 1);
      }
      throw error;
    }
  }

  // -------------------------------------------------------------------------

  async function finish(event: ApplicableEvent, claims: Claim[], outcomes: FindingOutcome[], extra: TransactionOperation[] = []): Promise<EventResult> {
    const result = summarise(event, outcomes);
    const ops: TransactionOperation[] = [...extra];
    const final = result.status !== 'failed' || !result.error?.retryable;
    if (final && result.status !== 'failed') ops.push(idempotency.recordOperation(event.id, { status: result.status, issues: result.issues ?? [], at: clock.now() }));
    for (const outcome of outcomes) {
      if (outcome.link?.issueId) ops.push({ kind: 'set', entity: LINK_ENTITY, key: outcome.link.findingId, value: outcome.link });
    }
    const first = outcomes[0];
    ops.push(
      activity.operation({
        at: clock.now(),
        projectKey: first?.projectKey ?? '',
        status: result.status,
        findingId: outcomes.length === 1 ? (first?.findingId ?? '') : `${outcomes.length} findings`,
        details: {
          type: event.type,
          eventId: event.id,
          jiraRequests: counting.count - startCount,
          ...(first?.issue ? { issueKey: first.issue.key } : {}),
          ...(first?.rule ? { rule: first.rule } : {}),
          ...(result.reason ? { reason: result.reason } : {}),
          ...(result.error ? { error: result.error } : {}),
          planned: outcomes.flatMap((o) => o.planned),
          done: outcomes.flatMap((o) => o.done),
        },
      }),
    );
    const linked = new Set(outcomes.filter((o) => o.link?.issueId).map((o) => o.findingId));
    for (const claim of claims) ops.push(claimExitOperation(claim, linked));
    for (let i = 0; i < ops.length; i += 25) await store.transact(ops.slice(i, i + 25));
    for (const findingId of linked) unrecordedWrites.delete(findingId);
    // Dead letter for a final inline failure, Slack start/recovery (src/core/failures); never throws.
    await recordEventOutcome(platform, { event, result, projectKey: first?.projectKey ?? '', mode });
    return result;
  }

  /**
   * Findings for which a create or a comment went to Jira in this invocation while no
   * link records it yet. Their claims are handed over for recovery instead of released
   * on any failure path (see Idempotency.recoverOperation): the next holder looks the
   * issue up in Jira (and its recent comments) before creating or commenting again.
   */
  const unrecordedWrites = new Set<string>();
  const findingOfClaim = (claim: Claim): string | undefined =>
    claim.key.startsWith(findingClaimKey('')) ? claim.key.slice(findingClaimKey('').length) : undefined;
  function claimExitOperation(claim: Claim, linked: ReadonlySet<string> = new Set()): TransactionOperation {
    const findingId = findingOfClaim(claim);
    return findingId && unrecordedWrites.has(findingId) && !linked.has(findingId) ? idempotency.recoverOperation(claim) : idempotency.releaseOperation(claim);
  }
  async function leaveClaim(claim: Claim): Promise<void> {
    const findingId = findingOfClaim(claim);
    if (findingId && unrecordedWrites.has(findingId)) await idempotency.handOver(claim);
    else await idempotency.release(claim);
  }

  let startCount = 0;
  /** The outcome being built by applyToFinding, so a thrown failure still reports its project and plan. */
  let inFlight: FindingOutcome | undefined;

  function summarise(event: ApplicableEvent, outcomes: FindingOutcome[]): EventResult {
    const issues = outcomes.flatMap((o) => (o.issue ? [o.issue] : []));
    const base: EventResult = { eventId: event.id, type: event.type, status: 'unchanged', ...(issues.length > 0 ? { issues } : {}) };
    const statuses = outcomes.map((o) => o.status);
    const failed = outcomes.filter((o) => o.status === 'failed');
    if (failed.length > 0 && failed.length === outcomes.length) base.status = 'failed';
    else if (failed.some((o) => o.error?.retryable)) base.status = 'failed';
    else if (statuses.includes('created')) base.status = 'created';
    else if (statuses.includes('updated')) base.status = 'updated';
    else if (statuses.includes('stale')) base.status = 'stale';
    else if (statuses.every((s) => s === 'skipped')) base.status = 'skipped';
    else base.status = 'unchanged';
    const firstError = failed[0]?.error ?? outcomes.find((o) => o.error)?.error;
    if (firstError) base.error = firstError;
    const reasons = outcomes.filter((o) => o.reason).map((o) => (outcomes.length > 1 ? `${o.findingId}: ${o.reason}` : o.reason ?? ''));
    if (reasons.length > 0) base.reason = reasons.join('; ');
    if (event.type.startsWith('remediation.')) {
      base.findings = outcomes.map((o) => ({ findingId: o.findingId, status: o.status, ...(o.reason ? { reason: o.reason } : {}), ...(o.error ? { error: o.error } : {}) }));
    }
    return base;
  }

  const claimWait = () => ({ maxWaitMs: Math.max(0, Math.min(options.claimWaitMs ?? 5_000, deadlineAt - reserveMs - clock.now())), sleep });

  /**
   * KVS reads, batched (Forge meters 4,000 reads a minute per installation). Before the claim:
   * the event's record, with what the invocation will need and has not read yet: the finding's
   * link (only to know its project early; it is read again under the claim), the global
   * settings, the link store marker and the site URL. One storage call.
   */
  async function readBeforeClaim(event: ApplicableEvent, findings: Array<Finding | FindingRef>): Promise<{ recorded: EventRecordT | undefined; guess?: Link }> {
    const single = findings.length === 1 ? findings[0] : undefined;
    const wantGlobal = configs.needsGlobal();
    const wantMarker = !storeComplete;
    const wantSite = siteUrl === undefined && siteCache === undefined;
    const refs: StoreKeyRef[] = [
      ...(single ? [linkRef(single.id)] : []),
      ...(wantGlobal ? [{ key: GLOBAL_SETTINGS_KEY }] : []),
      ...(wantMarker ? [LINKS_META_REF] : []),
      ...(wantSite ? [{ key: SITE_URL_CACHE_KEY }] : []),
    ];
    const { record, also } = await idempotency.lookupWith(event.id, refs);
    let index = 0;
    const guess = single ? parseLink(also[index++]) : undefined;
    if (wantGlobal) configs.primeGlobal(also[index++]);
    if (wantMarker && linksMetaComplete(also[index++])) storeComplete = true;
    if (wantSite) siteCache = { cached: also[index++] };
    return { recorded: record, ...(guess ? { guess } : {}) };
  }

  /**
   * After the claim, with the record check: the link (now stable: we hold the finding), and the
   * cached create metadata and workflow graph of the project it belongs to (from the link read
   * before the claim, or from routing a new finding) when this invocation has not read them yet.
   */
  type AfterClaimRef = StoreKeyRef & { prime?: (raw: unknown) => void };
  async function readAfterClaim(event: ApplicableEvent, finding: Finding | FindingRef, guess: Link | undefined): Promise<AfterClaimRef[]> {
    const refs: AfterClaimRef[] = [linkRef(finding.id)];
    let target: { projectKey: string; issueTypeId: string; metaIssueTypeId: string; renders: boolean } | undefined;
    // Only an optimisation: a configuration problem is reported where the event uses it.
    try {
      if (guess) {
        const config = (await configs.listProjects()).find((p) => p.projectKey === guess.projectKey);
        if (config) target = { projectKey: guess.projectKey, issueTypeId: guess.issueTypeId, metaIssueTypeId: config.issueTypeId, renders: isFull(finding) && event.type.startsWith('finding.') };
      } else if (isFull(finding)) {
        const route = await projectFor(finding);
        if (!(route instanceof CodedError)) target = { projectKey: route.config.projectKey, issueTypeId: route.config.issueTypeId, metaIssueTypeId: route.config.issueTypeId, renders: true };
      }
    } catch {
      return refs;
    }
    if (target) {
      const { projectKey, issueTypeId, metaIssueTypeId } = target;
      if (target.renders && metadata.needsCreateMeta(projectKey, metaIssueTypeId)) {
        refs.push({ key: createMetaCacheKey(projectKey, metaIssueTypeId), prime: (raw) => metadata.primeCreateMeta(projectKey, metaIssueTypeId, raw) });
      }
      if (event.type !== 'finding.updated' && workflows.needs(projectKey, issueTypeId)) {
        refs.push({ key: workflowCacheKey(projectKey, issueTypeId), prime: (raw) => workflows.prime(projectKey, issueTypeId, raw) });
      }
    }
    return refs;
  }

  /** Hands what readAfterClaim asked for to its owners; answers the raw link. */
  function useAfterClaim(refs: AfterClaimRef[], values: unknown[]): { link: unknown } {
    refs.forEach((ref, index) => ref.prime?.(values[index]));
    return { link: values[0] };
  }

  async function applyEvent(event: ApplicableEvent): Promise<EventResult> {
    startCount = counting.count;
    const findings: Array<Finding | FindingRef> = 'finding' in event.data ? [event.data.finding] : event.data.findings;
    const { recorded, guess } = await readBeforeClaim(event, findings);
    if (recorded) return { eventId: event.id, type: event.type, status: 'duplicate', ...(recorded.issues.length > 0 ? { issues: recorded.issues } : {}) };
    const claims: Claim[] = [];
    const outcomes: FindingOutcome[] = [];
    const multi = findings.length > 1;
    try {
      if (multi) {
        const claimed = await idempotency.claim(eventClaimKey(event.id), event.id, claimWait());
        if (claimed.kind === 'duplicate') return { eventId: event.id, type: event.type, status: 'duplicate', ...(claimed.record.issues.length > 0 ? { issues: claimed.record.issues } : {}) };
        if (claimed.kind === 'busy') throw inProgressError(`Event ${event.id}`);
        claims.push(claimed.claim);
      }
      const extra: TransactionOperation[] = [];
      for (const finding of findings) {
        const alsoRead = await readAfterClaim(event, finding, multi ? undefined : guess);
        const claimed = await idempotency.claim(findingClaimKey(finding.id), event.id, { ...claimWait(), alsoRead: alsoRead.map(({ key, entity }) => (entity ? { key, entity } : { key })) });
        if (claimed.kind === 'duplicate') return { eventId: event.id, type: event.type, status: 'duplicate', ...(claimed.record.issues.length > 0 ? { issues: claimed.record.issues } : {}) };
        if (claimed.kind === 'busy') throw inProgressError(`An event about finding ${finding.id}`);
        try {
          const prefetched = claimed.also ? useAfterClaim(alsoRead, claimed.also) : undefined;
          const outcome = await applyToFinding(event, finding, claimed.claim, 0, prefetched);
          outcomes.push(outcome);
          if (multi) {
            // Each finding's link is saved (and its claim released) as soon as it is done.
            const linked = new Set(outcome.link?.issueId ? [finding.id] : []);
            const ops: TransactionOperation[] = [claimExitOperation(claimed.claim, linked)];
            if (outcome.link?.issueId) ops.push({ kind: 'set', entity: LINK_ENTITY, key: outcome.link.findingId, value: outcome.link });
            await store.transact(ops);
            if (linked.size > 0) unrecordedWrites.delete(finding.id);
            delete outcome.link;
          } else claims.push(claimed.claim);
        } catch (error) {
          const coded = classify(error);
          // Keep what was known before the throw (project, rule, planned writes) for the activity log.
          const known = inFlight?.findingId === finding.id ? inFlight : undefined;
          outcomes.push({
            findingId: finding.id, status: 'failed', error: errorOf(coded), reason: coded.message, planned: known?.planned ?? [], done: known?.done ?? [],
            ...(known?.projectKey ? { projectKey: known.projectKey } : {}), ...(known?.rule ? { rule: known.rule } : {}),
          });
          if (multi) await leaveClaim(claimed.claim);
          else claims.push(claimed.claim);
          if (coded.retryable) throw Object.assign(coded, { outcomes });
        }
      }
      return await finish(event, claims, outcomes, extra);
    } catch (error) {
      // Nothing recorded: a later delivery applies the event (links remember what was already done).
      const coded = classify(error);
      const partial = (error as { outcomes?: FindingOutcome[] }).outcomes ?? outcomes;
      try {
        await finish(event, claims, partial.length > 0 ? partial : [{ findingId: findings[0]?.id ?? '', status: 'failed', error: errorOf(coded), planned: [], done: [] }]);
      } catch (storeError) {
        platform.logger.error('could not record a failed event', { eventId: event.id, error: toCodedError(storeError).message });
        for (const claim of claims) await leaveClaim(claim).catch(() => undefined);
      }
      throw coded;
    }
  }

  /**
   * Bulk create (FORGE-FACTS.md: `POST /issue/bulk`, ≤ 50 issues a request):
   * a run of `finding.created` events about distinct new findings costs one
   * Jira request per 50 issues instead of one per issue (a 1,000-finding
   * backfill: 20 requests). Only the plain case goes in bulk: a new finding,
   * routed, rendered without problems, whose plan is exactly one create.
   * Anything else (already linked, busy, recovered claim, an element Jira
   * refuses, a whole request that fails) is left to the one-event path, which
   * owns every error rule; so bulk changes the cost, never the outcome.
   */
  async function applyCreatesInBulk(run: Array<Extract<BacklineEvent, { type: 'finding.created' }>>): Promise<Map<string, EventResult>> {
    const done = new Map<string, EventResult>();
    if (!storeComplete && !(await ensureLinksRecovered())) return done;
    interface Ready {
      event: (typeof run)[number];
      claim: Claim;
      outcome: FindingOutcome;
      plan: ReturnType<typeof planEvent>;
      create: { fields: Record<string, unknown>; property: Record<string, unknown> };
    }
    const ready: Ready[] = [];
    const releaseAll = async (items: Ready[]) => {
      for (const item of items) await idempotency.release(item.claim).catch(() => undefined);
    };
    try {
      for (const event of run) {
        if (clock.now() > deadlineAt - reserveMs) break;
        const finding = event.data.finding;
        if (await idempotency.lookup(event.id)) continue; // the one-event path answers duplicate
        if (await links.get(finding.id)) continue;
        const claimed = await idempotency.claim(findingClaimKey(finding.id), event.id, { maxWaitMs: 0, sleep });
        if (claimed.kind !== 'claimed') continue;
        const release = () => idempotency.release(claimed.claim);
        if (claimed.claim.recovered) {
          // Taken over from a failed or crashed holder: keep it marked for recovery, so the
          // one-event path looks the finding up in Jira (releasing it here lost that, and
          // the next claimer created a second issue).
          await idempotency.handOver(claimed.claim);
          continue;
        }
        if (await links.get(finding.id)) {
          await release();
          continue;
        }
        const route = await projectFor(finding);
        if (route instanceof CodedError || SEVERITY_RANK[finding.severity] < SEVERITY_RANK[route.config.minimumSeverity]) {
          await release();
          continue;
        }
        const config = route.config;
        const rendered = await render(config, { finding }, 'create');
        const now = clock.now();
        const plan = planEvent({ event, finding, link: emptyLink(finding.id, config.projectKey, config.issueTypeId, now), creating: true, config, rendered, now });
        const [write] = plan.writes;
        if (blockingProblems(rendered, true) || plan.writes.length !== 1 || write?.kind !== 'create') {
          await release();
          continue;
        }
        const outcome: FindingOutcome = { findingId: finding.id, status: 'created', projectKey: config.projectKey, planned: plan.writes.map(describeWrite), done: [] };
        if (route.rule) outcome.rule = route.rule;
        ready.push({ event, claim: claimed.claim, outcome, plan, create: write });
      }
      if (ready.length > 0) await siteBase();
    } catch (error) {
      await releaseAll(ready);
      platform.logger.warn('bulk create skipped', { error: toCodedError(error).message });
      return done;
    }

    for (let start = 0; start < ready.length; start += 50) {
      const chunk = ready.slice(start, start + 50);
      // Out of time, or Jira says the hour's points are nearly spent: the rest is deferred by the main loop.
      if (clock.now() > deadlineAt - reserveMs || paceDelaySeconds(counting.lastRateLimit, ready.length - start, clock.now()) > 0) {
        await releaseAll(ready.slice(start));
        break;
      }
      const before = counting.count;
      let answer: Awaited<ReturnType<JiraClient['bulkCreate']>>;
      for (const item of chunk) unrecordedWrites.add(item.event.data.finding.id);
      try {
        answer = await client.bulkCreate(chunk.map((item) => ({ fields: item.create.fields, properties: [{ key: PROPERTY_KEY, value: { ...item.create.property } }] })));
      } catch (error) {
        // Refused as a whole (rate limit, outage, …): the one-event path retries or queues each event.
        // This chunk's issues may exist all the same (an answer lost on the way back): its
        // claims are handed over, so the retry looks each finding up in Jira first.
        for (const item of chunk) await leaveClaim(item.claim).catch(() => undefined);
        await releaseAll(ready.slice(start + chunk.length));
        platform.logger.warn('bulk create refused; falling back to single creates', { error: classify(error).message });
        break;
      }
      for (const [index, item] of chunk.entries()) {
        const created = answer.results[index];
        if (!created?.ok) {
          // Jira refused this element: no issue exists, the one-event path may create it.
          unrecordedWrites.delete(item.event.data.finding.id);
          await idempotency.release(item.claim).catch(() => undefined);
          continue;
        }
        const link = item.plan.next;
        link.issueId = created.issue.id;
        link.issueKey = created.issue.key;
        const graph = await workflows.get(link.projectKey, link.issueTypeId);
        if (graph.initialStatusId) link.statusId = graph.initialStatusId;
        item.outcome.link = link;
        item.outcome.issue = await issueRef(link);
        item.outcome.done = [`create(bulk of ${chunk.length})`];
        // The bulk request is counted on the first event of its chunk.
        startCount = index === 0 ? before : counting.count;
        try {
          done.set(item.event.id, await finish(item.event, [item.claim], [item.outcome]));
        } catch (error) {
          // The issue exists but its link could not be stored: hand the claim over, so the
          // one-event path finds the issue in Jira instead of creating a second one.
          platform.logger.warn('could not record a bulk-created issue', { eventId: item.event.id, error: toCodedError(error).message });
          await leaveClaim(item.claim).catch(() => undefined);
        }
      }
    }
    return done;
  }

  /** The run of `finding.created` events about distinct findings starting at `index` (bulk candidates). */
  function createRun(events: BacklineEvent[], index: number): Array<Extract<BacklineEvent, { type: 'finding.created' }>> {
    const run: Array<Extract<BacklineEvent, { type: 'finding.created' }>> = [];
    const findings = new Set<string>();
    const ids = new Set<string>();
    for (let i = index; i < events.length; i++) {
      const event = events[i] as BacklineEvent;
      if (event.type !== 'finding.created' || findings.has(event.data.finding.id) || ids.has(event.id)) break;
      findings.add(event.data.finding.id);
      ids.add(event.id);
      run.push(event);
    }
    return run;
  }

  async function lookup(event: Extract<BacklineEvent, { type: 'issue.lookup' }>): Promise<EventResult> {
    const issues: IssueRef[] = [];
    for (const findingId of event.data.findingIds) {
      const link = (await links.get(findingId)) ?? (storeComplete || (await links.isComplete()) ? undefined : await findInJira(findingId));
      if (link?.issueId) issues.push(await issueRef(link));
    }
    return { eventId: event.id, type: event.type, status: 'ok', issues };
  }

  async function enqueue(events: BacklineEvent[], delaySeconds: number): Promise<void> {
    for (let i = 0; i < events.length; i += 50) {
      await platform.queue.push(
        events.slice(i, i + 50).map((event) => ({
          body: { kind: 'backline-event', event, enqueuedAt: clock.now() } satisfies QueuedEvent,
          ...(delaySeconds > 0 ? { delayInSeconds: Math.min(900, Math.ceil(delaySeconds)) } : {}),
        })),
      );
    }
  }

  return {
    async process(events, processOptions) {
      deadlineAt = processOptions.deadlineAt;
      const results: EventResult[] = [];
      // Results of events already applied by a bulk create (see applyCreatesInBulk).
      const preApplied = new Map<string, EventResult>();
      const resultOrQueued = (e: BacklineEvent, queued: EventResult): EventResult => preApplied.get(e.id) ?? queued;
      for (let index = 0; index < events.length; index++) {
        const event = events[index] as BacklineEvent;
        const pre = preApplied.get(event.id);
        if (pre) {
          results.push(pre);
          continue;
        }
        if (event.type === 'finding.created' && clock.now() <= deadlineAt - reserveMs) {
          const run = createRun(events, index);
          if (run.length >= 2) for (const [id, result] of await applyCreatesInBulk(run)) preApplied.set(id, result);
          const bulk = preApplied.get(event.id);
          if (bulk) {
            results.push(bulk);
            continue;
          }
        }
        if (event.type === 'ping') {
          results.push({ eventId: event.id, type: event.type, status: 'ok' });
          continue;
        }
        if (event.type === 'issue.lookup') {
          results.push(await lookup(event));
          continue;
        }
        // Jira marks the last 20 % of the hour's points (X-RateLimit-NearLimit): slow down before it refuses.
        const pace = mode === 'inline' ? paceDelaySeconds(counting.lastRateLimit, events.length - index, clock.now()) : 0;
        if (mode === 'inline' && (clock.now() > deadlineAt - reserveMs || pace > 0)) {
          // Out of time, or pacing: the rest goes to the queue, in order.
          const rest = events.slice(index).filter((e) => e.type !== 'ping' && e.type !== 'issue.lookup' && !preApplied.has(e.id));
          const why = pace > 0 ? { reason: `Jira's hourly rate limit is nearly used up: applied in ${pace} s` } : {};
          try {
            await enqueue(rest, pace);
            for (const e of events.slice(index)) results.push(resultOrQueued(e, { eventId: e.id, type: e.type, status: e.type === 'ping' || e.type === 'issue.lookup' ? 'ok' : 'queued', ...(e.type === 'ping' || e.type === 'issue.lookup' ? {} : why) }));
          } catch {
            const error = new CodedError('JIRA_UNAVAILABLE', 'Could not apply or queue the event in time; retry', { retryable: true });
            for (const e of events.slice(index)) results.push(resultOrQueued(e, { eventId: e.id, type: e.type, status: 'failed', error: errorOf(error) }));
          }
          break;
        }
        try {
          results.push(await applyEvent(event));
        } catch (error) {
          const coded = classify(error);
          if (mode === 'consumer' || !coded.retryable) {
            results.push({ eventId: event.id, type: event.type, status: 'failed', error: errorOf(coded) });
            continue;
          }
          // Jira slow or rate limited: hand this event and everything after it to the queue.
          // What Jira asked for (Retry-After; the hourly quota: until its reset), else Atlassian's backoff.
          const refusal = refusals.lastRefusal;
          const delay = refusal ? retryDelaySeconds(refusal, 0, clock.now()) : (coded.retryAfterSeconds ?? retrying.lastRetryAfterSeconds ?? options.defaultQueueDelaySeconds ?? 30);
          const rest = events.slice(index).filter((e) => e.type !== 'ping' && e.type !== 'issue.lookup' && !preApplied.has(e.id));
          try {
            await enqueue(rest, coded.code === 'IN_PROGRESS' ? 2 : delay);
            for (const e of events.slice(index)) {
              results.push(e.type === 'ping' || e.type === 'issue.lookup' ? await this.process([e], processOptions).then((r) => r[0] as EventResult) : resultOrQueued(e, { eventId: e.id, type: e.type, status: 'queued', reason: coded.message }));
            }
          } catch {
            results.push({ eventId: event.id, type: event.type, status: 'failed', error: errorOf(coded) });
            for (const e of events.slice(index + 1)) results.push(resultOrQueued(e, { eventId: e.id, type: e.type, status: 'failed', error: errorOf(coded) }));
          }
          break;
        }
      }
      return results;
    },
    lastRefusal: () => refusals.lastRefusal,
  };
}
