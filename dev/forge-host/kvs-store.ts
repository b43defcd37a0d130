/**
 * The Forge KVS stand-in: key-value pairs, secrets and custom entities with
 * the semantics documented for @forge/kvs (storage-reference/kvs-api,
 * limits-kvs-ce), answering the same REST calls the SDK makes
 * (`POST /api/v1/get`, `/set`, `/query`, `/entity/query`, `/transaction` …).
 *
 * Deliberate choices where Forge leaves room:
 * - TTL expiry is exact (Forge may still serve expired data for up to 48 h):
 *   the app must not depend on lingering data, and tests get determinism.
 * - Entity values are type-checked against the attributes declared in
 *   manifest.yml, and an attribute the manifest does not declare is refused:
 *   the custom-entity docs do not say undeclared attributes are kept, so the
 *   safe reading is that they are not (docs/platform-limits.md "Storage").
 * - Items lacking an index's partition or range attribute are not in that
 *   index (sparse indexes, as in Forge's DynamoDB-backed store).
 */
import type { EntityDefinition, EntityIndex } from './manifest';
import { JsonFile } from './persist';

export class KvsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface StoredItem {
  value: unknown;
  createdAt: number;
  updatedAt: number;
  /** Epoch ms after which the item no longer exists. */
  expireAt?: number;
}

export interface KvsDocument {
  version: 1;
  kv: Record<string, StoredItem>;
  secrets: Record<string, StoredItem>;
  entities: Record<string, Record<string, StoredItem>>;
}

type Json = Record<string, unknown>;
type Filter = { property: string; condition: string; values: unknown[] };
type Filters = { and?: Filter[]; or?: Filter[] };

const KEY_PATTERN = /^[a-zA-Z0-9:._\s\-#]{1,500}$/;
const MAX_VALUE_BYTES = 240 * 1024;
const MAX_DEPTH = 31;
export const MAX_PAGE = 100;
const DEFAULT_PAGE = 10;
const MAX_TRANSACTION_OPS = 25;
const TTL_UNIT_SECONDS: Record<string, number> = { SECONDS: 1, MINUTES: 60, HOURS: 3600, DAYS: 86400 };
const MAX_TTL_SECONDS = 365 * 86400;

const badRequest = (message: string) => new KvsError(400, 'BAD_REQUEST', message);

function depth(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value as Json);
  return 1 + children.reduce<number>((max, child) => Math.max(max, depth(child)), 0);
}

function checkKey(key: unknown): string {
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
    throw badRequest(`Invalid key ${JSON.stringify(key)}: 1-500 characters of [a-zA-Z0-9:._\\s-#]`);
  }
  return key;
}

function checkValue(value: unknown): void {
  if (value === undefined) throw badRequest('value is required');
  if (Buffer.byteLength(JSON.stringify(value)) > MAX_VALUE_BYTES) {
    throw new KvsError(400, 'BAD_REQUEST', `Value exceeds the maximum size of ${MAX_VALUE_BYTES} bytes`);
  }
  if (depth(value) > MAX_DEPTH) throw badRequest(`Value exceeds the maximum depth of ${MAX_DEPTH}`);
}

function checkLimit(limit: unknown): number {
  if (limit === undefined || limit === null) return DEFAULT_PAGE;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw badRequest(`limit must be an integer between 1 and ${MAX_PAGE}`);
  }
  return limit;
}

/** Text of a stored or requested value: primitives as themselves, anything else as JSON (never "[object Object]"). */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}

const encodeCursor = (position: unknown): string => Buffer.from(JSON.stringify(position)).toString('base64url');
function decodeCursor<T>(cursor: unknown): T | undefined {
  if (cursor === undefined || cursor === null || cursor === '') return undefined;
  try {
    return JSON.parse(Buffer.from(text(cursor), 'base64url').toString('utf8')) as T;
  } catch {
    throw badRequest('Invalid cursor');
  }
}

