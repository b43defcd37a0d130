/**
 * One invocation of the sync engine (a web trigger call, a queue delivery, an
 * admin's retry): the services every step shares, built once on one counted and
 * retrying Jira transport, and the state that lives exactly as long as the
 * invocation (its deadline, the link store's completeness, the site URL, the
 * writes Jira may have that no link records yet, the request count at the start
 * of the current event). The engine's modules take it as their first argument.
 */
import type { Prefetch } from '../prefetch';
import { ConfigRepository } from '../config/repository';
import type { ProjectConfig } from '../config/model';
import { CodedError } from '../errors';
import type { BacklineEvent, Finding, FindingRef } from '../events/schema';
import { JiraClient } from '../jira/client';
import { CountingTransport } from '../jira/http';
import { JiraMetadata } from '../jira/metadata';
import { WorkflowCache } from '../jira/workflow';
import { renderIssueFields } from '../mapping/render';
import type { RenderedFields } from '../mapping/types';
import { UserDirectory } from '../mapping/users';
import { TRANSACTION_LIMIT, type Clock, type KeyValueStore, type Logger, type Platform, type Queue, type TransactionOperation } from '../ports';
import type { IssueRef } from '../results';
import { routeFinding } from '../routing';
import { entityActivityLog, type ActivityLog } from './activity';
import { ClaimHints } from './claim-hints';
import { Idempotency, findingClaimKey, type Claim, type EagerClaim, type EventRecord } from './idempotency';
import { LinkStore, linkSetOperation, type Link } from './links';
import type { OutcomeHook, RecordHook, SyncMode } from './outcome';
import { RetryingTransport } from './retry';

/** What an event's first storage read told: its record (a redelivery), and its finding's link as it was then. */
export interface FirstRead {
  recorded: EventRecord | undefined;
  guess?: Link;
  /** The link as stored (`guess` is it parsed): its version decides the claim (idempotency.ts `claimFinding`). */
  rawLink?: unknown;
  /** The finding's claim, tried in the same round trip at the version the warm instance remembered (claim-hints.ts). */
  eager?: EagerClaim;
}

