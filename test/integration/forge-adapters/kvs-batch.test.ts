/**
 * `KeyValueStore.getMany` over the real @forge/kvs, against the local KVS stand-in (which refuses
 * the 46th batch call of a minute, as Forge documents), and the in-memory fake.
 */
import { forgeKeyValueStore } from '../../../src/forge/adapters/kvs';
import { BatchBudget } from '../../../src/forge/adapters/batch-budget';
import { MemoryStore } from '../../fakes';
import { FakeClock, startHost } from '../runtime/helpers';

let host: ReturnType<typeof startHost>;
let clock: FakeClock;
const store = forgeKeyValueStore();

beforeEach(() => {
  clock = new FakeClock();
  host = startHost({ clock });
});
afterEach(() => host.close());

const link = (findingId: string) => ({ findingId, projectKey: 'SEC', updatedAt: 1 });

it('reads a few plain keys and entity items in one round trip of single gets, in the order asked, undefined for missing or expired keys', async () => {
  await store.set('config:global', { routingRules: [] });
  await store.set('short', 1, { ttlSeconds: 10 });
  await store.entitySet('link', 'fnd_1', link('fnd_1'));
  clock.advance(11_000);
  const before = { ...host.kvs.counters };
  const values = await store.getMany([{ key: 'fnd_1', entity: 'link' }, { key: 'missing' }, { key: 'config:global' }, { key: 'short' }, { key: 'fnd_2', entity: 'link' }]);
  expect(values).toEqual([link('fnd_1'), undefined, { routingRules: [] }, undefined, undefined]);
  // No batch call: Forge allows 45 a minute, and a few single gets in parallel wait no longer than one batch.
  expect(host.kvs.counters.batchCalls - before.batchCalls).toBe(0);
  expect(host.kvs.counters.roundTrips - before.roundTrips).toBe(1);
  expect(host.kvs.counters.reads - before.reads).toBe(5);
});

it('reads many keys in batches of at most 25, asking a repeated key once (Forge refuses duplicates in a batch)', async () => {
  for (let i = 0; i < 30; i++) await store.set(`k:${i}`, i);
  const before = { ...host.kvs.counters };
  const keys = Array.from({ length: 30 }, (_, i) => ({ key: `k:${i}` }));
  expect(await store.getMany([...keys, { key: 'k:3' }])).toEqual([...Array.from({ length: 30 }, (_, i) => i), 3]);
  expect(host.kvs.counters.batchCalls - before.batchCalls).toBe(2);
  expect(host.kvs.counters.reads - before.reads).toBe(30);
  expect(await store.getMany([])).toEqual([]);
  expect(host.kvs.counters.batchCalls - before.batchCalls).toBe(2);
});

describe("Forge's 45 batch operations a minute", () => {
  const keys = Array.from({ length: 30 }, (_, i) => ({ key: `k:${i}` }));
  const expected = Array.from({ length: 30 }, (_, i) => i);
  beforeEach(async () => {
    for (let i = 0; i < 30; i++) await store.set(`k:${i}`, i);
  });

  it("keeps to the process's budget, reading with single gets once it is spent, and batches again the next minute", async () => {
    const budgeted = forgeKeyValueStore(new BatchBudget(3, () => clock.now()));
    const before = host.kvs.counters.batchCalls;
    expect(await budgeted.getMany(keys)).toEqual(expected); // 2 batch calls
    expect(await budgeted.getMany(keys)).toEqual(expected); // 1 batch call, then single gets
    expect(await budgeted.getMany(keys)).toEqual(expected); // single gets only
    expect(host.kvs.counters.batchCalls - before).toBe(3);
    clock.advance(60_001);
    expect(await budgeted.getMany(keys)).toEqual(expected);
    expect(host.kvs.counters.batchCalls - before).toBe(5);
  });

  it('answers a read Forge refused as a batch with single gets, and makes no batch call for the rest of the minute', async () => {
    host.close();
    host = startHost({ clock, stateDir: host.stateDir, kvs: { batchOpsPerMinute: 1 } });
    const budgeted = forgeKeyValueStore(new BatchBudget(20, () => clock.now()));
    const before = host.kvs.counters.batchCalls;
    expect(await budgeted.getMany(keys)).toEqual(expected); // the second batch is refused (429), read singly
    expect(await budgeted.getMany(keys)).toEqual(expected);
    expect(host.kvs.counters.batchCalls - before).toBe(2); // the accepted one and the refused one
  });
});

it('a storage failure is an error, never "absent"', async () => {
  await store.set('a', 1);
  host.kvs.failNext(1, { kind: 'read' });
  await expect(store.getMany([{ key: 'a' }])).rejects.toThrow();
});

it('the in-memory fake answers the same and counts one read', async () => {
  const memory = new MemoryStore();
  await memory.set('a', 1);
  await memory.entitySet('link', 'fnd_1', link('fnd_1'));
  memory.resetStats();
  expect(await memory.getMany([{ key: 'a' }, { key: 'fnd_1', entity: 'link' }, { key: 'b' }])).toEqual([1, link('fnd_1'), undefined]);
  expect(memory.stats.reads).toBe(1);
});
