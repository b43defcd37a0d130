/**
 * The KVS stand-in, driven through the real @forge/kvs SDK, against the
 * documented Forge semantics (storage-reference/kvs-api, limits-kvs-ce).
 */
import { ForgeKvsAPIError, kvs, Sort, WhereConditions, Filter, FilterConditions } from '@forge/kvs';
import { FakeClock, startHost } from './helpers';
import type { ForgeHost } from '../../../dev/forge-host';

let host: ForgeHost & { stateDir: string };
let clock: FakeClock;

beforeEach(() => {
  clock = new FakeClock();
  host = startHost({ clock });
});
afterEach(() => host.close());

async function kvsError(promise: Promise<unknown>): Promise<ForgeKvsAPIError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ForgeKvsAPIError) return error;
    throw error;
  }
  throw new Error('expected a ForgeKvsAPIError');
}

describe('keys and values', () => {
  it('stores JSON values and answers undefined for absent keys', async () => {
    await kvs.set('config:SEC', { enabled: true, fields: [1, 2] });
    expect(await kvs.get('config:SEC')).toEqual({ enabled: true, fields: [1, 2] });
    expect(await kvs.get('config:NOPE')).toBeUndefined();
    await kvs.delete('config:SEC');
    expect(await kvs.get('config:SEC')).toBeUndefined();
  });

  it('refuses keys outside the documented character set and length', async () => {
    expect((await kvsError(kvs.set('bad/key', 1))).code).toBe('BAD_REQUEST');
    expect((await kvsError(kvs.set('k'.repeat(501), 1))).code).toBe('BAD_REQUEST');
  });

  it('refuses values over 240 KiB', async () => {
    expect((await kvsError(kvs.set('big', 'x'.repeat(241 * 1024)))).code).toBe('BAD_REQUEST');
  });

  it('FAIL_IF_EXISTS writes only when the key is absent, else KEY_CONFLICT', async () => {
    await kvs.set('idem:evt_1', { first: true }, { keyPolicy: 'FAIL_IF_EXISTS' });
    const error = await kvsError(kvs.set('idem:evt_1', { first: false }, { keyPolicy: 'FAIL_IF_EXISTS' }));
    expect(error.code).toBe('KEY_CONFLICT');
    expect(await kvs.get('idem:evt_1')).toEqual({ first: true });
  });

  it('expires values after their TTL (by the injected clock), which frees the key for FAIL_IF_EXISTS', async () => {
    await kvs.set('lock:SEC-1', 'held', { ttl: { value: 30, unit: 'SECONDS' } });
    clock.advance(29_000);
    expect(await kvs.get('lock:SEC-1')).toBe('held');
    clock.advance(2_000);
    expect(await kvs.get('lock:SEC-1')).toBeUndefined();
    await kvs.set('lock:SEC-1', 'again', { keyPolicy: 'FAIL_IF_EXISTS', ttl: { value: 1, unit: 'MINUTES' } });
    expect(await kvs.get('lock:SEC-1')).toBe('again');
  });

  it('answers metadata and the previous value when asked', async () => {
    await kvs.set('m', 1);
    clock.advance(1000);
    const previous = await kvs.set('m', 2, { keyPolicy: 'OVERRIDE', returnValue: 'PREVIOUS' });
    expect(previous?.value).toBe(1);
    expect(await kvs.get('m', { metadataFields: [] })).toEqual({ key: 'm', value: 2 });
  });
});

describe('prefix queries', () => {
  it('pages through keys in order with cursors, ≤ 100 a page', async () => {
    for (let i = 0; i < 25; i++) await kvs.set(`link:${String(i).padStart(2, '0')}`, i);
    await kvs.set('other:1', 'x');
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      let query = kvs.query().where('key', WhereConditions.beginsWith('link:')).limit(10);
      if (cursor) query = query.cursor(cursor);
      const page = await query.getMany<number>();
      seen.push(...page.results.map((r) => r.value));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...Array(25).keys()]);
    expect((await kvsError(kvs.query().limit(101).getMany())).code).toBe('BAD_REQUEST');
  });

  it('never lists secrets or custom entities', async () => {
    await kvs.setSecret('signing-secret', 'whsec_x');
    await kvs.entity('link').set('fnd_1', { findingId: 'fnd_1', issueId: '10001', projectKey: 'SEC', updatedAt: 1 });
    await kvs.set('plain', 1);
    const all = await kvs.query().limit(100).getMany();
    expect(all.results.map((r) => r.key)).toEqual(['plain']);
    expect(await kvs.getSecret('signing-secret')).toBe('whsec_x');
  });
});

