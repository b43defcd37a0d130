/**
 * The ports through which the core speaks to the world. The core never imports
 * `@forge/*`: the Forge adapters in `src/forge/` implement these interfaces, and
 * tests use in-memory fakes (`test/fakes/`) or the local runtime.
 */

/** Wall clock, injectable so tests can move time (signature tolerance, TTLs, rotation windows). */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

// ---------------------------------------------------------------------------
// Jira

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface JiraRequest {
  method: HttpMethod;
  /** Path below the site, starting with `/rest/api/3/...`, query string included. */
  path: string;
  /** JSON body; serialised by the transport. */
  body?: unknown;
}

export interface JiraResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** Parsed JSON body, or undefined for an empty body. Non-JSON bodies come as a string. */
  body: unknown;
}

/**
 * Raw HTTP access to the Jira REST API of the current site. The Forge adapter is
 * `api.asApp().requestJira` / `api.asUser().requestJira`; everything above the
 * transport (paths, bodies, error mapping, retries) lives in the core's
 * `JiraClient` so it is the same code locally, in tests and in Forge.
 */
export interface JiraTransport {
  request(request: JiraRequest): Promise<JiraResponse>;
}

// ---------------------------------------------------------------------------
// Storage (Forge KVS semantics: see docs/platform-limits.md "Storage")

export interface SetOptions {
  /** Time to live in seconds (Forge: ≤ 1 year; expired data may linger up to 48 h). */
  ttlSeconds?: number;
  /** Forge `keyPolicy: 'FAIL_IF_EXISTS'`: when the key exists, nothing is written and `set` answers false. */
  ifAbsent?: boolean;
}

export interface Page<T> {
  items: T[];
  /** Present when there are more results. */
  nextCursor?: string;
}

export interface KeyValueEntry<T> {
  key: string;
  value: T;
}

/** A plain key (`entity` absent) or a custom entity's item, for `getMany`. */
export interface StoreKeyRef {
  key: string;
  entity?: string;
}

/** Forge `kvs.batchGet`: ≤ 25 keys a call (the adapter splits longer lists), each key at most once. */
export const MAX_BATCH_KEYS = 25;

/** One operation of an all-or-nothing transaction (Forge: ≤ 25 operations). */
/** Operations one KVS transaction may hold (docs/platform-limits.md "Storage"). */
export const TRANSACTION_LIMIT = 25;

export type TransactionOperation =
  | { kind: 'set'; key: string; value: unknown; entity?: string; /** Forge `transact().set(..., { ttl })`. */ ttlSeconds?: number }
  | { kind: 'delete'; key: string; entity?: string };

export type EntityRangeCondition =
  | { op: 'beginsWith'; value: string | number }
  | { op: 'between'; from: string | number; to: string | number }
  | { op: 'equalTo'; value: string | number }
  | { op: 'greaterThan'; value: string | number }
  | { op: 'greaterThanEqualTo'; value: string | number }
  | { op: 'lessThan'; value: string | number }
  | { op: 'lessThanEqualTo'; value: string | number };

export interface EntityQuery {
  /** Index name as declared in manifest.yml `app.storage.entities[].indexes`. */
  index: string;
  /** Values of the index's partition attributes, in declaration order (omit for single-attribute indexes). */
  partition?: Array<string | number | boolean>;
  /** Condition on the index's range attribute (for single-attribute indexes: the attribute itself). */
  range?: EntityRangeCondition;
  sort?: 'ASC' | 'DESC';
  /** ≤ 100 (Forge page limit). */
  limit?: number;
  cursor?: string;
}

/**
 * Key-value and custom-entity storage with Forge KVS semantics. Keys ≤ 500
 * characters of `[a-zA-Z0-9:._\s-#]`; values ≤ 240 KiB.
 */
