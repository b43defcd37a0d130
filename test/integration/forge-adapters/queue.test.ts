/** The Queue adapter over @forge/events: pushes split to Forge's limits (≤ 50 events, ≤ 200 KB), errors coded. */
import { CodedError } from '../../../src/core/errors';
import { chunkMessages, forgeQueue } from '../../../src/forge/adapters/queue';
import type { ForgeHost } from '../../../dev/forge-host';
import { startHost } from '../runtime/helpers';

let host: ForgeHost;
beforeEach(() => {
  host = startHost();
});
afterEach(() => host.close());

// No consumer is registered: pushed events stay pending, so the test sees exactly what was pushed.
const jobsOf = () => new Set(host.queue.pending.map((e) => e.jobId));

it('splits 120 small messages into pushes of at most 50, keeping them all and their delays', async () => {
  await forgeQueue().push(Array.from({ length: 120 }, (_, n) => ({ body: { n }, ...(n === 0 ? { delayInSeconds: 60 } : {}) })));
  expect(host.queue.pending).toHaveLength(120);
  expect(host.queue.pending.map((e) => e.body.n)).toEqual([...Array(120).keys()]);
  expect(jobsOf().size).toBe(3);
  expect(host.queue.pending[0].dueAt).toBeGreaterThan(host.queue.pending[1].dueAt);
});

it('splits by size so no push exceeds 200 KB', async () => {
  const blob = 'x'.repeat(90 * 1024);
  await forgeQueue().push([{ body: { blob } }, { body: { blob } }, { body: { blob } }]);
  expect(host.queue.pending).toHaveLength(3);
  expect(jobsOf().size).toBe(2);
  expect(chunkMessages([{ body: { blob } }, { body: { blob } }, { body: { blob } }]).map((c) => c.length)).toEqual([2, 1]);
});

it('refuses a single message over 200 KB with a coded error', async () => {
  await expect(forgeQueue().push([{ body: { blob: 'x'.repeat(201 * 1024) } }])).rejects.toBeInstanceOf(CodedError);
  expect(host.queue.pending).toHaveLength(0);
});
