/**
 * The `KeyValueStore` contract (src/core/ports.ts; Forge KVS semantics in
 * docs/platform-limits.md "Storage"), as one jest suite run against every
 * implementation: the in-memory fake the unit tests use, and the real
 * @forge/kvs adapter over the local Forge host's KVS stand-in
 * (test/integration/forge-adapters/kvs-contract.test.ts). A behaviour the
 * core relies on is written here once, so the two stores cannot drift apart.
 */
import type { KeyValueStore } from '../../src/core/ports';

export interface StoreUnderTest {
  store: KeyValueStore;
  /** Moves the store's clock (TTL). */
  advance(ms: number): void;
  /** The next `count` calls of `kind` (after `skip` successful ones) fail, as in an outage. */
  failNext(count: number, options?: { skip?: number; kind?: 'any' | 'read' | 'write' }): void;
  close(): void;
}

const link = (findingId: string, projectKey: string, updatedAt: number) => ({ findingId, projectKey, updatedAt });

export function keyValueStoreContract(name: string, open: () => StoreUnderTest): void {
  describe(`KeyValueStore contract: ${name}`, () => {
    let t: StoreUnderTest;
    let store: KeyValueStore;
    beforeEach(() => {
      t = open();
      store = t.store;
    });
    afterEach(() => t.close());

    it('sets, gets (a copy, not the stored object) and deletes; a missing key is undefined', async () => {
      const value = { a: [1, 2], b: { c: 'x' } };
      expect(await store.set('k:1', value)).toBe(true);
      value.a.push(3);
      expect(await store.get('k:1')).toEqual({ a: [1, 2], b: { c: 'x' } });
      expect(await store.get('k:missing')).toBeUndefined();
      await store.delete('k:1');
      await store.delete('k:1');
      expect(await store.get('k:1')).toBeUndefined();
    });

    it('ifAbsent writes only when the key does not exist, and answers false otherwise', async () => {
      expect(await store.set('claim', 'first', { ifAbsent: true })).toBe(true);
      expect(await store.set('claim', 'second', { ifAbsent: true })).toBe(false);
      expect(await store.get('claim')).toBe('first');
      expect(await store.set('claim', 'third')).toBe(true);
      await store.delete('claim');
      expect(await store.set('claim', 'fourth', { ifAbsent: true })).toBe(true);
      expect(await store.get('claim')).toBe('fourth');
    });

    it('a key with a TTL is gone once it expires, and can be claimed again', async () => {
      await store.set('short', 1, { ttlSeconds: 10, ifAbsent: true });
      t.advance(9_000);
      expect(await store.get('short')).toBe(1);
      expect(await store.set('short', 2, { ifAbsent: true })).toBe(false);
      // How claims are taken (ifAbsent with a TTL): a live claim is never overwritten.
      expect(await store.set('short', 2, { ifAbsent: true, ttlSeconds: 60 })).toBe(false);
      expect(await store.get('short')).toBe(1);
      t.advance(2_000);
      expect(await store.get('short')).toBeUndefined();
      expect(await store.set('short', 3, { ifAbsent: true })).toBe(true);
    });

    it('lists keys by prefix in key order, ≤ 100 a page, with a cursor that neither skips nor repeats', async () => {
      const keys = Array.from({ length: 130 }, (_, i) => `dl:${String(i).padStart(3, '0')}`);
      for (const key of [...keys].reverse()) await store.set(key, key);
      await store.set('dm:other', 0);
      await store.set('d', 0);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.list<string>('dl:', { limit: 40, ...(cursor ? { cursor } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(40);
        for (const item of page.items) expect(item.value).toBe(item.key);
        seen.push(...page.items.map((i) => i.key));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(seen).toEqual(keys);
      expect(pages).toBe(4);
      const big = await store.list('dl:', { limit: 500 });
      expect(big.items).toHaveLength(100);
      expect(big.nextCursor).toBeDefined();
    });

    it('getMany answers in the order asked, undefined for missing or expired, entities included', async () => {
      await store.set('a', 1);
      await store.set('b', 2, { ttlSeconds: 5 });
      await store.entitySet('link', 'fnd_1', link('fnd_1', 'SEC', 1));
      t.advance(6_000);
      expect(await store.getMany([{ key: 'fnd_1', entity: 'link' }, { key: 'b' }, { key: 'a' }, { key: 'none' }, { key: 'a' }])).toEqual([link('fnd_1', 'SEC', 1), undefined, 1, undefined, 1]);
      expect(await store.getMany([])).toEqual([]);
    });

    it('a transaction applies all its operations, or none when one is refused', async () => {
      await store.set('t:old', 'x');
      await store.transact([
        { kind: 'set', key: 't:a', value: 1 },
        { kind: 'delete', key: 't:old' },
        { kind: 'set', key: 'fnd_t', entity: 'link', value: link('fnd_t', 'SEC', 5) },
      ]);
      expect(await store.getMany([{ key: 't:a' }, { key: 't:old' }, { key: 'fnd_t', entity: 'link' }])).toEqual([1, undefined, link('fnd_t', 'SEC', 5)]);
      const tooMany = Array.from({ length: 26 }, (_, i) => ({ kind: 'set' as const, key: `t:many:${i}`, value: i }));
      await expect(store.transact(tooMany)).rejects.toThrow();
      expect(await store.get('t:many:0')).toBeUndefined();
      await expect(store.transact([{ kind: 'set', key: 't:b', value: 1 }, { kind: 'set', key: 'bad key ☃', value: 2 }])).rejects.toThrow();
      expect(await store.get('t:b')).toBeUndefined();
    });

    it('refuses keys Forge refuses and values over 240 KiB', async () => {
      await expect(store.set('no/slash', 1)).rejects.toThrow();
      await expect(store.set('x'.repeat(501), 1)).rejects.toThrow();
      await expect(store.set('big', 'x'.repeat(241 * 1024))).rejects.toThrow();
      expect(await store.set('fits', 'x'.repeat(200 * 1024))).toBe(true);
    });

    it('queries entities by index: partition, range, sort and pages', async () => {
      for (let i = 0; i < 30; i++) await store.entitySet('link', `fnd_${i}`, link(`fnd_${i}`, i % 2 === 0 ? 'SEC' : 'APP', 1000 + i));
      const seen: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.entityQuery<{ updatedAt: number; projectKey: string }>('link', { index: 'by-project', partition: ['SEC'], range: { op: 'greaterThanEqualTo', value: 1010 }, sort: 'DESC', limit: 4, ...(cursor ? { cursor } : {}) });
        for (const item of page.items) expect(item.value.projectKey).toBe('SEC');
        seen.push(...page.items.map((i) => i.value.updatedAt));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual([1028, 1026, 1024, 1022, 1020, 1018, 1016, 1014, 1012, 1010]);
      await store.entityDelete('link', 'fnd_28');
      expect(await store.entityGet('link', 'fnd_28')).toBeUndefined();
      expect((await store.entityQuery('link', { index: 'by-project', partition: ['SEC'], sort: 'DESC', limit: 1 })).items[0]?.key).toBe('fnd_26');
    });

    it('an injected write failure is an error and changes nothing; reads keep working', async () => {
      await store.set('w', 'before');
      t.failNext(1, { kind: 'write' });
      await expect(store.set('w', 'after')).rejects.toThrow();
      expect(await store.get('w')).toBe('before');
      expect(await store.set('w', 'after')).toBe(true);
      expect(await store.get('w')).toBe('after');
      // A failed claim is an error, never "someone else holds it" (false).
      t.failNext(1, { kind: 'write' });
      await expect(store.set('claim:w', 1, { ifAbsent: true, ttlSeconds: 60 })).rejects.toThrow();
      expect(await store.set('claim:w', 1, { ifAbsent: true, ttlSeconds: 60 })).toBe(true);
    });

    it('an injected read failure is an error, never "absent"; skip lets calls through first', async () => {
      await store.set('r', 1);
      t.failNext(1, { kind: 'read', skip: 1 });
      expect(await store.get('r')).toBe(1);
      await expect(store.get('r')).rejects.toThrow();
      expect(await store.get('r')).toBe(1);
      t.failNext(2);
      await expect(store.list('r')).rejects.toThrow();
      await expect(store.set('r', 2)).rejects.toThrow();
      expect(await store.get('r')).toBe(1);
    });
  });
}
