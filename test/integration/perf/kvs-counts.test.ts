/**
 * Forge storage calls per event, through the real web trigger on the local
 * runtime (the KVS stand-in counts one per Forge storage call; a batch get or a
 * transaction counts once). Forge allows 4,000 reads and 4,000 writes a minute
 * per installation (docs/platform-limits.md "Storage"), so these counts cap sustained
 * throughput: a regression fails CI. `npm run bench` prints the same figures.
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
  return { status: value.body.results?.[0]?.status, reads: delta.kvsReads, writes: delta.kvsWrites, devops: delta.devopsRequests };
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

  it('each applied event: at most 5 reads (signing secret, project list, two batch gets, Slack setting) and 2 writes, plus the Security tab ones', async () => {
    for (const body of bodies) {
      const sent = await measured(body);
      expect(sent.status).not.toBe('failed');
      // The Security tab's registry and the last-event record ride in the engine's first batch (src/core/prefetch.ts).
      // remediation.resolved also reads its findings' links, for the vulnerability of an id-only finding; a write
      // when a Backline organisation or repository is new (docs/security-tab.md).
      const devopsReads = sent.devops > 0 && body.type === 'remediation.resolved' ? 1 : 0;
      const devopsWrites = sent.devops === 0 ? 0 : 1;
      expect({ type: body.type, reads: sent.reads <= 5 + devopsReads, writes: sent.writes <= 2 + devopsWrites }).toEqual({ type: body.type, reads: true, writes: true });
    }
  });

  it('a redelivery: at most 4 reads and no write', async () => {
    const again = await measured(bodies[0]);
    expect(again.status).toBe('duplicate');
    expect(again.reads).toBeLessThanOrEqual(4);
    expect(again.writes).toBe(0);
  });
});
