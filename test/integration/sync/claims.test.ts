/**
 * Exactly one issue per finding when storage fails after Jira accepted a create:
 * the claim is handed over for recovery (never simply released), and whoever
 * takes it next — the one-event path or the bulk path — looks the finding up in
 * Jira before creating anything. Regression tests for two duplicates found by
 * the storage fault-injection suite (test/integration/reliability).
 */
import { RetryLaterError, type TransactionOperation } from '../../../src/core/ports';
import { createSyncConsumer, MAX_QUEUE_RETRIES } from '../../../src/core/sync/consumer';
import { CLAIM_STALE_MS, findingClaimKey } from '../../../src/core/sync/idempotency';
import { event, finding, setup } from './harness';

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
    for (const id of ['fnd_bulk_a', 'fnd_bulk_b']) await h.platform.store.set(`claim:finding:${id}`, { token: `crashed-${id}`, at: h.platform.clock.now() });
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
    await h.platform.store.set(findingClaimKey('fnd_held'), { token: 'crashed-holder', at: h.platform.clock.now(), eventId: 'evt_other' });
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
