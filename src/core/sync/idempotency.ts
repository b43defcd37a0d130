/**
 * Exactly-once application on an at-least-once wire (docs/events.md §6).
 *
 * Two kinds of records, both in plain KVS keys:
 * - `evt:<eventId>`: the outcome of an applied event (status + issues), kept
 *   ≥ 7 days (TTL 8 days). A redelivery finds it with one KVS read and answers
 *   `duplicate` with zero Jira calls. It is written inside the same
 *   transaction as the link and the activity entry, so "applied" and
 *   "recorded" cannot disagree.
 * - `claim:<scope>:<id>`: a short-lived mutex written with `ifAbsent`
 *   (Forge FAIL_IF_EXISTS). Single-finding events claim their finding (which
 *   also serialises deliveries of the same event id, since they name the same
 *   finding); multi-finding events claim the event id first, then each
 *   finding in turn. A claim is released in the final transaction (or
 *   deleted when the event fails, so a later delivery applies it). A claim
 *   older than CLAIM_STALE_MS was left by a crashed invocation: one taker wins
 *   a second `ifAbsent` race on a takeover marker and continues, flagged
 *   `recovered` so the finding's issue is looked up in Jira before anything
 *   is created.
 * - A finding's claim is taken *at a version* (`claim:finding:<id>:v<N>`, N the
 *   version its link was read at; an absent link is version 0): see
 *   `claimFinding`. The transaction that stores the link at N+1 leaves the claim
 *   of N in place, marked done, instead of deleting it. So a taker that read the
 *   link at N and then won the claim of N knows that nobody stored anything in
 *   between: what it read (the link and the event's record) is current, and it
 *   needs no second read. The read and the claim can then go in one round trip
 *   (the warm instance remembers N: claim-hints.ts), and an event costs two: that
 *   one and the final transaction (docs/performance.md "Forge storage").
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CodedError } from '../errors';
import type { Clock, KeyValueStore, StoreKeyRef, TransactionOperation } from '../ports';
import type { IssueRef, ResultStatus } from '../results';
import { LINK_ENTITY } from './links';

/** ≥ 7 days (Backline's redelivery window), plus a day of margin. */
export const EVENT_RECORD_TTL_SECONDS = 8 * 24 * 60 * 60;
/** Longer than one web-trigger invocation (55 s): a claim this old belongs to an invocation that died. */
export const CLAIM_STALE_MS = 90_000;
const CLAIM_TTL_SECONDS = 60 * 60;

const recordSchema = z.object({
  status: z.string(),
  issues: z.array(z.object({ findingId: z.string(), key: z.string(), id: z.string(), url: z.string() })),
  at: z.number(),
});
export interface EventRecord {
  status: ResultStatus;
  issues: IssueRef[];
  at: number;
}

const claimSchema = z.object({ token: z.string(), at: z.number(), eventId: z.string().optional(), recover: z.boolean().optional(), writtenAt: z.number().optional(), done: z.boolean().optional() });

export const eventRecordKey = (eventId: string): string => `evt:${eventId}`;
/** The claim of a finding (or a group: its id) whose link is at `version` (see `claimFinding`). */
export const findingClaimKey = (subject: string, version: number): string => `claim:finding:${subject}:v${version}`;
export const eventClaimKey = (eventId: string): string => `claim:event:${eventId}`;

export interface Claim {
  key: string;
  token: string;
  /** A finding's (or group's) claim: whose, and the link version it was taken at. */
  finding?: { subject: string; version: number };
  /** True when this claim was taken over from a crashed holder. */
  recovered: boolean;
  /**
   * Taken over: when the holder sent a write Jira may have saved without a link recording
   * it (else when the holder claimed). Jira's search may not show it until some time after.
   */
  unrecordedSince?: number;
}

export type ClaimOutcome =
  | { kind: 'claimed'; claim: Claim }
  | { kind: 'duplicate'; record: EventRecord }
  | { kind: 'busy' };

/** What a finding's claim was decided on: the event's record and the link (raw), read together. */
export interface FindingState {
  record: EventRecord | undefined;
  link: unknown;
}

export type FindingClaimOutcome =
  | { kind: 'claimed'; claim: Claim; /** Current while the claim is held: nobody stores the link or the record meanwhile. */ link: unknown }
  | { kind: 'duplicate'; record: EventRecord }
  | { kind: 'busy' };

/** A claim of a finding at a guessed version, sent with the event's first read (apply-event.ts readBeforeClaim). */
export interface EagerClaim {
  subject: string;
  version: number;
  token: string;
  won: boolean;
}

/** The version a raw stored link is at (0: absent, or stored before versions). */
export function linkVersion(raw: unknown): number {
  const version = typeof raw === 'object' && raw !== null && 'version' in raw ? raw.version : undefined;
  return typeof version === 'number' && Number.isInteger(version) && version >= 0 ? version : 0;
}