describe('transactions', () => {
  it('applies every operation or none', async () => {
    await kvs.entity('link').set('fnd_1', { findingId: 'fnd_1', issueId: '10001', projectKey: 'SEC', updatedAt: 5 });
    await kvs.transact().set('a', 1).set('fnd_2', { findingId: 'fnd_2', projectKey: 'SEC', updatedAt: 1 }, { entityName: 'link' }).delete('missing').execute();
    expect(await kvs.get('a')).toBe(1);
    expect(await kvs.entity('link').get('fnd_2')).toEqual({ findingId: 'fnd_2', projectKey: 'SEC', updatedAt: 1 });

    // The check fails (updatedAt is 5, not < 5): nothing of this transaction is written.
    const error = await kvsError(
      kvs
        .transact()
        .set('b', 2)
        .delete('a')
        .check('fnd_1', { entityName: 'link', conditions: new Filter<{ updatedAt: number }>().and('updatedAt', FilterConditions.lessThan(5)) })
        .execute(),
    );
    expect(error.code).toBe('CONDITION_FAILED');
    expect(await kvs.get('b')).toBeUndefined();
    expect(await kvs.get('a')).toBe(1);
  });

  it('refuses more than 25 operations', async () => {
    const tx = kvs.transact();
    for (let i = 0; i < 26; i++) tx.set(`k${i}`, i);
    expect((await kvsError(tx.execute())).code).toBe('BAD_REQUEST');
    expect(await kvs.get('k0')).toBeUndefined();
  });
});

describe('custom entities', () => {
  beforeEach(async () => {
    const links = kvs.entity('link');
    await links.set('fnd_a', { findingId: 'fnd_a', issueId: '1', projectKey: 'SEC', updatedAt: 300 });
    await links.set('fnd_b', { findingId: 'fnd_b', issueId: '2', projectKey: 'SEC', updatedAt: 100 });
    await links.set('fnd_c', { findingId: 'fnd_c', issueId: '3', projectKey: 'APP', updatedAt: 200 });
    await links.set('fnd_d', { findingId: 'fnd_d', issueId: '4', projectKey: 'SEC', updatedAt: 200, remediationId: 'rem_1' });
  });

  it('queries an index by partition, in range order, both directions, with cursors', async () => {
    const asc = await kvs.entity('link').query().index('by-project', { partition: ['SEC'] }).getMany();
    expect(asc.results.map((r) => r.key)).toEqual(['fnd_b', 'fnd_d', 'fnd_a']);

    const first = await kvs.entity('link').query().index('by-project', { partition: ['SEC'] }).sort(Sort.DESC).limit(2).getMany();
    expect(first.results.map((r) => r.key)).toEqual(['fnd_a', 'fnd_d']);
    const rest = await kvs.entity('link').query().index('by-project', { partition: ['SEC'] }).sort(Sort.DESC).limit(2).cursor(first.nextCursor!).getMany();
    expect(rest.results.map((r) => r.key)).toEqual(['fnd_b']);
    expect(rest.nextCursor).toBeUndefined();
  });

  it('applies range conditions on the range attribute', async () => {
    const between = await kvs.entity('link').query().index('by-project', { partition: ['SEC'] }).where(WhereConditions.between(150, 300)).getMany();
    expect(between.results.map((r) => r.key)).toEqual(['fnd_d', 'fnd_a']);
    const byIssue = await kvs.entity('link').query().index('issueId').where(WhereConditions.equalTo('3')).getMany();
    expect(byIssue.results.map((r) => r.key)).toEqual(['fnd_c']);
  });

  it('leaves items without the indexed attribute out of the index', async () => {
    const byRemediation = await kvs.entity('link').query().index('remediationId').getMany();
    expect(byRemediation.results.map((r) => r.key)).toEqual(['fnd_d']);
  });

  it('rejects undeclared entities and indexes, missing partitions and wrongly typed attributes', async () => {
    expect((await kvsError(kvs.entity('nope').set('x', { a: 1 }))).code).toBe('BAD_REQUEST');
    expect((await kvsError(kvs.entity('link').query().index('nope').getMany())).code).toBe('BAD_REQUEST');
    expect((await kvsError(kvs.entity('link').query().index('by-project').getMany())).code).toBe('BAD_REQUEST');
    expect((await kvsError(kvs.entity('link').set('x', { updatedAt: 'yesterday' }))).code).toBe('BAD_REQUEST');
  });

  it('refuses an attribute manifest.yml does not declare, alone and inside a transaction', async () => {
    const refused = await kvsError(kvs.entity('link').set('x', { findingId: 'x', notDeclared: 1 }));
    expect(refused).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('link.notDeclared') });
    const tx = kvs.transact().set('y', { at: 1, projectKey: 'SEC', status: 'created', findingId: 'y', extra: true }, { entityName: 'activity' });
    expect((await kvsError(tx.execute())).code).toBe('BAD_REQUEST');
    expect(await kvs.entity('activity').get('y')).toBeUndefined();
  });
});

