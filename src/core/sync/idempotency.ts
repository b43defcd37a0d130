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
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CodedError } from '../errors';
import type { Clock, KeyValueStore, StoreKeyRef, TransactionOperation } from '../ports';
import type { IssueRef, ResultStatus } from '../results';

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

const claimSchema = z.object({ token: z.string(), at: z.number(), eventId: z.string().optional(), recover: z.boolean().optional(), writtenAt: z.number().optional() });

export const eventRecordKey = (eventId: string): string => `evt:${eventId}`;
export const findingClaimKey = (findingId: string): string => `claim:finding:${findingId}`;
export const eventClaimKey = (eventId: string): string => `claim:event:${eventId}`;

export interface Claim {
  key: string;
  token: string;
  /** True when this claim was taken over from a crashed holder. */
  recovered: boolean;
  /**
   * Taken over: when the holder sent a write Jira may have saved without a link recording
   * it (else when the holder claimed). Jira's search may not show it until some time after.
   */
  unrecordedSince?: number;
}

export type ClaimOutcome =
  | { kind: 'claimed'; claim: Claim; /** Values of `ClaimWait.alsoRead`, when read with the record (not after a takeover). */ also?: unknown[] }
  | { kind: 'duplicate'; record: EventRecord }
  | { kind: 'busy' };

export interface ClaimWait {
  /** How long to wait for another holder before answering busy (ms). */
  maxWaitMs: number;
  sleep: (ms: number) => Promise<void>;
  pollMs?: number;
  /** Keys to read in the same storage call as the post-claim record check (see `lookupWith`). */
  alsoRead?: StoreKeyRef[];
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
   * Takes the claim `key` for `eventId`, waiting while another invocation holds
   * it; answers `duplicate` as soon as the event's record appears.
   */
  async claim(key: string, eventId: string, wait: ClaimWait): Promise<ClaimOutcome> {
    const token = randomUUID();
    const pollMs = wait.pollMs ?? 25;
    let waited = 0;
    for (;;) {
      const won = await this.store.set(key, { token, at: this.clock.now(), eventId }, { ifAbsent: true, ttlSeconds: CLAIM_TTL_SECONDS });
      if (won) {
        // A delivery that finished between our lookup and our claim. What the holder reads
        // next (`wait.alsoRead`, read only now that nobody else can change it) comes along.
        const { record, also } = await this.lookupWith(eventId, wait.alsoRead ?? []).catch(async (error: unknown) => {
          // Nobody else would release it until it goes stale (CLAIM_STALE_MS): let it go, then fail.
          await this.release({ key, token, recovered: false }).catch(() => undefined);
          throw error;
        });
        if (record) {
          await this.release({ key, token, recovered: false });
          return { kind: 'duplicate', record };
        }
        return { kind: 'claimed', claim: { key, token, recovered: false }, ...(wait.alsoRead ? { also } : {}) };
      }
      const record = await this.lookup(eventId);
      if (record) return { kind: 'duplicate', record };
      const holder = claimSchema.safeParse(await this.store.get<unknown>(key));
      if (holder.success && (holder.data.recover === true || this.clock.now() - holder.data.at > CLAIM_STALE_MS)) {
        // Left behind by a crash, or handed over after a failure that may have created an issue
        // in Jira without recording it: exactly one taker wins the takeover marker.
        const marker = `${key}:takeover:${holder.data.token}`;
        if (await this.store.set(marker, { token, at: this.clock.now() }, { ifAbsent: true, ttlSeconds: CLAIM_TTL_SECONDS })) {
          await this.store.set(key, { token, at: this.clock.now(), eventId }, { ttlSeconds: CLAIM_TTL_SECONDS });
          return { kind: 'claimed', claim: { key, token, recovered: true, unrecordedSince: holder.data.writtenAt ?? holder.data.at } };
        }
      }
      if (waited >= wait.maxWaitMs) return { kind: 'busy' };
      await wait.sleep(pollMs);
      waited += pollMs;
    }
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