/** Orders strings and numbers the way an index does (numbers numerically, strings by code unit). */
function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = text(a);
  const sb = text(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function matches(value: unknown, condition: string, values: unknown[]): boolean {
  const [v0, v1] = values;
  switch (condition) {
    case 'EXISTS':
      return value !== undefined;
    case 'NOT_EXISTS':
      return value === undefined;
  }
  if (value === undefined) return false;
  switch (condition) {
    case 'EQUAL_TO':
      return value === v0;
    case 'NOT_EQUAL_TO':
      return value !== v0;
    case 'BEGINS_WITH':
      return text(value).startsWith(text(v0));
    case 'BETWEEN':
      return compare(value, v0) >= 0 && compare(value, v1) <= 0;
    case 'GREATER_THAN':
      return compare(value, v0) > 0;
    case 'GREATER_THAN_EQUAL_TO':
      return compare(value, v0) >= 0;
    case 'LESS_THAN':
      return compare(value, v0) < 0;
    case 'LESS_THAN_EQUAL_TO':
      return compare(value, v0) <= 0;
    case 'CONTAINS':
      return Array.isArray(value) ? value.includes(v0) : text(value).includes(text(v0));
    case 'NOT_CONTAINS':
      return Array.isArray(value) ? !value.includes(v0) : !text(value).includes(text(v0));
    default:
      throw badRequest(`Unknown condition ${condition}`);
  }
}

function matchesFilters(value: unknown, filters: Filters | undefined): boolean {
  if (!filters) return true;
  const attr = (property: string) => (value && typeof value === 'object' ? (value as Json)[property] : undefined);
  if (filters.and) return filters.and.every((f) => matches(attr(f.property), f.condition, f.values));
  if (filters.or) return filters.or.some((f) => matches(attr(f.property), f.condition, f.values));
  return true;
}

/**
 * What an event costs in Forge storage, read by the benchmark (bench/) and the
 * storage-count tests: reads per key (Forge's per-installation read limit
 * meters keys, so a batch of 4 is 4 reads), writes per call (a transaction
 * counts once), batch calls, and round trips.
 */
export interface KvsCounters {
  /** Keys read: a get or a query page is 1, a `batchGet` is its number of keys. */
  reads: number;
  /** Write calls: a set, a delete, a transaction or a batch set is 1. */
  writes: number;
  /** `batchGet`/`batchSet`/`batchDelete` calls (Forge allows 45 a minute). */
  batchCalls: number;
  /**
   * Storage round trips as the function waits for them: a call made while no other
   * was in flight starts one, and calls in flight together share it (the host counts).
   */
  roundTrips: number;
}

/** "You can send a maximum of 45 batch operations per minute" (dac:platform/forge/storage-reference/batchops). */
export const FORGE_BATCH_OPS_PER_MINUTE = 45;

const READ_PATHS = new Set(['/api/v1/get', '/api/v1/secret/get', '/api/v1/entity/get', '/api/v1/query', '/api/v1/entity/query', '/api/v1/batch/get']);

export interface KvsStoreOptions {
  reset?: boolean;
  /**
   * Refuse batch calls (`batchGet`/`batchSet`/`batchDelete`) beyond this many a
   * minute: Forge's batch-operations page documents 45, the default. `Infinity`
   * switches the check off (docs/platform-limits.md "Storage").
   */
  batchOpsPerMinute?: number;
}

export class KvsStore {
  private readonly doc: JsonFile<KvsDocument>;
  /** Since start or the last `resetCounters()` (failed calls included, as Forge meters them). */
  readonly counters: KvsCounters = { reads: 0, writes: 0, batchCalls: 0, roundTrips: 0 };

  resetCounters(): void {
    Object.assign(this.counters, { reads: 0, writes: 0, batchCalls: 0, roundTrips: 0 });
  }

  /** Injected storage failures (tests): `skip` calls still succeed, then `remaining` calls answer 500. */
  private fault: { skip: number; remaining: number; kind: 'any' | 'read' | 'write' } | undefined;

  /**
   * Makes the next `count` KVS calls (of `kind`, after `skip` successful ones) fail
   * with Forge's 500 answer, so tests can prove the app survives an unavailable store.
   */
  failNext(count: number, options: { skip?: number; kind?: 'any' | 'read' | 'write' } = {}): void {
    this.fault = count > 0 ? { skip: options.skip ?? 0, remaining: count, kind: options.kind ?? 'any' } : undefined;
  }

  constructor(
    file: string,
    private readonly entities: Map<string, EntityDefinition>,
    private readonly now: () => number,
    options: KvsStoreOptions = {},
  ) {
    this.doc = JsonFile.load<KvsDocument>(file, () => ({ version: 1, kv: {}, secrets: {}, entities: {} }), options);
    this.batchOpsPerMinute = options.batchOpsPerMinute ?? FORGE_BATCH_OPS_PER_MINUTE;
  }

  private readonly batchOpsPerMinute: number;
  /** When each batch call of the last minute was answered (only kept while the limit is finite). */
  private batchCalls: number[] = [];

  /**
   * "You can send a maximum of 45 batch operations per minute"
   * (dac:platform/forge/storage-reference/batchops, docs/platform-limits.md "Storage"):
   * a batch call beyond `batchOpsPerMinute` in any 60 s window is refused.
   */
  private meterBatchCall(): void {
    this.counters.batchCalls += 1;
    if (!Number.isFinite(this.batchOpsPerMinute)) return;
    const now = this.now();
    this.batchCalls = this.batchCalls.filter((at) => at > now - 60_000);
    if (this.batchCalls.length >= this.batchOpsPerMinute) {
      throw new KvsError(429, 'RATE_LIMIT_EXCEEDED', `More than ${this.batchOpsPerMinute} batch operations in a minute`);
    }
    this.batchCalls.push(now);
  }

  flush(): void {
    this.purgeExpired();
    this.doc.flushSync();
  }

  /** Answers a KVS REST call: `{ status, body }` (body undefined = empty). */
  handle(path: string, body: Json): { status: number; body?: unknown } {
    // Reads as the installation's read limit meters them, one per key: a batch of 4 keys is 4 reads.
    if (READ_PATHS.has(path)) this.counters.reads += path === '/api/v1/batch/get' && Array.isArray(body) ? (body as unknown[]).length : 1;
    else this.counters.writes += 1;
    const fault = this.fault;
    if (fault && (fault.kind === 'any' || (fault.kind === 'read') === READ_PATHS.has(path))) {
      if (fault.skip > 0) fault.skip -= 1;
      else {
        fault.remaining -= 1;
        if (fault.remaining <= 0) this.fault = undefined;
        throw new KvsError(500, 'INTERNAL_SERVER_ERROR', 'injected storage failure (local runtime)');
      }
    }
    switch (path) {
      case '/api/v1/get':
        return this.get(this.bucket('kv'), body);
      case '/api/v1/secret/get':
        return this.get(this.bucket('secrets'), body);
      case '/api/v1/entity/get':
        return this.get(this.entityBucket(body.entityName), body);
      case '/api/v1/set':
        return this.set(this.bucket('kv'), body, undefined);
      case '/api/v1/secret/set':
        return this.set(this.bucket('secrets'), body, undefined);
      case '/api/v1/entity/set':
        return this.set(this.entityBucket(body.entityName), body, this.entity(body.entityName));
      case '/api/v1/delete':
        return this.remove(this.bucket('kv'), body);
      case '/api/v1/secret/delete':
        return this.remove(this.bucket('secrets'), body);
      case '/api/v1/entity/delete':
        return this.remove(this.entityBucket(body.entityName), body);
      case '/api/v1/query':
        return this.query(body);
      case '/api/v1/entity/query':
        return this.entityQuery(body);
      case '/api/v1/transaction':
        return this.transact(body);
      case '/api/v1/batch/set':
      case '/api/v1/batch/get':
      case '/api/v1/batch/delete':
        this.meterBatchCall();
        return this.batch(path, body);
      default:
        throw new KvsError(404, 'NOT_FOUND', `The local KVS does not implement ${path}`);
    }
  }

  // -- buckets ---------------------------------------------------------------

  private bucket(name: 'kv' | 'secrets'): Record<string, StoredItem> {
    return this.doc.data[name];
  }

  private entity(name: unknown): EntityDefinition {
    const entity = typeof name === 'string' ? this.entities.get(name) : undefined;
    if (!entity) throw badRequest(`Entity ${JSON.stringify(name)} is not declared in manifest.yml app.storage.entities`);
    return entity;
  }

  private entityBucket(name: unknown): Record<string, StoredItem> {
    const entity = this.entity(name);
    return (this.doc.data.entities[entity.name] ??= {});
  }

  private live(bucket: Record<string, StoredItem>, key: string): StoredItem | undefined {
    const item = bucket[key];
    if (item && item.expireAt !== undefined && item.expireAt <= this.now()) {
      delete bucket[key];
      this.doc.changed();
      return undefined;
    }
    return item;
  }

  private purgeExpired(): void {
    const now = this.now();
    const buckets = [this.doc.data.kv, this.doc.data.secrets, ...Object.values(this.doc.data.entities)];
    for (const bucket of buckets) {
      for (const [key, item] of Object.entries(bucket)) if (item.expireAt !== undefined && item.expireAt <= now) delete bucket[key];
    }
  }

  // -- operations ------------------------------------------------------------

  private describe(key: string, item: StoredItem): Json {
    return {
      key,
      value: item.value,
      createdAt: item.createdAt,
      updatedAt: item.updatedAt,
      ...(item.expireAt !== undefined ? { expireTime: new Date(item.expireAt).toISOString() } : {}),
    };
  }

  private get(bucket: Record<string, StoredItem>, body: Json): { status: number; body?: unknown } {
    const key = checkKey(body.key);
    const item = this.live(bucket, key);
    if (!item) throw new KvsError(404, 'KEY_NOT_FOUND', 'Provided key does not exist');
    return { status: 200, body: this.describe(key, item) };
  }

  private validateEntityValue(entity: EntityDefinition, value: unknown): void {
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw badRequest(`Entity ${entity.name} values must be objects`);
    for (const [attr, v] of Object.entries(value as Json)) {
      const declared = entity.attributes[attr];
      if (!declared) throw badRequest(`Attribute ${entity.name}.${attr} is not declared in manifest.yml app.storage.entities`);
      if (v === null || v === undefined) continue;
      const ok =
        declared.type === 'any' ||
        (declared.type === 'string' && typeof v === 'string') ||
        (declared.type === 'integer' && Number.isInteger(v)) ||
        (declared.type === 'float' && typeof v === 'number') ||
        (declared.type === 'boolean' && typeof v === 'boolean');
      if (!ok) throw badRequest(`Attribute ${entity.name}.${attr} must be of type ${declared.type}, got ${JSON.stringify(v)}`);
    }
  }

  /** Validates a set without applying it, so transactions can check every operation first. */
  private prepareSet(bucket: Record<string, StoredItem>, body: Json, entity: EntityDefinition | undefined): () => Json | undefined {
    const key = checkKey(body.key);
    checkValue(body.value);
    if (entity) this.validateEntityValue(entity, body.value);
    const options = (body.options ?? {}) as Json;
    let expireAt: number | undefined;
    if (options.ttl !== undefined) {
      const ttl = options.ttl as { value?: unknown; unit?: unknown };
      const unit = TTL_UNIT_SECONDS[text(ttl.unit ?? 'SECONDS')];
      if (typeof ttl.value !== 'number' || ttl.value <= 0 || !unit) throw badRequest('ttl must be { value > 0, unit: SECONDS|MINUTES|HOURS|DAYS }');
      const seconds = ttl.value * unit;
      if (seconds > MAX_TTL_SECONDS) throw badRequest('ttl must not exceed 1 year');
      expireAt = this.now() + seconds * 1000;
    }
    const previous = this.live(bucket, key);
    if (options.keyPolicy === 'FAIL_IF_EXISTS' && previous) {
      throw new KvsError(409, 'KEY_CONFLICT', `Key ${key} already exists`);
    }
    return () => {
      const now = this.now();
      const item: StoredItem = {
        value: body.value,
        createdAt: previous?.createdAt ?? now,
        updatedAt: now,
        ...(expireAt !== undefined ? { expireAt } : {}),
      };
      bucket[key] = item;
      this.doc.changed();
      if (options.returnValue === 'PREVIOUS') return previous ? this.describe(key, previous) : undefined;
      if (options.returnValue === 'LATEST') return this.describe(key, item);
      return undefined;
    };
  }

  private set(bucket: Record<string, StoredItem>, body: Json, entity: EntityDefinition | undefined): { status: number; body?: unknown } {
    const result = this.prepareSet(bucket, body, entity)();
    return result ? { status: 200, body: result } : { status: 204 };
  }

  private remove(bucket: Record<string, StoredItem>, body: Json): { status: number } {
    const key = checkKey(body.key);
    if (!this.live(bucket, key)) throw new KvsError(404, 'KEY_NOT_FOUND', 'Provided key does not exist');
    delete bucket[key];
    this.doc.changed();
    return { status: 204 };
  }

  /** Key-prefix query over plain keys only: secrets and entities are never listed (Forge excludes them). */
  private query(body: Json): { status: number; body: unknown } {
    const limit = checkLimit(body.limit);
    const where = (Array.isArray(body.where) ? body.where : []) as Filter[];
    if (where.length > 1) throw badRequest('Only one where condition is supported');
    const condition = where[0];
    if (condition && (condition.property !== 'key' || condition.condition !== 'BEGINS_WITH')) {
      throw badRequest('Queries support only where("key", beginsWith(prefix))');
    }
    const prefix = condition ? text(condition.values[0] ?? '') : '';
    const after = decodeCursor<string>(body.after);
    const bucket = this.doc.data.kv;
    const keys = Object.keys(bucket)
      .filter((k) => k.startsWith(prefix) && (after === undefined || k > after) && this.live(bucket, k))
      .sort();
    const page = keys.slice(0, limit);
    const data = page.map((k) => this.describe(k, bucket[k]));
    const last = page[page.length - 1];
    return { status: 200, body: { data, ...(keys.length > limit && last !== undefined ? { cursor: encodeCursor(last) } : {}) } };
  }

  private index(entity: EntityDefinition, name: unknown): EntityIndex {
    const index = entity.indexes.find((i) => i.name === name);
    if (!index) throw badRequest(`Index ${JSON.stringify(name)} is not declared for entity ${entity.name}`);
    return index;
  }

  private entityQuery(body: Json): { status: number; body: unknown } {
    const entity = this.entity(body.entityName);
    const index = this.index(entity, body.indexName);
    const limit = checkLimit(body.limit);
    const partition = (Array.isArray(body.partition) ? body.partition : []) as unknown[];
    if (partition.length !== index.partition.length) {
      throw badRequest(`Index ${index.name} needs ${index.partition.length} partition value(s) (${index.partition.join(', ')}), got ${partition.length}`);
    }
    const range = body.range as { condition: string; values: unknown[] } | undefined;
    const sort = body.sort === 'DESC' ? -1 : 1;
    const after = decodeCursor<{ r: unknown; k: string }>(body.cursor);
    const bucket = this.doc.data.entities[entity.name] ?? {};

    const order = (a: { r: unknown; k: string }, b: { r: unknown; k: string }) => sort * (compare(a.r, b.r) || compare(a.k, b.k));
    const rows = Object.keys(bucket)
      .flatMap((k) => {
        const item = this.live(bucket, k);
        if (!item) return [];
        const value = item.value as Json;
        const r = value[index.range];
        if (r === undefined || r === null) return [];
        if (!index.partition.every((attr, i) => value[attr] !== undefined && value[attr] === partition[i])) return [];
        if (range && !matches(r, range.condition, range.values)) return [];
        if (!matchesFilters(value, body.filters as Filters | undefined)) return [];
        return [{ r, k, item }];
      })
      .sort(order)
      .filter((row) => after === undefined || order(row, after) > 0);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      status: 200,
      body: {
        data: page.map((row) => this.describe(row.k, row.item)),
        ...(rows.length > limit && last ? { cursor: encodeCursor({ r: last.r, k: last.k }) } : {}),
      },
    };
  }

  /**
   * All-or-nothing: every operation and condition is checked against the
   * state before any is applied; one failure applies nothing.
   */
  private transact(body: Json): { status: number } {
    const sets = (body.set ?? []) as Json[];
    const deletes = (body.delete ?? []) as Json[];
    const checks = (body.check ?? []) as Json[];
    const total = sets.length + deletes.length + checks.length;
    if (total === 0) throw badRequest('A transaction needs at least one operation');
    if (total > MAX_TRANSACTION_OPS) throw badRequest(`A transaction holds at most ${MAX_TRANSACTION_OPS} operations, got ${total}`);
    const seen = new Set<string>();
    for (const op of [...sets, ...deletes, ...checks]) {
      const id = `${text(op.entityName ?? '')}\u0000${text(op.key)}`;
      if (seen.has(id)) throw badRequest(`Key ${String(op.key)} appears more than once in the transaction`);
      seen.add(id);
    }
    const bucketOf = (op: Json) => (op.entityName === undefined ? this.doc.data.kv : this.entityBucket(op.entityName));
    const conditionHolds = (op: Json) => {
      if (!op.conditions) return true;
      if (op.entityName === undefined) throw badRequest('Conditions apply to custom entities only');
      const item = this.live(bucketOf(op), checkKey(op.key));
      return matchesFilters(item?.value, op.conditions);
    };
    for (const op of [...sets, ...deletes, ...checks]) {
      if (!conditionHolds(op)) {
        throw new KvsError(409, 'CONDITION_FAILED', `Transaction condition failed for key ${String(op.key)}; nothing was written`);
      }
    }
    const apply = [
      ...sets.map((op) => this.prepareSet(bucketOf(op), op, op.entityName === undefined ? undefined : this.entity(op.entityName))),
      ...deletes.map((op) => {
        const bucket = bucketOf(op);
        const key = checkKey(op.key);
        return () => {
          if (bucket[key]) {
            delete bucket[key];
            this.doc.changed();
          }
          return undefined;
        };
      }),
    ];
    for (const step of apply) step();
    return { status: 204 };
  }

  private batch(path: string, body: unknown): { status: number; body: unknown } {
    const items = (Array.isArray(body) ? body : []) as Json[];
    if (items.length > MAX_TRANSACTION_OPS) throw badRequest(`A batch holds at most ${MAX_TRANSACTION_OPS} items`);
    const successfulKeys: Json[] = [];
    const failedKeys: Json[] = [];
    for (const item of items) {
      const bucket = item.entityName === undefined ? this.doc.data.kv : this.entityBucket(item.entityName);
      try {
        if (path.endsWith('/set')) {
          this.prepareSet(bucket, item, item.entityName === undefined ? undefined : this.entity(item.entityName))();
          successfulKeys.push({ key: item.key, ...(item.entityName ? { entityName: item.entityName } : {}) });
        } else if (path.endsWith('/get')) {
          const found = this.live(bucket, checkKey(item.key));
          if (!found) throw new KvsError(404, 'KEY_NOT_FOUND', 'Key does not exist');
          successfulKeys.push({ ...this.describe(String(item.key), found), ...(item.entityName ? { entityName: item.entityName } : {}) });
        } else {
          this.remove(bucket, item);
          successfulKeys.push({ key: item.key, ...(item.entityName ? { entityName: item.entityName } : {}) });
        }
      } catch (e) {
        const err = e instanceof KvsError ? e : new KvsError(500, 'INTERNAL_SERVER_ERROR', String(e));
        failedKeys.push({ key: item.key, ...(item.entityName ? { entityName: item.entityName } : {}), error: { code: err.code, message: err.message } });
      }
    }
    return { status: 200, body: { successfulKeys, failedKeys } };
  }
}
