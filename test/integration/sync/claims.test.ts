/**
 * Exactly one issue per finding when storage fails after Jira accepted a create:
 * the claim is handed over for recovery (never simply released), and whoever
 * takes it next — the one-event path or the bulk path — looks the finding up in
 * Jira before creating anything. Regression tests for two duplicates found by
 * the storage fault-injection suite (test/integration/reliability).
 */
import { RetryLaterError, type TransactionOperation } from '../../../src/core/ports';
import { createSyncConsumer, MAX_QUEUE_RETRIES } from '../../../src/core/sync/consumer';
import { createAppProcessor } from '../../../src/core/engine';
import { ClaimHints } from '../../../src/core/sync/claim-hints';
import { CLAIM_STALE_MS, Idempotency, findingClaimKey } from '../../../src/core/sync/idempotency';
import { event, finding, pr, setup } from './harness';

type Setup = Awaited<ReturnType<typeof setup>>;

/** Makes the next `times` transactions that store a link fail, as a storage outage would. */
function failLinkTransactions(h: Setup, times: number): void {
  const store = h.platform.store;
  const original = store.transact.bind(store);
  let left = times;
  store.transact = async (operations: TransactionOperation[]) => {
    if (left > 0 && operations.some((op) => op.kind === 'set' && op.entity === 'link')) {
      left -= 1;
      throw new Error('KVS unavailable (injected)');
    }
    return original(operations);
  };
}

const issuesOf = async (h: Setup, findingId: string) => (await h.issues()).filter((i) => i.properties?.backline?.findingId === findingId);

describe('a create whose link could not be stored', () => {
  it('one-event path: the retry finds the issue in Jira instead of creating a second one', async () => {
    const h = await setup();
    failLinkTransactions(h, 2); // the final transaction and the failure record both fail
    const e = event('finding.created', { finding: finding('fnd_orphan') });
    const [first] = await h.run(e);
    expect(first.status).toMatch(/failed|queued/); // not recorded: Backline (or the queue) delivers it again
    expect(await issuesOf(h, 'fnd_orphan')).toHaveLength(1);

    const [again] = await h.run(e);
    expect(again.status).not.toBe('failed');
    expect(await issuesOf(h, 'fnd_orphan')).toHaveLength(1);
    expect(again.issues?.[0]?.key).toBe((await issuesOf(h, 'fnd_orphan'))[0]?.key);
  });

  it('bulk path: a claim taken over for recovery is handed on, not released, so the batch retry creates nothing twice', async () => {
    const h = await setup();
    await h.run(event('finding.created', { finding: finding('fnd_warm_bulk') })); // caches warm, store marked complete
    const batch = [event('finding.created', { finding: finding('fnd_bulk_a') }), event('finding.created', { finding: finding('fnd_bulk_b') })];
    failLinkTransactions(h, 4);
    await h.run(...batch);
    expect(await issuesOf(h, 'fnd_bulk_a')).toHaveLength(1);
    expect(await issuesOf(h, 'fnd_bulk_b')).toHaveLength(1);

    // As after a crash: the claims are plain (not marked for recovery) and have gone stale.
    for (const id of ['fnd_bulk_a', 'fnd_bulk_b']) await h.platform.store.set(findingClaimKey(id, 0), { token: `crashed-${id}`, at: h.platform.clock.now() });
    h.platform.clock.advance(100_000);
    const results = await h.run(...batch);
    expect(results.map((r) => r.status).every((s) => s !== 'failed')).toBe(true);
    expect(await issuesOf(h, 'fnd_bulk_a')).toHaveLength(1);
    expect(await issuesOf(h, 'fnd_bulk_b')).toHaveLength(1);
  });
});

describe('a comment whose recording failed', () => {
  it('is not posted again by the retry', async () => {
    const h = await setup();
    const [created] = await h.run(event('finding.created', { finding: finding('fnd_comment') }, '2026-11-28T10:00:00Z'));
    const key = created.issues![0].key;
    const opened = event('remediation.pr_opened', {
      remediation: { id: 'rem_c', title: 'Upgrade lodash' },
      pullRequest: { url: 'https://github.com/acme/payments-api/pull/900', number: 900, title: 'fix: upgrade lodash' },
      findings: [{ id: 'fnd_comment' }],
    }, '2026-11-28T11:00:00Z');
    failLinkTransactions(h, 2); // Jira took the transition + comment; storing that it did failed
    const [first] = await h.run(opened);
    expect(first.status).toMatch(/failed|queued/);

    const [again] = await h.run(opened);
    expect(again.status).toBe('updated');
    const texts = (await h.issue(key)).fields.comment.comments.map((c: { body: unknown }) => JSON.stringify(c.body));
    expect(texts.filter((t: string) => t.includes('pull/900'))).toHaveLength(1);
  });
});