export interface ClaimWait {
  /** How long to wait for another holder before answering busy (ms). */
  maxWaitMs: number;
  sleep: (ms: number) => Promise<void>;
  pollMs?: number;
}

function parseEventRecord(raw: unknown): EventRecord | undefined {
  const parsed = recordSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  return { status: parsed.data.status as ResultStatus, issues: parsed.data.issues, at: parsed.data.at };
}

export class Idempotency {
  constructor(
    private readonly store: KeyValueStore,
    private readonly clock: Clock,
  ) {}

  async lookup(eventId: string): Promise<EventRecord | undefined> {
    return parseEventRecord(await this.store.get<unknown>(eventRecordKey(eventId)));
  }

  /**
   * The event's record and `also` in one storage call (`getMany`): the caller reads what it
   * needs next (the link, cached metadata) together with the record it must check anyway.
   */
  async lookupWith(eventId: string, also: StoreKeyRef[]): Promise<{ record: EventRecord | undefined; also: unknown[] }> {
    if (also.length === 0) return { record: await this.lookup(eventId), also: [] };
    const [raw, ...rest] = await this.store.getMany([{ key: eventRecordKey(eventId) }, ...also]);
    return { record: parseEventRecord(raw), also: rest };
  }

  /**
   * Takes the claim `key` (a multi-finding event's) for `eventId`, waiting while another
   * invocation holds it; answers `duplicate` as soon as the event's record appears.
   */
  async claim(key: string, eventId: string, wait: ClaimWait): Promise<ClaimOutcome> {
    const token = randomUUID();
    const pollMs = wait.pollMs ?? 25;
    let waited = 0;
    for (;;) {
      const won = await this.store.set(key, { token, at: this.clock.now(), eventId }, { ifAbsent: true, ttlSeconds: CLAIM_TTL_SECONDS });
      if (won) {
        // A delivery that finished between our lookup and our claim.
        const record = await this.lookup(eventId).catch(async (error: unknown) => {
          // Nobody else would release it until it goes stale (CLAIM_STALE_MS): let it go, then fail.
          await this.release({ key, token, recovered: false }).catch(() => undefined);
          throw error;
        });
        if (record) {
          await this.release({ key, token, recovered: false });
          return { kind: 'duplicate', record };
        }
        return { kind: 'claimed', claim: { key, token, recovered: false } };
      }
      const record = await this.lookup(eventId);
      if (record) return { kind: 'duplicate', record };
      const holder = claimSchema.safeParse(await this.store.get<unknown>(key));
      if (holder.success && (holder.data.recover === true || this.clock.now() - holder.data.at > CLAIM_STALE_MS)) {
        // Left behind by a crash, or handed over after a failure that may have created an issue
        // in Jira without recording it: exactly one taker wins the takeover marker.
        const taken = await this.takeOver(key, holder.data, token, eventId);
        if (taken) return { kind: 'claimed', claim: taken };
      }
      if (waited >= wait.maxWaitMs) return { kind: 'busy' };
      await wait.sleep(pollMs);
      waited += pollMs;
    }
  }

  /**
   * Takes the claim of `subject` (a finding, or a group's id) for `eventId`, at the version of its link:
   * - `start.state`: the record and link already read (the event's first read); else read here.
   * - `start.eager`: a claim already tried with that read, at a guessed version.
   * Won at the version the state was read at: the state is current (see the file's comment), no read
   * follows. Won at another version (a wrong guess): given back, and taken at the read version. Lost:
   * the holder is done (the link moved on: read again), stale or handed over (taken over, flagged
   * `recovered`), or alive (wait, reading again, until `maxWaitMs`).
   */
  async claimFinding(subject: string, eventId: string, wait: ClaimWait, start: { state?: FindingState; eager?: EagerClaim } = {}): Promise<FindingClaimOutcome> {
    const pollMs = wait.pollMs ?? 25;
    let state = start.state;
    let attempt: EagerClaim | undefined = start.eager?.subject === subject ? start.eager : undefined;
    let doneSeenAt: number | undefined;
    let waited = 0;
    for (;;) {
      state ??= await this.readState(eventId, subject);
      if (state.record) {
        if (attempt?.won) await this.deleteClaim(subject, attempt.version);
        return { kind: 'duplicate', record: state.record };
      }
      const version = linkVersion(state.link);
      if (attempt && attempt.version !== version) {
        // A wrong guess: nobody trusts a claim of a version the link is not at; give it back.
        if (attempt.won) await this.deleteClaim(subject, attempt.version);
        attempt = undefined;
      }
      attempt ??= await this.tryClaim(subject, version, eventId);
      const key = findingClaimKey(subject, version);
      if (attempt.won) return { kind: 'claimed', claim: { key, token: attempt.token, recovered: false, finding: { subject, version } }, link: state.link };
      const holder = claimSchema.safeParse(await this.store.get<unknown>(key));
      attempt = undefined;
      const done = holder.success && holder.data.done === true;
      if (!holder.success || (done && doneSeenAt !== version)) {
        // Released, or stored the link at the next version (read again: the claim to take is that one).
        if (done) doneSeenAt = version;
        state = undefined;
        continue;
      }
      // Done twice at the version the link is still at: the link went back (a store restored or lost
      // since): taken over as from a crash, so the issue is looked up in Jira before anything is created.
      if (done || holder.data.recover === true || this.clock.now() - holder.data.at > CLAIM_STALE_MS) {
        const taken = await this.takeOver(key, holder.data, randomUUID(), eventId);
        // The holder stored nothing at this version (a done claim's link went back): the state read at it is current.
        if (taken) return { kind: 'claimed', claim: { ...taken, finding: { subject, version } }, link: state.link };
      }
      if (waited >= wait.maxWaitMs) return { kind: 'busy' };
      await wait.sleep(pollMs);
      waited += pollMs;
      state = undefined;
    }
  }

