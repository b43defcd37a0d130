/**
 * `KeyValueStore` over @forge/kvs (storage-reference/kvs-api). The port keeps
 * Forge's limits (≤ 100 a page, ≤ 25 operations a transaction) so the core
 * cannot depend on something Forge would refuse.
 */
import { ForgeKvsAPIError, kvs, Sort, WhereConditions } from '@forge/kvs';
import type {
  EntityQuery,
  EntityRangeCondition,
  KeyValueEntry,
  KeyValueStore,
  Page,
  SetOptions,
  StoreKeyRef,
  TransactionOperation,
} from '../../core/ports';
import { MAX_BATCH_KEYS } from '../../core/ports';
import { BATCH_CALLS_PER_MINUTE_PER_PROCESS, BatchBudget, mapConcurrently, SINGLE_READ_CONCURRENCY, SINGLE_READS_UP_TO } from './batch-budget';

const MAX_PAGE = 100;
const MAX_TRANSACTION_OPERATIONS = 25;

const pageLimit = (limit: number | undefined) => Math.min(Math.max(limit ?? MAX_PAGE, 1), MAX_PAGE);

function whereClause(range: EntityRangeCondition) {
  switch (range.op) {
    case 'beginsWith':
      return WhereConditions.beginsWith(range.value);
    case 'between':
      return WhereConditions.between(range.from, range.to);
    case 'equalTo':
      return WhereConditions.equalTo(range.value);
    case 'greaterThan':
      return WhereConditions.greaterThan(range.value);
    case 'greaterThanEqualTo':
      return WhereConditions.greaterThanEqualTo(range.value);
    case 'lessThan':
      return WhereConditions.lessThan(range.value);
    case 'lessThanEqualTo':
      return WhereConditions.lessThanEqualTo(range.value);
  }
}

function toPage<T>(result: { results: Array<{ key: string; value: T }>; nextCursor?: string }): Page<KeyValueEntry<T>> {
  const items = result.results.map(({ key, value }) => ({ key, value }));
  return result.nextCursor ? { items, nextCursor: result.nextCursor } : { items };
}

const refId = (ref: StoreKeyRef) => `${ref.entity ?? ''}\u0000${ref.key}`;

const readOne = (ref: StoreKeyRef): Promise<unknown> => (ref.entity ? kvs.entity<unknown>(ref.entity).get(ref.key) : kvs.get<unknown>(ref.key));

/** Parallel single gets (not batch operations), in the order asked. */
const readEach = (refs: StoreKeyRef[]) => mapConcurrently(refs, SINGLE_READ_CONCURRENCY, readOne);

/** Forge's answer to a batch call beyond its rate (the batch-operations limit), as opposed to a failed read. */
function isBatchRateRefusal(error: unknown): boolean {
  if (!(error instanceof ForgeKvsAPIError)) return false;
  const status = error.responseDetails.status;
  return status === 429 || status === 503 || /RATE_LIMIT|TOO_MANY/i.test(error.code);
}

/** ≤ 25 distinct keys: one `batchGet` when the budget has one, else (or when Forge refuses it for its rate) single gets. */
async function readChunk(chunk: StoreKeyRef[], budget: BatchBudget): Promise<unknown[]> {
  if (!budget.take()) return readEach(chunk);
  let result: Awaited<ReturnType<typeof kvs.batchGet<unknown>>>;
  try {
    result = await kvs.batchGet<unknown>(chunk.map((ref) => (ref.entity ? { key: ref.key, entityName: ref.entity } : { key: ref.key })));
  } catch (error) {
    if (!isBatchRateRefusal(error)) throw error;
    budget.refused();
    return readEach(chunk);
  }
  // A missing key is reported per key (KEY_NOT_FOUND), as `get` answers undefined; any other
  // per-key failure is a storage failure and must not pass for "absent".
  const failed = result.failedKeys.find((item) => item.error.code !== 'KEY_NOT_FOUND');
  if (failed) throw new Error(`KVS batchGet could not read ${failed.key}: ${failed.error.code} ${failed.error.message}`);
  const found = new Map(result.successfulKeys.map((item) => [refId({ key: item.key, ...(item.entityName ? { entity: item.entityName } : {}) }), item.value]));
  return chunk.map((ref) => found.get(refId(ref)));
}

