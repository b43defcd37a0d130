/** The KeyValueStore adapter over the real @forge/kvs, against the local KVS stand-in. */
import { forgeKeyValueStore } from '../../../src/forge/adapters/kvs';
import type { ForgeHost } from '../../../dev/forge-host';
import { FakeClock, startHost } from '../runtime/helpers';

let host: ForgeHost;
let clock: FakeClock;
const store = forgeKeyValueStore();

beforeEach(() => {
  clock = new FakeClock();
  host = startHost({ clock });
});
afterEach(() => host.close());

it('sets, gets and deletes; ifAbsent answers false for an existing key; TTL expires', async () => {
  expect(await store.set('idem:evt_1', { status: 'created' }, { ifAbsent: true, ttlSeconds: 60 })).toBe(true);
  expect(await store.set('idem:evt_1', { status: 'other' }, { ifAbsent: true })).toBe(false);
  expect(await store.get('idem:evt_1')).toEqual({ status: 'created' });
  clock.advance(61_000);
  expect(await store.get('idem:evt_1')).toBeUndefined();
  await store.set('k', 1);
  await store.delete('k');
  await store.delete('k'); // deleting an absent key is not an error
  expect(await store.get('k')).toBeUndefined();
});

it('lists a prefix page by page', async () => {
  for (let i = 0; i < 5; i++) await store.set(`cfg:${i}`, i);
  const first = await store.list<number>('cfg:', { limit: 3 });
  expect(first.items.map((e) => e.value)).toEqual([0, 1, 2]);
  const second = await store.list<number>('cfg:', { limit: 3, ...(first.nextCursor ? { cursor: first.nextCursor } : {}) });
  expect(second).toEqual({ items: [{ key: 'cfg:3', value: 3 }, { key: 'cfg:4', value: 4 }] });
});

it('transacts keys and entities together, and refuses more than 25 operations', async () => {
  await store.transact([
    { kind: 'set', key: 'a', value: 1 },
    { kind: 'set', key: 'fnd_1', value: { findingId: 'fnd_1', projectKey: 'SEC', updatedAt: 1 }, entity: 'link' },
  ]);
  expect(await store.get('a')).toBe(1);
  expect(await store.entityGet('link', 'fnd_1')).toEqual({ findingId: 'fnd_1', projectKey: 'SEC', updatedAt: 1 });
  await store.transact([{ kind: 'delete', key: 'fnd_1', entity: 'link' }]);
  expect(await store.entityGet('link', 'fnd_1')).toBeUndefined();
  await expect(store.transact(Array.from({ length: 26 }, (_, i) => ({ kind: 'set' as const, key: `k${i}`, value: i })))).rejects.toThrow(/25/);
});

it('queries entities by index with partition, range, sort, limit and cursor', async () => {
  for (const [key, at, status] of [
    ['a1', 10, 'created'],
    ['a2', 20, 'failed'],
    ['a3', 30, 'created'],
    ['a4', 40, 'created'],
  ] as const) {
    await store.entitySet('activity', key, { at, projectKey: 'SEC', status, findingId: 'fnd_1' });
  }
  const page1 = await store.entityQuery<{ at: number }>('activity', { index: 'by-status', partition: ['created'], range: { op: 'greaterThan', value: 5 }, sort: 'DESC', limit: 2 });
  expect(page1.items.map((e) => e.key)).toEqual(['a4', 'a3']);
  const page2 = await store.entityQuery('activity', { index: 'by-status', partition: ['created'], range: { op: 'greaterThan', value: 5 }, sort: 'DESC', limit: 2, cursor: page1.nextCursor! });
  expect(page2).toEqual({ items: [{ key: 'a1', value: { at: 10, projectKey: 'SEC', status: 'created', findingId: 'fnd_1' } }] });
  const between = await store.entityQuery('activity', { index: 'at', range: { op: 'between', from: 15, to: 35 } });
  expect(between.items.map((e) => e.key)).toEqual(['a2', 'a3']);
  await store.entityDelete('activity', 'a1');
  expect(await store.entityGet('activity', 'a1')).toBeUndefined();
});