  /** Exactly one taker wins the takeover marker of `holder`'s claim, and holds `key` then, flagged `recovered`. */
  private async takeOver(key: string, holder: z.infer<typeof claimSchema>, token: string, eventId: string): Promise<Claim | undefined> {
    if (!(await this.store.set(`${key}:takeover:${holder.token}`, { token, at: this.clock.now() }, { ifAbsent: true, ttlSeconds: CLAIM_TTL_SECONDS }))) return undefined;
    await this.store.set(key, { token, at: this.clock.now(), eventId }, { ttlSeconds: CLAIM_TTL_SECONDS });
    return { key, token, recovered: true, unrecordedSince: holder.writtenAt ?? holder.at };
  }

  /** Tries the claim of `subject` at `version` once (ifAbsent). */
  async tryClaim(subject: string, version: number, eventId: string): Promise<EagerClaim> {
    const token = randomUUID();
    const won = await this.store.set(findingClaimKey(subject, version), { token, at: this.clock.now(), eventId }, { ifAbsent: true, ttlSeconds: CLAIM_TTL_SECONDS });
    return { subject, version, token, won };
  }

  /** The event's record and the subject's link, in one storage call. */
  async readState(eventId: string, subject: string): Promise<FindingState> {
    const { record, also } = await this.lookupWith(eventId, [{ key: subject, entity: LINK_ENTITY }]);
    return { record, link: also[0] };
  }

  private async deleteClaim(subject: string, version: number): Promise<void> {
    await this.store.delete(findingClaimKey(subject, version));
  }

  /**
   * The claim's exit in the transaction that stores its subject's link at the next version: kept, marked
   * done, never deleted (a taker that read the link before this transaction must not win it afterwards).
   * Its TTL only clears storage: nobody takes a done claim, and the link has moved past its version.
   */
  doneOperation(claim: Claim): TransactionOperation {
    return { kind: 'set', key: claim.key, value: { token: claim.token, at: this.clock.now(), done: true }, ttlSeconds: CLAIM_TTL_SECONDS };
  }

  async release(claim: Claim): Promise<void> {
    await this.store.delete(claim.key);
  }

  /** The operations that record an applied event (for the final transaction). */
  recordOperation(eventId: string, record: EventRecord): TransactionOperation {
    return { kind: 'set', key: eventRecordKey(eventId), value: record, ttlSeconds: EVENT_RECORD_TTL_SECONDS };
  }

  releaseOperation(claim: Claim): TransactionOperation {
    return { kind: 'delete', key: claim.key };
  }

  /**
   * Instead of releasing: hand the claim over for recovery. Used when a create
   * request was sent to Jira but its issue is not recorded in a link (the answer
   * was lost, or storing the link failed). Deleting the claim then would let the
   * next delivery create a second issue; a claim marked `recover` is taken over
   * at once by the next delivery, flagged `recovered`, which looks the finding
   * up in Jira before creating anything. If even this write fails, the claim
   * stays as it was and is taken over once stale: never deleted.
   */
  recoverOperation(claim: Claim, writtenAt?: number): TransactionOperation {
    return { kind: 'set', key: claim.key, value: this.recoverValue(claim, writtenAt), ttlSeconds: CLAIM_TTL_SECONDS };
  }

  async handOver(claim: Claim, writtenAt?: number): Promise<void> {
    await this.store.set(claim.key, this.recoverValue(claim, writtenAt), { ttlSeconds: CLAIM_TTL_SECONDS });
  }

  private recoverValue(claim: Claim, writtenAt: number | undefined): Record<string, unknown> {
    return { token: claim.token, at: this.clock.now(), recover: true, ...(writtenAt !== undefined ? { writtenAt } : {}) };
  }
}

export function inProgressError(what: string): CodedError {
  return new CodedError('IN_PROGRESS', `${what} is being applied by another delivery; retry shortly`, { retryable: true, retryAfterSeconds: 2 });
}