/**
 * The batch budget is the process's: module state, as Forge reuses a warm
 * container for later invocations of the same installation.
 */
const processBatchBudget = new BatchBudget(BATCH_CALLS_PER_MINUTE_PER_PROCESS);

export function forgeKeyValueStore(budget: BatchBudget = processBatchBudget): KeyValueStore {
  return {
    get: <T>(key: string) => kvs.get<T>(key),

    async getMany(refs: StoreKeyRef[]) {
      // Forge refuses a batch naming one key twice: ask each distinct key once.
      const distinct = [...new Map(refs.map((ref) => [refId(ref), ref])).values()];
      const found = new Map<string, unknown>();
      const keep = (chunk: StoreKeyRef[], values: unknown[]) => chunk.forEach((ref, i) => found.set(refId(ref), values[i]));
      if (distinct.length <= SINGLE_READS_UP_TO) keep(distinct, await readEach(distinct));
      else {
        for (let i = 0; i < distinct.length; i += MAX_BATCH_KEYS) {
          const chunk = distinct.slice(i, i + MAX_BATCH_KEYS);
          keep(chunk, await readChunk(chunk, budget));
        }
      }
      return refs.map((ref) => found.get(refId(ref)));
    },

    async set(key, value, options: SetOptions = {}) {
      const ttl = options.ttlSeconds === undefined ? undefined : { value: options.ttlSeconds, unit: 'SECONDS' as const };
      try {
        if (options.ifAbsent) await kvs.set(key, value, { keyPolicy: 'FAIL_IF_EXISTS', ...(ttl ? { ttl } : {}) });
        else await kvs.set(key, value, ttl ? { ttl } : undefined);
        return true;
      } catch (error) {
        // FAIL_IF_EXISTS on an existing key is an expected answer, not a failure.
        if (options.ifAbsent && error instanceof ForgeKvsAPIError && error.code === 'KEY_CONFLICT') return false;
        throw error;
      }
    },

    delete: (key) => kvs.delete(key),

    async list<T>(prefix: string, options: { limit?: number; cursor?: string } = {}) {
      let query = kvs.query().where('key', WhereConditions.beginsWith(prefix)).limit(pageLimit(options.limit));
      if (options.cursor) query = query.cursor(options.cursor);
      return toPage(await query.getMany<T>());
    },

    async transact(operations: TransactionOperation[]) {
      if (operations.length === 0) return;
      if (operations.length > MAX_TRANSACTION_OPERATIONS) {
        throw new Error(`A Forge transaction holds at most ${MAX_TRANSACTION_OPERATIONS} operations, got ${operations.length}`);
      }
      const tx = kvs.transact();
      for (const op of operations) {
        const entity = op.entity ? { entityName: op.entity } : undefined;
        if (op.kind === 'set') {
          if (op.ttlSeconds === undefined) tx.set(op.key, op.value, entity);
          else tx.set(op.key, op.value, entity, { ttl: { value: op.ttlSeconds, unit: 'SECONDS' } });
        }
        else tx.delete(op.key, entity);
      }
      await tx.execute();
    },

    entityGet: <T>(entity: string, key: string) => kvs.entity<T>(entity).get(key),
    entitySet: (entity, key, value) => kvs.entity<object>(entity).set(key, value),
    entityDelete: (entity, key) => kvs.entity(entity).delete(key),

    async entityQuery<T>(entity: string, query: EntityQuery) {
      let builder = kvs
        .entity<T>(entity)
        .query()
        .index(query.index, query.partition ? { partition: query.partition } : undefined)
        .sort(query.sort === 'DESC' ? Sort.DESC : Sort.ASC)
        .limit(pageLimit(query.limit));
      if (query.range) builder = builder.where(whereClause(query.range));
      if (query.cursor) builder = builder.cursor(query.cursor);
      return toPage(await builder.getMany());
    },
  };
}
