import { FakeClock, MemoryQueue, MemoryStore } from '../../fakes';

describe('MemoryStore (Forge KVS semantics)', () => {
  it('refuses a second ifAbsent write and forgets values after their TTL', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore({ clock });
    expect(await store.set('claim:a', 1, { ifAbsent: true, ttlSeconds: 10 })).toBe(true);
    expect(await store.set('claim:a', 2, { ifAbsent: true })).toBe(false);
    expect(await store.get('claim:a')).toBe(1);
    clock.advance(10_000);
    expect(await store.get('claim:a')).toBeUndefined();
    expect(await store.set('claim:a', 3, { ifAbsent: true })).toBe(true);
  });

  it('only one of many concurrent ifAbsent writers wins', async () => {
    const store = new MemoryStore();
    const wins = await Promise.all(Array.from({ length: 20 }, (_, i) => store.set('k', i, { ifAbsent: true })));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it('lists by prefix in pages of at most 100 with cursors', async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 130; i += 1) await store.set(`p:${String(i).padStart(3, '0')}`, i);
    await store.set('q:other', 0);
    const first = await store.list<number>('p:', { limit: 500 });
    expect(first.items).toHaveLength(100);
    const second = await store.list<number>('p:', { cursor: first.nextCursor });
    expect(second.items).toHaveLength(30);
    expect(second.nextCursor).toBeUndefined();
  });

  it('applies a transaction all-or-nothing and refuses more than 25 operations', async () => {
    const store = new MemoryStore();
    await expect(store.transact(Array.from({ length: 26 }, (_, i) => ({ kind: 'set' as const, key: `k${i}`, value: i })))).rejects.toThrow();
    await expect(store.transact([{ kind: 'set', key: 'ok', value: 1 }, { kind: 'set', key: 'bad key!', value: 2 }])).rejects.toThrow();
    expect(await store.get('ok')).toBeUndefined();
    await store.transact([{ kind: 'set', key: 'ok', value: 1 }, { kind: 'set', entity: 'link', key: 'f1', value: { issueId: '1' } }]);
    expect(await store.entityGet('link', 'f1')).toEqual({ issueId: '1' });
  });

  it('queries entities by the indexes manifest.yml declares', async () => {
    const store = new MemoryStore();
    await store.entitySet('activity', 'a1', { at: 1, projectKey: 'SEC', status: 'created', findingId: 'f1' });
    await store.entitySet('activity', 'a2', { at: 2, projectKey: 'SEC', status: 'failed', findingId: 'f2' });
    await store.entitySet('activity', 'a3', { at: 3, projectKey: 'APP', status: 'created', findingId: 'f3' });
    const sec = await store.entityQuery<{ at: number }>('activity', { index: 'by-project', partition: ['SEC'], sort: 'DESC' });
    expect(sec.items.map((i) => i.key)).toEqual(['a2', 'a1']);
    const byIssue = await store.entityQuery('link', { index: 'issueId', range: { op: 'equalTo', value: 'x' } });
    expect(byIssue.items).toEqual([]);
    await expect(store.entityQuery('activity', { index: 'nope' })).rejects.toThrow(/no index/);
  });
});

describe('MemoryQueue', () => {
  it('records pushes, enforces the 50-event limit and redelivers failed messages', async () => {
    const queue = new MemoryQueue();
    await expect(queue.push(Array.from({ length: 51 }, () => ({ body: {} })))).rejects.toThrow();
    await queue.push([{ body: { n: 1 } }, { body: { n: 2 } }]);
    let attempts = 0;
    const report = await queue.drain(async (body) => {
      if (body.n === 2 && attempts++ === 0) throw new Error('boom');
    });
    expect(report.delivered).toBe(3);
    expect(report.failed).toEqual([]);
  });
});