describe('a queued event whose finding another delivery holds', () => {
  it('waits, longer each time, until the holder lets go or its claim goes stale: never a dead letter', async () => {
    const h = await setup();
    const dead: unknown[] = [];
    const consumer = createSyncConsumer(h.platform, { keepDeadLetter: async (letter) => void dead.push(letter), sleep: async () => undefined, claimWaitMs: 0 });
    const created = event('finding.created', { finding: finding('fnd_held', { severity: 'medium' }) });
    // A delivery that crashed while holding the finding left its claim (as a failed release does).
    await h.platform.store.set(findingClaimKey('fnd_held', 0), { token: 'crashed-holder', at: h.platform.clock.now(), eventId: 'evt_other' });
    const waits: number[] = [];
    for (let retryCount = 0; retryCount < MAX_QUEUE_RETRIES; retryCount++) {
      const error = await consumer.handle({ kind: 'backline-event', event: created, enqueuedAt: 0 }, { retryCount }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(RetryLaterError);
      waits.push((error as RetryLaterError).retryAfterSeconds);
    }
    // Doubling up to the time after which a claim is stale: the budget outlasts it.
    expect(waits).toEqual([2, 4, 8, 16, 32, 64, 90, 90]);
    expect(waits.reduce((a, b) => a + b, 0)).toBeGreaterThan(CLAIM_STALE_MS / 1000);
    // Past the budget: a new message, a stale-claim time later.
    h.platform.queue.pushes.length = 0;
    await consumer.handle({ kind: 'backline-event', event: created, enqueuedAt: 0 }, { retryCount: MAX_QUEUE_RETRIES });
    expect(h.platform.queue.pushes.flat().map((m) => m.delayInSeconds)).toEqual([90]);
    expect(dead).toEqual([]);
    // By then the claim is stale: the next attempt takes it over and, once Jira's search would show
    // an issue the crashed holder might have created (recovery.ts), creates the one issue.
    h.platform.clock.advance(CLAIM_STALE_MS + 1_000);
    const body = h.platform.queue.pushes.flat()[0]?.body ?? {};
    for (let attempt = 0; attempt < 5; attempt++) {
      const error = await consumer.handle(body, { retryCount: attempt }).then(() => undefined, (e: unknown) => e);
      if (!(error instanceof RetryLaterError)) break;
      h.platform.clock.advance(error.retryAfterSeconds * 1000);
    }
    expect(await issuesOf(h, 'fnd_held')).toHaveLength(1);
    expect(dead).toEqual([]);
  });
});

/**
 * A finding's claim is taken at the version its link was read at (idempotency.ts `claimFinding`), with
 * the event's first read when the warm instance remembers the version (claim-hints.ts): then nothing is
 * read after it. These check what makes that safe.
 */
describe('claims at the link version', () => {
  const stored = async (h: Setup, key: string) => h.platform.store.get<Record<string, unknown>>(key);
  const linkOf = async (h: Setup, findingId: string) => h.platform.store.entityGet<{ version?: number; issueKey: string }>('link', findingId);

  it('each stored event moves the link one version on and keeps the claim it was stored under, done', async () => {
    const h = await setup({ hints: new ClaimHints() });
    await h.run(event('finding.created', { finding: finding('fnd_v') }));
    await h.run(event('finding.updated', { finding: finding('fnd_v', { severity: 'critical' }) }));
    expect((await linkOf(h, 'fnd_v'))?.version).toBe(2);
    expect(await stored(h, findingClaimKey('fnd_v', 0))).toMatchObject({ done: true });
    expect(await stored(h, findingClaimKey('fnd_v', 1))).toMatchObject({ done: true });
    expect(await stored(h, findingClaimKey('fnd_v', 2))).toBeUndefined();
  });

  it('a delivery that stored the event between another one’s first read and its claim: the other answers duplicate', async () => {
    const h = await setup();
    const created = event('finding.created', { finding: finding('fnd_race') });
    const idempotency = new Idempotency(h.platform.store, h.platform.clock);
    // The second delivery's first read: no record, no link (version 0) …
    const before = await idempotency.readState(created.id, 'fnd_race');
    expect(before).toEqual({ record: undefined, link: undefined });
    // … then the first delivery applies the event and stores it (claim of version 0 done, link at 1) …
    const [first] = await h.run(created);
    expect(first?.status).toBe('created');
    // … and the second one claims on what it read: it loses version 0 to the done claim, reads again, and sees the record.
    const claimed = await idempotency.claimFinding('fnd_race', created.id, { maxWaitMs: 0, sleep: async () => undefined }, { state: before });
    expect(claimed).toMatchObject({ kind: 'duplicate', record: { status: 'created' } });
    expect(await issuesOf(h, 'fnd_race')).toHaveLength(1);
  });

  it('a remembered version another instance has moved past: the claim tried with the first read is given back and taken at the link’s version', async () => {
    const a = new ClaimHints();
    const h = await setup({ hints: a });
    await h.run(event('finding.created', { finding: finding('fnd_two') }));
    expect(a.get('fnd_two')?.version).toBe(1);
    // Another warm instance applies the next event: the link is at version 2, this instance still guesses 1.
    const other = createAppProcessor(h.platform, { sleep: async () => undefined, hints: new ClaimHints() });
    await other.process([event('finding.updated', { finding: finding('fnd_two', { severity: 'critical' }) })], { deadlineAt: h.platform.clock.now() + 25_000 });
    // Version 1's done claim has been cleared by its TTL: the guess wins it, and must not trust it.
    await h.platform.store.delete(findingClaimKey('fnd_two', 1));
    const [opened] = await h.run(event('remediation.pr_opened', { ...pr(950), findings: [{ id: 'fnd_two' }] }, '2026-11-28T10:05:00Z'));
    expect(opened?.status).toBe('updated');
    expect(await stored(h, findingClaimKey('fnd_two', 1))).toBeUndefined(); // given back
    expect(await stored(h, findingClaimKey('fnd_two', 2))).toMatchObject({ done: true });
    expect((await linkOf(h, 'fnd_two'))?.version).toBe(3);
    expect(a.get('fnd_two')?.version).toBe(3);
    const issues = await issuesOf(h, 'fnd_two');
    expect(issues).toHaveLength(1);
    expect(issues[0]?.fields.priority?.name).toBe('Highest'); // the other instance's update was not undone
  });

  it('a link lost from the store while its claims stay: the next event looks the finding up in Jira instead of creating a second issue', async () => {
    const h = await setup();
    const [created] = await h.run(event('finding.created', { finding: finding('fnd_lost') }));
    await h.platform.store.entityDelete('link', 'fnd_lost');
    const [again] = await h.run(event('finding.updated', { finding: finding('fnd_lost', { severity: 'critical' }) }));
    expect(again?.status).toBe('updated');
    expect(await issuesOf(h, 'fnd_lost')).toHaveLength(1);
    expect(again?.issues?.[0]?.key).toBe(created?.issues?.[0]?.key);
    expect((await linkOf(h, 'fnd_lost'))?.issueKey).toBe(created?.issues?.[0]?.key);
  });

  it('a redelivered event followed by a new one about the same finding in one delivery: the first one’s claim does not hold up the second', async () => {
    const first = new ClaimHints();
    const h = await setup({ hints: first });
    const created = event('finding.created', { finding: finding('fnd_pair') });
    await h.run(created);
    // Another instance that knows the finding's version (it stored an earlier event) but not this event.
    const other = new ClaimHints();
    const known = first.get('fnd_pair');
    if (known) other.note('fnd_pair', known);
    const processor = createAppProcessor(h.platform, { sleep: async () => undefined, hints: other });
    const [again, updated] = await processor.process([created, event('finding.updated', { finding: finding('fnd_pair', { severity: 'critical' }) })], { deadlineAt: h.platform.clock.now() + 25_000 });
    expect(again?.status).toBe('duplicate');
    expect(updated?.status).toBe('updated');
  });

  it('a claim tried with the first read of an event that is not applied is given back', async () => {
    const hints = new ClaimHints();
    const h = await setup({ hints });
    await h.run(event('finding.created', { finding: finding('fnd_eager') }));
    const next = event('finding.updated', { finding: finding('fnd_eager', { severity: 'low' }) });
    // Refused before processing (no project connected, say): the web trigger abandons what it prepared.
    const refused = createAppProcessor(h.platform, { sleep: async () => undefined, hints });
    await refused.prepare?.([next]);
    expect(await stored(h, findingClaimKey('fnd_eager', 1))).toMatchObject({ eventId: next.id });
    await refused.abandon?.();
    expect(await stored(h, findingClaimKey('fnd_eager', 1))).toBeUndefined();
    // Out of time: queued, not applied, and its claim given back all the same.
    const late = createAppProcessor(h.platform, { sleep: async () => undefined, hints });
    await late.prepare?.([next]);
    const [queued] = await late.process([next], { deadlineAt: h.platform.clock.now() - 1 });
    expect(queued?.status).toBe('queued');
    expect(await stored(h, findingClaimKey('fnd_eager', 1))).toBeUndefined();
    // And the queued event applies normally later.
    const [applied] = await h.run(next);
    expect(applied?.status).toBe('updated');
  });
});
