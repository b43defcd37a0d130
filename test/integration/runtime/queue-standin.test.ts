/**
 * The @forge/events stand-in, driven through the real Queue SDK: at-least-once
 * delivery, delayInSeconds, retries with backoff, InvocationError retryAfter,
 * persistence across a restart. Delays are scaled down (`delayScale`) so the
 * test waits milliseconds for what takes seconds in Forge.
 */
import { InvocationError, InvocationErrorCode, Queue } from '@forge/events';
import { startHost } from './helpers';
import type { AsyncEvent, ForgeHost } from '../../../dev/forge-host';

const SCALE = 0.001; // 1 s → 1 ms
let host: ForgeHost & { stateDir: string };

beforeEach(() => {
  host = startHost({ queue: { delayScale: SCALE, backoffBaseMs: 2_000 } });
});
afterEach(() => host.close());

const queue = () => new Queue({ key: 'backline-sync' });

it('delivers every pushed event to the consumer with its body, job id and no retry context', async () => {
  const seen: AsyncEvent[] = [];
  host.queue.setConsumer('backline-sync', async (event) => {
    seen.push(event);
  });
  const { jobId } = await queue().push([{ body: { n: 1 } }, { body: { n: 2 } }]);
  await host.waitForQueueIdle();
  expect(seen.map((e) => e.body).sort((a, b) => Number(a.n) - Number(b.n))).toEqual([{ n: 1 }, { n: 2 }]);
  expect(seen.every((e) => e.jobId === jobId && e.queueName === 'backline-sync' && e.retryContext === undefined)).toBe(true);
  expect(host.queue.pending).toHaveLength(0);
});

it('holds an event for delayInSeconds before its first delivery', async () => {
  const pushedAt = Date.now();
  let deliveredAt = 0;
  host.queue.setConsumer('backline-sync', async () => {
    deliveredAt = Date.now();
  });
  await queue().push({ body: { n: 1 }, delayInSeconds: 300 });
  expect(host.queue.pending[0].dueAt).toBeGreaterThanOrEqual(pushedAt + 300_000 * SCALE);
  await host.waitForQueueIdle();
  expect(deliveredAt).toBeGreaterThanOrEqual(pushedAt + 300_000 * SCALE);
});

it('redelivers after a consumer throws, with backoff, counting retries (at least once)', async () => {
  const attempts: Array<AsyncEvent['retryContext']> = [];
  host.queue.setConsumer('backline-sync', async (event) => {
    attempts.push(event.retryContext);
    if (attempts.length < 3) throw new Error('Jira is down');
  });
  await queue().push({ body: { n: 1 } });
  await host.waitForQueueIdle();
  expect(attempts.map((r) => r?.retryCount)).toEqual([undefined, 1, 2]);
  expect(attempts[1]!.retryReason).toBe('FUNCTION_PLATFORM_UNKNOWN_ERROR');
});

it('honours an InvocationError: retryAfter, retryReason and retryData reach the next delivery', async () => {
  const attempts: AsyncEvent[] = [];
  let firstFailedAt = 0;
  host.queue.setConsumer('backline-sync', async (event) => {
    attempts.push(event);
    if (attempts.length === 1) {
      firstFailedAt = Date.now();
      return new InvocationError({ retryAfter: 120, retryReason: InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED, retryData: { cursor: 7 } });
    }
    return undefined;
  });
  await queue().push({ body: { n: 1 } });
  await host.waitForQueueIdle();
  expect(attempts).toHaveLength(2);
  expect(attempts[1].retryContext).toEqual({ retryCount: 1, retryReason: 'FUNCTION_UPSTREAM_RATE_LIMITED', retryData: { cursor: 7 } });
  expect(Date.now()).toBeGreaterThanOrEqual(firstFailedAt + 120_000 * SCALE);
});

it('keeps queued events across a restart and delivers them to the next consumer', async () => {
  await queue().push([{ body: { n: 1 } }, { body: { n: 2 }, delayInSeconds: 10 }]);
  host.close();

  host = startHost({ stateDir: host.stateDir, queue: { delayScale: SCALE } });
  const seen: unknown[] = [];
  host.queue.setConsumer('backline-sync', async (event) => {
    seen.push(event.body);
  });
  await host.waitForQueueIdle();
  expect(seen).toEqual(expect.arrayContaining([{ n: 1 }, { n: 2 }]));
});

it('refuses pushes Forge refuses: more than 50 events, over 200 KB, delay over 900 s', async () => {
  await expect(queue().push(Array.from({ length: 51 }, (_, n) => ({ body: { n } })))).rejects.toThrow(/50/);
  await expect(queue().push({ body: { blob: 'x'.repeat(201 * 1024) } })).rejects.toThrow(/200KB/);
  await expect(queue().push({ body: {}, delayInSeconds: 901 })).rejects.toThrow(/900/);
});

it('keeps an acknowledged push across a crash (no close, no flush): the journal beside the state file brings it back', async () => {
  const { LocalQueue } = await import('../../../dev/forge-host/queue');
  const file = `${host.stateDir}/crash-queue.json`;
  const before = new LocalQueue({ file, reset: true, delayScale: SCALE });
  before.push('backline-sync', [{ body: { n: 1 } }]);
  before.push('backline-sync', [{ body: { n: 2 } }, { body: { n: 3 }, delayInSeconds: 5 }]);
  // The process dies here: the pushes were acknowledged, the state file was not rewritten since.
  const after = new LocalQueue({ file, delayScale: SCALE });
  expect(after.pending.map((e) => e.body)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  // Replayed once: a third start reads them from the state file, not twice.
  expect(new LocalQueue({ file, delayScale: SCALE }).pending).toHaveLength(3);
  before.close();
  after.close();
});