export interface KeyValueStore {
  get<T>(key: string): Promise<T | undefined>;
  /**
   * Several plain keys and entity items read at once, in one storage round trip: the values
   * in the order asked, `undefined` for a missing key. A key asked twice is read once. Used
   * where one invocation knows up front what it will read. On Forge, a few keys are parallel
   * single gets and many are `kvs.batchGet` calls of ≤ 25, kept within Forge's 45 batch
   * operations a minute (src/forge/adapters/batch-budget.ts, docs/platform-limits.md "Storage").
   */
  getMany(refs: StoreKeyRef[]): Promise<unknown[]>;
  /** Answers false only when `ifAbsent` was asked and the key already existed. */
  set(key: string, value: unknown, options?: SetOptions): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Keys beginning with `prefix`, in key order, ≤ 100 a page. */
  list<T>(prefix: string, options?: { limit?: number; cursor?: string }): Promise<Page<KeyValueEntry<T>>>;
  /** All-or-nothing, ≤ 25 operations. */
  transact(operations: TransactionOperation[]): Promise<void>;

  entityGet<T>(entity: string, key: string): Promise<T | undefined>;
  entitySet(entity: string, key: string, value: object): Promise<void>;
  entityDelete(entity: string, key: string): Promise<void>;
  entityQuery<T>(entity: string, query: EntityQuery): Promise<Page<KeyValueEntry<T>>>;
}

/** Forge secret storage (`kvs.setSecret` …): encrypted, never listed. */
export interface SecretStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

// ---------------------------------------------------------------------------
// Queue (Forge async events)

export interface QueueMessage {
  /** A JSON object (Forge: ≤ 200 KB a push, ≤ 50 events a push). */
  body: Record<string, unknown>;
  /** ≤ 900 s. */
  delayInSeconds?: number;
}

export interface Queue {
  push(messages: QueueMessage[]): Promise<void>;
}

/** Thrown by a consumer to ask the platform for a retry (Forge `InvocationError`). */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    readonly reason: 'rate-limited' | 'retry-requested' = 'retry-requested',
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

// ---------------------------------------------------------------------------
// Outbound notifications (Slack incoming webhook); optional egress.

export interface HttpPoster {
  /** POSTs JSON to an allowed external URL; answers the HTTP status. */
  postJson(url: string, body: unknown): Promise<number>;
}

/** Signed POSTs to Backline's endpoint (outbound events, src/core/outbound); the adapter allows only `*.backline.ai`. */
export interface BacklinePoster {
  /** POSTs `body` as is (the signature covers these exact bytes); answers the HTTP status, or throws on a network error. */
  post(url: string, body: string, headers: Record<string, string>): Promise<number>;
}

// ---------------------------------------------------------------------------
// Logging: never pass secrets, signatures or raw bodies.

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const consoleLogger: Logger = {
  info: (message, fields) => console.log(JSON.stringify({ level: 'info', message, ...fields })),
  warn: (message, fields) => console.warn(JSON.stringify({ level: 'warn', message, ...fields })),
  error: (message, fields) => console.error(JSON.stringify({ level: 'error', message, ...fields })),
};

/** KVS key of the cached site URL (see `Platform.siteUrl`). */
export const SITE_URL_CACHE_KEY = 'cache:site-url';

/** Everything the core needs from the platform, wired once per invocation. */
// ---------------------------------------------------------------------------
// Metrics (Forge custom metrics: docs/observability.md)

/** The app's counters; each name is registered in the developer console (docs/observability.md). */
export type MetricName = 'events-applied' | 'events-failed' | 'events-queued' | 'jira-rate-limited';

/** Counting never fails the caller: an implementation swallows its own errors. */
export interface Metrics {
  count(name: MetricName, by?: number): void;
}

export interface Platform {
  /** Jira as the app (`asApp`). */
  jira: JiraTransport;
  store: KeyValueStore;
  secrets: SecretStore;
  queue: Queue;
  clock: Clock;
  logger: Logger;
  /** Optional outbound HTTP for notifications; absent = notifications off. */
  http?: HttpPoster;
  /** Optional counters for the vendor's dashboards (Forge custom metrics); absent = not counted. */
  metrics?: Metrics;
  /**
   * The site's base URL (e.g. `https://acme.atlassian.net`), for `/browse/KEY` links.
   * Implementations cache it in KVS under SITE_URL_CACHE_KEY; a caller that already read
   * that key in a batch passes what it found as `cached` (`undefined` = absent), which
   * saves the separate read.
   */
  siteUrl(options?: { cached?: unknown }): Promise<string>;
}
