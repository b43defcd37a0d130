/**
 * Forge storage per event, through the real web trigger on the local runtime:
 * keys read, write calls, round trips waited for, and batch calls (the KVS
 * stand-in's counters, dev/forge-host/kvs-store.ts). Forge allows 4,000 reads and
 * 4,000 writes a minute and 45 batch operations a minute per installation
 * (docs/platform-limits.md "Storage"), so these counts cap sustained throughput,
 * and each round trip adds to the web trigger's time: a regression fails CI.
 * `npm run bench` prints the same figures.
 */
import { Bench, event, finding, newFindingId, pullRequest, warmUpLifecycle } from '../../../bench/harness';

let bench: Bench;

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn'] as const) jest.spyOn(console, method).mockImplementation(() => undefined);
  bench = await Bench.start(0);
  for (const body of warmUpLifecycle()) {
    expect((await bench.send(body)).status).toBe(200);
  }
}, 30_000);

afterAll(async () => {
  await bench?.close();
  jest.restoreAllMocks();
});

async function measured(body: ReturnType<typeof event>) {
  const { value, delta } = await bench.measure(() => bench.send(body));
  return {
    status: value.body.results?.[0]?.status,
    reads: delta.kvsReads,
    writes: delta.kvsWrites,
    roundTrips: delta.kvsRoundTrips,
    batchCalls: delta.kvsBatchCalls,
    devops: delta.devopsRequests,
  };
}

describe('KVS calls per single event (steady state)', () => {
  const id = newFindingId();
  const pr = pullRequest(id, 77);
  const bodies = [
    event('finding.created', { finding: finding(id) }),
    event('remediation.pr_opened', { ...pr, findings: [{ id }] }),
    event('remediation.pr_merged', { ...pr, findings: [{ id }] }),
    event('remediation.resolved', { remediation: pr.remediation, findings: [{ id }] }),
    event('finding.updated', { finding: finding(id) }),
  ];

  it('each applied event: at most 14 keys read in 2 round trips, 2 writes, and no batch call', async () => {
    for (const body of bodies) {
      const sent = await measured(body);
      expect(sent.status).not.toBe('failed');
      // Round trips: (1) the project list with one read of every key the engine knows up front (the event
      // record, the finding's link, the configuration, the Security tab's registry, the last-event record, the
      // "failures open" marker: src/core/prefetch.ts; the project's cached create metadata and workflow) and the
      // finding's claim at the version this warm instance stored its link at (src/core/sync/claim-hints.ts);
      // (2) the transaction that records the result. The signing secret is remembered by the warm instance
      // (src/core/secrets/secret-cache.ts). Up to 10 keys at once are parallel single gets, so a common event
      // spends none of Forge's 45 batch operations a minute. A repository new to the Security tab's registry is
      // noted in the event's transaction (docs/security-tab.md).
      expect({
        type: body.type,
        reads: sent.reads <= 14,
        writes: sent.writes <= 2,
        roundTrips: sent.roundTrips <= 2,
        batchCalls: sent.batchCalls,
      }).toEqual({ type: body.type, reads: true, writes: true, roundTrips: true, batchCalls: 0 });
    }
  });

  it('a finding in a repository the Security tab has not seen: the registry notes it in the event’s transaction', async () => {
    const fresh = newFindingId();
    const body = event('finding.created', { finding: { ...finding(fresh), repository: { name: `acme/new-${fresh}`, url: `https://github.com/acme/new-${fresh}` } } });
    const sent = await measured(body);
    expect(sent.status).toBe('created');
    expect(sent.devops).toBeGreaterThan(0);
    expect({ writes: sent.writes, roundTrips: sent.roundTrips }).toEqual({ writes: 2, roundTrips: 2 });
    const stored = bench.runtime.host.kvs.handle('/api/v1/get', { key: 'devops:registry' }).body as { value: { containers: Record<string, { name: string }> } };
    expect(Object.values(stored.value.containers).map((c) => c.name)).toContain(`acme/new-${fresh}`);
  });

  it('a finding resolved whose issue exists: the check for a creation still queued costs no round trip of its own', async () => {
    const resolved = await measured(event('finding.resolved', { finding: finding(id), reason: 'fixed' }));
    expect(resolved.status).not.toBe('failed');
    expect(resolved.roundTrips).toBeLessThanOrEqual(2 + (resolved.devops > 0 ? 1 : 0));
  });

  it('a redelivery: at most 10 keys read in 1 round trip, no write', async () => {
    const again = await measured(bodies[0]);
    expect(again.status).toBe('duplicate');
    expect(again.reads).toBeLessThanOrEqual(10);
    expect(again.roundTrips).toBe(1);
    expect(again.writes).toBe(0);
  });
});

describe('KVS calls of an event the queue consumer applies', () => {
  it('the project list rides with the event’s first reads; an instance that has not stored the finding claims at the version it reads: 3 round trips', async () => {
    const id = newFindingId();
    // Queued as the web trigger queues what it cannot apply now (src/core/sync/defer.ts).
    const queued = event('finding.created', { finding: finding(id) });
    const { delta } = await bench.measure(async () => {
      bench.runtime.host.queue.push('backline-sync', [{ body: { kind: 'backline-event', event: queued, enqueuedAt: Date.now() } }]);
      await bench.runtime.waitForQueueIdle();
    });
    expect(delta.requests).toBe(1); // the create
    // The project list with the first reads; the claim with the project's caches; the transaction. Plus the
    // Security tab's registry when the repository is new.
    expect(delta.kvsRoundTrips).toBeLessThanOrEqual(3);

    // The finding's resolution, queued too, on the instance that stored its issue: the check for a creation
    // still queued uses the first read (no call of its own), and the claim goes with it: 2 round trips.
    const resolved = event('finding.resolved', { finding: finding(id), reason: 'fixed' });
    const after = await bench.measure(async () => {
      bench.runtime.host.queue.push('backline-sync', [{ body: { kind: 'backline-event', event: resolved, enqueuedAt: Date.now() } }]);
      await bench.runtime.waitForQueueIdle();
    });
    expect(after.delta.requests).toBeGreaterThan(0); // the move to Done
    expect(after.delta.kvsRoundTrips).toBe(2);
  });
});
