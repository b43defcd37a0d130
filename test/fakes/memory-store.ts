/**
 * In-memory KeyValueStore with the Forge KVS semantics the app relies on
 * (docs/platform-limits.md "Storage"): `ifAbsent` (FAIL_IF_EXISTS) conflicts, TTL measured
 * on an injected Clock, key-prefix listing in key order with cursors and pages
 * ≤ 100, all-or-nothing transactions of ≤ 25 operations, and custom entities
 * queried by the indexes manifest.yml declares.
 *
 * Every operation yields to the event loop first, so concurrent callers really
 * interleave (a race the code must survive shows up here too).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import type {
  Clock,
  EntityQuery,
  EntityRangeCondition,
  KeyValueEntry,
  KeyValueStore,
  Page,
  SetOptions,
  StoreKeyRef,
  TransactionOperation,
} from '../../src/core/ports';
import { FakeClock } from './clock';

const KEY_PATTERN = /^[a-zA-Z0-9:._\s\-#]{1,500}$/;
const MAX_VALUE_BYTES = 240 * 1024;
const MAX_PAGE = 100;
const MAX_TRANSACTION_OPS = 25;
const MAX_TTL_SECONDS = 365 * 86400;

export interface EntityIndexDefinition {
  name: string;
  partition: string[];
  range: string;
}

interface Item {
  value: unknown;
  expireAt?: number;
}

export class StoreError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

type Json = Record<string, unknown>;

/** Reads `app.storage.entities[].indexes` from manifest.yml (the single source of truth). */
export function loadEntityIndexes(manifestPath = path.resolve(__dirname, '../../manifest.yml')): Map<string, EntityIndexDefinition[]> {
  const raw: unknown = parse(fs.readFileSync(manifestPath, 'utf8'));
  const result = new Map<string, EntityIndexDefinition[]>();
  const app = isObject(raw) && isObject(raw.app) ? raw.app : {};
  const storage = isObject(app.storage) ? app.storage : {};
  const entities = Array.isArray(storage.entities) ? storage.entities : [];
  for (const entity of entities) {
    if (!isObject(entity) || typeof entity.name !== 'string') continue;
    const indexes: EntityIndexDefinition[] = [];
    for (const index of Array.isArray(entity.indexes) ? entity.indexes : []) {
      if (typeof index === 'string') indexes.push({ name: index, partition: [], range: index });
      else if (isObject(index) && typeof index.name === 'string') {
        const partition = Array.isArray(index.partition) ? index.partition.filter((p): p is string => typeof p === 'string') : [];
        // `range: at` and `range: [at]` both appear in manifests.
        const rawRange: unknown = Array.isArray(index.range) ? index.range[0] : index.range;
        const range = typeof rawRange === 'string' ? rawRange : '';
        indexes.push({ name: index.name, partition, range });
      }
    }
    result.set(entity.name, indexes);
  }
  return result;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKey(key: string): void {
  if (!KEY_PATTERN.test(key)) throw new StoreError('INVALID_KEY', `Invalid key ${JSON.stringify(key)}: ≤ 500 characters of [a-zA-Z0-9:._\\s-#]`);
}

function checkValue(value: unknown): void {
  const text = JSON.stringify(value);
  if (text === undefined) throw new StoreError('INVALID_VALUE', 'Value must be JSON');
  if (Buffer.byteLength(text) > MAX_VALUE_BYTES) throw new StoreError('VALUE_TOO_LARGE', 'Value exceeds 240 KiB');
}

const clone = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function matchesRange(value: unknown, condition: EntityRangeCondition | undefined): boolean {
  if (!condition) return true;
  if (value === undefined || value === null) return false;
  switch (condition.op) {
    case 'beginsWith':
      return typeof value === 'string' || typeof value === 'number' ? String(value).startsWith(String(condition.value)) : false;
    case 'between':
      return compare(value, condition.from) >= 0 && compare(value, condition.to) <= 0;
    case 'equalTo':
      return compare(value, condition.value) === 0;
    case 'greaterThan':
      return compare(value, condition.value) > 0;
    case 'greaterThanEqualTo':
      return compare(value, condition.value) >= 0;
    case 'lessThan':
      return compare(value, condition.value) < 0;
    case 'lessThanEqualTo':
      return compare(value, condition.value) <= 0;
  }
}

export interface MemoryStoreOptions {
  clock?: Clock;
  /** Index definitions per entity; default: read from manifest.yml. */
  entityIndexes?: Map<string, EntityIndexDefinition[]>;
}

/** Which storage calls an injected failure hits. */
export type StorageCallKind = 'any' | 'read' | 'write';

export class MemoryStore implements KeyValueStore {
  readonly clock: Clock;
  private readonly kv = new Map<string, Item>();
  private readonly entities = new Map<string, Map<string, Item>>();
  private readonly indexes: Map<string, EntityIndexDefinition[]>;
  /** Operation counters, so tests can check how many storage calls an event costs. */
  readonly stats = { reads: 0, writes: 0, transactions: 0, queries: 0 };
  /** Injected storage failures: `skip` calls still succeed, then `remaining` calls throw. */
  private fault: { skip: number; remaining: number; kind: StorageCallKind } | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    this.clock = options.clock ?? new FakeClock();
    this.indexes = options.entityIndexes ?? loadEntityIndexes();
  }

  /**
   * Makes the next `count` storage calls (of `kind`, after `skip` successful ones) fail, as an
   * outage would. The same call as the local Forge host's KVS (`host.kvs.failNext`), so one
   * contract suite (test/contracts/key-value-store.ts) drives both.
   */
  failNext(count: number, options: { skip?: number; kind?: StorageCallKind } = {}): void {
    this.fault = count > 0 ? { skip: options.skip ?? 0, remaining: count, kind: options.kind ?? 'any' } : undefined;
  }

  resetStats(): void {
    Object.assign(this.stats, { reads: 0, writes: 0, transactions: 0, queries: 0 });
  }

  /** Forget everything (a lost app store). */
  clear(): void {
    this.kv.clear();
    this.entities.clear();
  }

  /** Every live plain key (test inspection). */
  keys(): string[] {
    return [...this.kv.keys()].filter((key) => this.live(this.kv, key)).sort();
  }

  /** Every live entity item (test inspection). */
  entityItems<T>(entity: string): Array<KeyValueEntry<T>> {
    const bucket = this.entities.get(entity) ?? new Map<string, Item>();
    return [...bucket.keys()].sort().flatMap((key) => {
      const item = this.live(bucket, key);
      return item ? [{ key, value: clone(item.value) as T }] : [];
    });
  }

  async get<T>(key: string): Promise<T | undefined> {
    await tick();
    this.stats.reads += 1;
    this.injectedFault('read');
    checkKey(key);
    return clone(this.live(this.kv, key)?.value) as T | undefined;
  }

  /** One read however many keys (Forge `batchGet` is one storage call), ≤ 25 distinct keys. */
  async getMany(refs: StoreKeyRef[]): Promise<unknown[]> {
    await tick();
    this.stats.reads += 1;
    this.injectedFault('read');
    const distinct = new Set(refs.map((ref) => `${ref.entity ?? ''}/${ref.key}`));
    if (distinct.size > MAX_TRANSACTION_OPS) throw new StoreError('TOO_MANY_KEYS', `A batch holds at most ${MAX_TRANSACTION_OPS} keys`);
    return refs.map((ref) => {
      checkKey(ref.key);
      const bucket = ref.entity === undefined ? this.kv : this.bucket(ref.entity);
      return clone(this.live(bucket, ref.key)?.value);
    });
  }

  async set(key: string, value: unknown, options: SetOptions = {}): Promise<boolean> {
    await tick();
    this.beforeWrite();
    checkKey(key);
    checkValue(value);
    if (options.ttlSeconds !== undefined && (options.ttlSeconds <= 0 || options.ttlSeconds > MAX_TTL_SECONDS)) {
      throw new StoreError('INVALID_TTL', 'ttl must be > 0 and ≤ 1 year');
    }
    if (options.ifAbsent && this.live(this.kv, key)) return false;
    this.kv.set(key, {
      value: clone(value),
      ...(options.ttlSeconds !== undefined ? { expireAt: this.clock.now() + options.ttlSeconds * 1000 } : {}),
    });
    return true;
  }

  async delete(key: string): Promise<void> {
    await tick();
    this.beforeWrite();
    checkKey(key);
    this.kv.delete(key);
  }

  async list<T>(prefix: string, options: { limit?: number; cursor?: string } = {}): Promise<Page<KeyValueEntry<T>>> {
    await tick();
    this.stats.queries += 1;
    this.injectedFault('read');
    const limit = Math.min(options.limit ?? MAX_PAGE, MAX_PAGE);
    const after = options.cursor ? Buffer.from(options.cursor, 'base64url').toString('utf8') : undefined;
    const keys = [...this.kv.keys()]
      .filter((key) => key.startsWith(prefix) && this.live(this.kv, key) && (after === undefined || key > after))
      .sort();
    const page = keys.slice(0, limit);
    const items = page.map((key) => ({ key, value: clone(this.kv.get(key)?.value) as T }));
    const last = page[page.length - 1];
    return keys.length > limit && last !== undefined ? { items, nextCursor: Buffer.from(last, 'utf8').toString('base64url') } : { items };
  }

  async transact(operations: TransactionOperation[]): Promise<void> {
    await tick();
    this.beforeWrite();
    this.stats.transactions += 1;
    if (operations.length === 0) return;
    if (operations.length > MAX_TRANSACTION_OPS) throw new StoreError('TOO_MANY_OPERATIONS', `A transaction holds at most ${MAX_TRANSACTION_OPS} operations`);
    const seen = new Set<string>();
    for (const op of operations) {
      checkKey(op.key);
      const id = `${op.entity ?? ''}/${op.key}`;
      // Forge refuses a transaction that touches one item twice.
      if (seen.has(id)) throw new StoreError('DUPLICATE_KEY', `Transaction touches ${op.key} twice`);
      seen.add(id);
      if (op.kind === 'set') {
        checkValue(op.value);
        if (op.entity !== undefined && !isObject(op.value)) throw new StoreError('INVALID_VALUE', 'Entity values must be objects');
      }
    }
    for (const op of operations) {
      const bucket = op.entity === undefined ? this.kv : this.bucket(op.entity);
      if (op.kind === 'set') {
        bucket.set(op.key, { value: clone(op.value), ...(op.ttlSeconds !== undefined ? { expireAt: this.clock.now() + op.ttlSeconds * 1000 } : {}) });
      }
      else bucket.delete(op.key);
    }
  }

  async entityGet<T>(entity: string, key: string): Promise<T | undefined> {
    await tick();
    this.stats.reads += 1;
    this.injectedFault('read');
    checkKey(key);
    return clone(this.live(this.bucket(entity), key)?.value) as T | undefined;
  }

  async entitySet(entity: string, key: string, value: object): Promise<void> {
    await tick();
    this.beforeWrite();
    checkKey(key);
    checkValue(value);
    this.bucket(entity).set(key, { value: clone(value) });
  }

  async entityDelete(entity: string, key: string): Promise<void> {
    await tick();
    this.beforeWrite();
    checkKey(key);
    this.bucket(entity).delete(key);
  }

  async entityQuery<T>(entity: string, query: EntityQuery): Promise<Page<KeyValueEntry<T>>> {
    await tick();
    this.stats.queries += 1;
    this.injectedFault('read');
    const index = (this.indexes.get(entity) ?? []).find((candidate) => candidate.name === query.index);
    if (!index) throw new StoreError('UNKNOWN_INDEX', `Entity ${entity} has no index ${query.index} in manifest.yml`);
    const partition = query.partition ?? [];
    if (partition.length !== index.partition.length) {
      throw new StoreError('INVALID_QUERY', `Index ${index.name} needs ${index.partition.length} partition value(s)`);
    }
    const limit = Math.min(query.limit ?? MAX_PAGE, MAX_PAGE);
    const bucket = this.bucket(entity);
    const rows: Array<{ key: string; value: Json }> = [];
    for (const key of bucket.keys()) {
      const item = this.live(bucket, key);
      if (!item || !isObject(item.value)) continue;
      const value = item.value;
      // Sparse index: items without the partition/range attributes are not in it.
      if (index.partition.some((attr, i) => value[attr] !== partition[i])) continue;
      if (value[index.range] === undefined) continue;
      if (!matchesRange(value[index.range], query.range)) continue;
      rows.push({ key, value });
    }
    rows.sort((a, b) => compare(a.value[index.range], b.value[index.range]) || compare(a.key, b.key));
    if (query.sort === 'DESC') rows.reverse();
    const offset = query.cursor ? Number(Buffer.from(query.cursor, 'base64url').toString('utf8')) : 0;
    const page = rows.slice(offset, offset + limit);
    const items = page.map((row) => ({ key: row.key, value: clone(row.value) as T }));
    return offset + limit < rows.length ? { items, nextCursor: Buffer.from(String(offset + limit), 'utf8').toString('base64url') } : { items };
  }

  private beforeWrite(): void {
    this.stats.writes += 1;
    this.injectedFault('write');
  }

  private injectedFault(kind: 'read' | 'write'): void {
    const fault = this.fault;
    if (!fault || (fault.kind !== 'any' && fault.kind !== kind)) return;
    if (fault.skip > 0) {
      fault.skip -= 1;
      return;
    }
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.fault = undefined;
    throw new StoreError('STORAGE_UNAVAILABLE', 'Injected storage failure');
  }

  private bucket(entity: string): Map<string, Item> {
    let bucket = this.entities.get(entity);
    if (!bucket) {
      if (!this.indexes.has(entity)) throw new StoreError('UNKNOWN_ENTITY', `Entity ${entity} is not declared in manifest.yml`);
      bucket = new Map();
      this.entities.set(entity, bucket);
    }
    return bucket;
  }

  private live(bucket: Map<string, Item>, key: string): Item | undefined {
    const item = bucket.get(key);
    if (!item) return undefined;
    if (item.expireAt !== undefined && item.expireAt <= this.clock.now()) {
      bucket.delete(key);
      return undefined;
    }
    return item;
  }
}

/** Lets other pending promises run, as a network round trip to KVS would. */
function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