describe('persistence', () => {
  it('keeps keys, entities and secrets across a restart, and not expired values', async () => {
    await kvs.set('config:SEC', { v: 1 });
    await kvs.set('short', 1, { ttl: { value: 10, unit: 'SECONDS' } });
    await kvs.setSecret('signing-secret', 's3cr3t');
    await kvs.entity('activity').set('act_1', { at: 1, projectKey: 'SEC', status: 'created', findingId: 'fnd_1' });
    host.close();

    clock.advance(11_000);
    host = startHost({ stateDir: host.stateDir, clock });
    expect(await kvs.get('config:SEC')).toEqual({ v: 1 });
    expect(await kvs.get('short')).toBeUndefined();
    expect(await kvs.getSecret('signing-secret')).toBe('s3cr3t');
    const byFinding = await kvs.entity('activity').query().index('by-finding', { partition: ['fnd_1'] }).getMany();
    expect(byFinding.results.map((r) => r.key)).toEqual(['act_1']);
  });

  it('starts empty with reset', async () => {
    await kvs.set('config:SEC', { v: 1 });
    host.close();
    host = startHost({ stateDir: host.stateDir, clock, reset: true });
    expect(await kvs.get('config:SEC')).toBeUndefined();
  });
});

describe("batch operations a minute (Forge's 45, on by default)", () => {
  const batchRead = () => kvs.batchGet([{ key: 'a' }, { key: 'b' }]);

  it('refuses the 46th batch call of a minute and accepts again after it; single reads are not batch operations', async () => {
    for (let i = 0; i < 45; i++) await batchRead();
    expect(await kvsError(batchRead())).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED' });
    expect(await kvs.get('a')).toBeUndefined();
    clock.advance(60_001);
    await expect(batchRead()).resolves.toMatchObject({ failedKeys: expect.any(Array) });
  });

  it('batchOpsPerMinute: Infinity switches the check off', async () => {
    host.close();
    host = startHost({ clock, reset: true, kvs: { batchOpsPerMinute: Infinity } });
    for (let i = 0; i < 60; i++) await batchRead();
  });
});

describe('latency (KVS_LATENCY_MS)', () => {
  afterEach(() => jest.useRealTimers());

  it('answers each storage call only after the configured latency, and refuses a negative one', async () => {
    await kvs.set('lat:a', 1);
    host.setKvsLatency(25);
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    let answered = false;
    const pending = kvs.get('lat:a').then((value) => {
      answered = true;
      return value;
    });
    await jest.advanceTimersByTimeAsync(24);
    expect(answered).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(await pending).toBe(1);
    jest.useRealTimers();
    host.setKvsLatency(0);
    expect(() => host.setKvsLatency(-1)).toThrow(/≥ 0/);
    expect(await kvs.get('lat:a')).toBe(1);
  });
});