export interface ProcessorOptions {
  mode?: SyncMode;
  sleep?: (ms: number) => Promise<void>;
  /** Jira attempts per request (429/5xx) before giving up inline. */
  maxAttempts?: number;
  /** Time kept free before the deadline to answer (ms). */
  reserveMs?: number;
  /** How long a delivery waits for another one holding the same finding (ms). */
  claimWaitMs?: number;
  activity?: ActivityLog;
  /**
   * The invocation's configuration repository, when the caller already has one (the web
   * trigger read the project list to answer "configured?"): its memo saves a KVS read.
   */
  configs?: ConfigRepository;
  /** Told what each applied or failed event did (src/core/engine.ts wires the app's hooks). */
  onOutcome?: OutcomeHook;
  /** Adds what a feature stores about an event to the event's transaction (outcome.ts `RecordHook`). */
  beforeRecord?: RecordHook;
  /** Keys other parts of the invocation want read in the engine's first batch (src/core/prefetch.ts). */
  prefetch?: Prefetch;
  /** What the warm function instance remembers between invocations (claim-hints.ts); else this invocation's own. */
  hints?: ClaimHints;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class Invocation {
  readonly mode: SyncMode;
  readonly store: KeyValueStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly queue: Queue;
  readonly sleep: (ms: number) => Promise<void>;
  readonly activity: ActivityLog;
  readonly idempotency: Idempotency;
  readonly links: LinkStore;
  readonly configs: ConfigRepository;
  readonly workflows: WorkflowCache;
  /** Every Jira request of the invocation goes through it: counted, with the last rate-limit headers. */
  readonly counting: CountingTransport;
  readonly client: JiraClient;
  readonly metadata: JiraMetadata;
  readonly users: UserDirectory;
  readonly onOutcome: OutcomeHook | undefined;
  readonly beforeRecord: RecordHook | undefined;
  readonly prefetch: Prefetch | undefined;
  readonly hints: ClaimHints;

  deadlineAt = Number.POSITIVE_INFINITY;
  /** True once the link store is known complete (its `meta:links` marker read, or rebuilt from Jira). */
  storeComplete = false;
  /** The site URL cache key as read in the first batch of the invocation (see apply-event.ts readBeforeClaim). */
  siteCache: { cached: unknown } | undefined;
  /** Request count when the current event started (for "Jira calls used" in the activity log). */
  requestStart = 0;
  /**
   * The first event's reads before its claim, started early (`EventProcessor.prepare`) so they
   * share a storage round trip with the web trigger's "is any project connected?" query.
   */
  prepared: { event: BacklineEvent; read: Promise<FirstRead> } | undefined;

  /** The prepared first read when it was for `event` (used once). */
  takePrepared(event: BacklineEvent): Promise<FirstRead> | undefined {
    const prepared = this.prepared;
    if (prepared?.event !== event) return undefined;
    this.prepared = undefined;
    return prepared.read;
  }
  /**
   * Findings for which a create or a comment went to Jira in this invocation while no
   * link records it yet. Their claims are handed over for recovery instead of released
   * on any failure path (see Idempotency.recoverOperation): the next holder looks the
   * issue up in Jira (and its recent comments) before creating or commenting again.
   */
  readonly unrecordedWrites = new UnrecordedWrites();
  /** By event id: the delivered events folded into it (coalesce.ts), recorded with its result (record.ts). */
  carried: ReadonlyMap<string, readonly BacklineEvent[]> = new Map();
  /** How often the (queued) event already waited for its finding's issue (wait-for-issue.ts). */
  waitedForIssue = 0;

  private readonly reserveMs: number;
  private readonly claimWaitMs: number;
  private siteUrl: string | undefined;

  constructor(
    private readonly platform: Platform,
    options: ProcessorOptions = {},
  ) {
    this.mode = options.mode ?? 'inline';
    this.store = platform.store;
    this.clock = platform.clock;
    this.logger = platform.logger;
    this.queue = platform.queue;
    this.sleep = options.sleep ?? realSleep;
    this.reserveMs = options.reserveMs ?? 3_000;
    this.claimWaitMs = options.claimWaitMs ?? 5_000;
    this.activity = options.activity ?? entityActivityLog;
    this.idempotency = new Idempotency(this.store, this.clock);
    this.links = new LinkStore(this.store);
    this.configs = options.configs ?? new ConfigRepository(this.store, this.clock);
    this.workflows = new WorkflowCache(this.store, this.clock);
    const retrying = new RetryingTransport(platform.jira, {
      maxAttempts: options.maxAttempts ?? 3,
      sleep: this.sleep,
      clock: this.clock,
      deadlineAt: () => this.deadlineAt - this.reserveMs,
    });
    this.counting = new CountingTransport(retrying);
    this.client = new JiraClient(this.counting);
    this.metadata = new JiraMetadata(this.counting, this.store, this.clock);
    this.users = new UserDirectory(this.counting, this.store, this.clock);
    this.onOutcome = options.onOutcome;
    this.beforeRecord = options.beforeRecord;
    this.prefetch = options.prefetch;
    this.hints = options.hints ?? new ClaimHints();
  }

  /** False once less than the reserve is left before the deadline. */
  hasTime(): boolean {
    return this.clock.now() <= this.deadlineAt - this.reserveMs;
  }

  /** How long a claim may wait for another delivery, within the time left. */
  claimWait(): { maxWaitMs: number; sleep: (ms: number) => Promise<void> } {
    return { maxWaitMs: Math.max(0, Math.min(this.claimWaitMs, this.deadlineAt - this.reserveMs - this.clock.now())), sleep: this.sleep };
  }

  get knowsSiteUrl(): boolean {
    return this.siteUrl !== undefined || this.siteCache !== undefined;
  }

  async siteBase(): Promise<string> {
    this.siteUrl ??= (await this.platform.siteUrl(this.siteCache)).replace(/\/$/, '');
    return this.siteUrl;
  }

  async issueRef(link: Link): Promise<IssueRef> {
    const base = await this.siteBase();
    return { findingId: link.findingId, key: link.issueKey, id: link.issueId, url: `${base}/browse/${link.issueKey}` };
  }

  /** The project a new finding goes to, or why it goes nowhere. */
  async projectFor(finding: Finding | FindingRef): Promise<{ config: ProjectConfig; rule?: string } | CodedError> {
    const projects = await this.configs.listProjects();
    if (projects.length === 0) return new CodedError('NOT_CONFIGURED', 'No Jira project is connected to Backline yet: connect one in the Backline admin page');
    const decision = routeFinding(finding, await this.configs.getGlobal(), projects);
    if (!decision.ok) return new CodedError('NO_ROUTE', decision.reason);
    const config = projects.find((p) => p.projectKey === decision.projectKey);
    if (!config) return new CodedError('NO_ROUTE', `Project ${decision.projectKey} is not connected`);
    return { config, rule: decision.rule?.name ?? decision.via };
  }

  async render(config: ProjectConfig, context: Parameters<typeof renderIssueFields>[0]['context'], mode: 'create' | 'update'): Promise<RenderedFields> {
    const meta = await this.metadata.getCreateMeta(config.projectKey, config.issueTypeId);
    // User fields mapped from an email need an accountId; the directory answers from
    // its cache and searches Jira only for an address it has never seen.
    return renderIssueFields({ config, meta, context, mode, users: await this.users.resolveFor(config, meta, context) });
  }

  /** Release a claim, or hand it over for recovery when Jira may have a write no link records. */
  /** Claims tried with a first read (`FirstRead.eager`) and won, until an application takes them. */
  readonly eagerClaims = new Set<EagerClaim>();

  /** The won eager claim of `subject`, for the application that uses it (it leaves it then). */
  takeEager(eager: EagerClaim | undefined): EagerClaim | undefined {
    if (eager) this.eagerClaims.delete(eager);
    return eager;
  }

  /** Gives back the eager claims no application took (the event was queued, or not applied at all). */
  async releaseEagerClaims(): Promise<void> {
    const left = [...this.eagerClaims];
    this.eagerClaims.clear();
    for (const eager of left) {
      await this.idempotency.release({ key: findingClaimKey(eager.subject, eager.version), token: eager.token, recovered: false }).catch((error: unknown) =>
        this.logger.warn('could not give back a claim', { error: String(error) }),
      );
    }
  }

  /**
   * A link stored under its claim: at the version after the claim's (idempotency.ts `claimFinding`).
   * A link stored without a claim of its own (a repair) keeps the version it was read at.
   */
  linkOperation(link: Link, claims: readonly Claim[]): TransactionOperation {
    const claim = claims.find((c) => c.finding?.subject === link.findingId);
    return linkSetOperation(claim?.finding ? { ...link, version: claim.finding.version + 1 } : link);
  }

  /** After the transaction that stored `links` under `claims`: the warm instance remembers their versions. */
  noteStored(links: readonly Link[], claims: readonly Claim[]): void {
    for (const link of links) {
      const claim = claims.find((c) => c.finding?.subject === link.findingId);
      if (!claim?.finding) continue;
      this.hints.note(link.findingId, { version: claim.finding.version + 1, projectKey: link.projectKey, issueTypeId: link.issueTypeId });
      // A group's issue is claimed by the group: the finding's own claim would be of no use to a new finding there.
      if (!link.group) this.hints.lastCreate = { projectKey: link.projectKey, issueTypeId: link.issueTypeId };
    }
  }

  /**
   * The claim's exit in the transaction that records its event: done when the transaction stores
   * its subject's link (`linked`, by subject), handed over for recovery when Jira may hold a write no
   * link records, else released.
   */
  claimExitOperation(claim: Claim, linked: ReadonlySet<string> = new Set()): TransactionOperation {
    const findingId = findingOfClaim(claim);
    if (findingId && linked.has(findingId)) return this.idempotency.doneOperation(claim);
    const since = findingId && !linked.has(findingId) ? this.unrecordedWrites.since(findingId) : undefined;
    return since !== undefined ? this.idempotency.recoverOperation(claim, since) : this.idempotency.releaseOperation(claim);
  }

  async leaveClaim(claim: Claim): Promise<void> {
    const findingId = findingOfClaim(claim);
    const since = findingId ? this.unrecordedWrites.since(findingId) : undefined;
    if (since !== undefined) await this.idempotency.handOver(claim, since);
    else await this.idempotency.release(claim);
  }

  /** Stores operations in transactions of at most 25 (docs/platform-limits.md "Storage"). */
  async transactAll(ops: TransactionOperation[]): Promise<void> {
    for (let i = 0; i < ops.length; i += TRANSACTION_LIMIT) await this.store.transact(ops.slice(i, i + TRANSACTION_LIMIT));
  }
}

/** Findings with a Jira write no link records yet, and when the first such write was sent. */
export class UnrecordedWrites {
  private readonly sentAt = new Map<string, number>();

  /** Remembers the earliest time: Jira's search must have had time to index from then on. */
  add(findingId: string, at: number): void {
    if (!this.sentAt.has(findingId)) this.sentAt.set(findingId, at);
  }

  since(findingId: string): number | undefined {
    return this.sentAt.get(findingId);
  }

  delete(findingId: string): void {
    this.sentAt.delete(findingId);
  }
}

function findingOfClaim(claim: Claim): string | undefined {
  return claim.finding?.subject;
}
