/** `KeyValueStore.getMany` over the real @forge/kvs `batchGet`, against the local KVS stand-in, and the in-memory fake. */
import { forgeKeyValueStore } from '../../../src/forge/adapters/kvs';
import type { ForgeHost } from '../../../dev/forge-host';
import { MemoryStore } from '../../fakes';
import { FakeClock, startHost } from '../runtime/helpers';

let host: ForgeHost;
let clock: FakeClock;
const store = forgeKeyValueStore();

beforeEach(() => {
  clock = new FakeClock();
  host = startHost({ clock });
});
afterEach(() => host.close());

const link = (findingId: string) => ({ findingId, projectKey: 'SEC', updatedAt: 1 });

it('reads plain keys and entity items in one storage call, in the order asked, undefined for missing or expired keys', async () => {
  await store.set('config:global', { routingRules: [] });
  await store.set('short', 1, { ttlSeconds: 10 });
  await store.entitySet('link', 'fnd_1', link('fnd_1'));
  clock.advance(11_000);
  const before = host.kvs.counters.reads;
  const values = await store.getMany([{ key: 'fnd_1', entity: 'link' }, { key: 'missing' }, { key: 'config:global' }, { key: 'short' }, { key: 'fnd_2', entity: 'link' }]);
  expect(host.kvs.counters.reads - before).toBe(1);
  expect(values).toEqual([link('fnd_1'), undefined, { routingRules: [] }, undefined, undefined]);
});

it('asks a repeated key once (Forge refuses duplicates in a batch) and splits more than 25 keys', async () => {
  for (let i = 0; i < 30; i++) await store.set(`k:${i}`, i);
  const before = host.kvs.counters.reads;
  const keys = Array.from({ length: 30 }, (_, i) => ({ key: `k:${i}` }));
  expect(await store.getMany([...keys, { key: 'k:3' }])).toEqual([...Array.from({ length: 30 }, (_, i) => i), 3]);
  expect(host.kvs.counters.reads - before).toBe(2);
  expect(await store.getMany([])).toEqual([]);
  expect(host.kvs.counters.reads - before).toBe(2);
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
