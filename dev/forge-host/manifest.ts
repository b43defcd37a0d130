/**
 * Reads manifest.yml the way the local runtime needs it: which function
 * handles which module, the consumer's queue, the scheduled trigger's interval
 * and the custom entities with their indexes. The manifest stays the single
 * source of truth, so a renamed handler or a new index works locally without
 * touching the runtime.
 */
import * as fs from 'node:fs';
import { parse } from 'yaml';

export type AttributeType = 'string' | 'integer' | 'float' | 'boolean' | 'any';

export interface EntityIndex {
  name: string;
  partition: string[];
  range: string;
}

export interface EntityDefinition {
  name: string;
  attributes: Record<string, { type: AttributeType }>;
  indexes: EntityIndex[];
}

export interface FunctionDefinition {
  key: string;
  /** `index.webtrigger` → file `index`, export `webtrigger`. */
  handler: string;
  timeoutSeconds?: number;
}

export interface ConsumerDefinition {
  key: string;
  queue: string;
  /** The function key to invoke. */
  function: string;
  /** Present for the resolver form (`resolver: { function, method }`): the resolver method to call. */
  method?: string;
}

export interface ModuleRef {
  key: string;
  function: string;
}

export interface ProductTriggerDefinition extends ModuleRef {
  events: string[];
  filter: { ignoreSelf?: boolean; expression?: string; onError?: string };
}

export interface AppManifest {
  appId: string;
  functions: Map<string, FunctionDefinition>;
  webtriggers: ModuleRef[];
  consumers: ConsumerDefinition[];
  scheduledTriggers: Array<ModuleRef & { interval: string }>;
  /** Product-event `trigger` modules (plain event names; `filter` as declared). */
  productTriggers: ProductTriggerDefinition[];
  /** UI modules (adminPage, projectSettingsPage, issuePanel) → their resolver function. */
  uiModules: Array<{ type: string; key: string; resolverFunction?: string; resource?: string }>;
  entities: Map<string, EntityDefinition>;
}

type Raw = Record<string, unknown>;
const asArray = (value: unknown): Raw[] => (Array.isArray(value) ? (value as Raw[]) : []);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export function loadManifest(file: string): AppManifest {
  const raw = parse(fs.readFileSync(file, 'utf8')) as Raw;
  const modules = (raw.modules ?? {}) as Record<string, unknown>;
  const app = (raw.app ?? {}) as Raw;

  const functions = new Map<string, FunctionDefinition>();
  for (const fn of asArray(modules.function)) {
    const key = str(fn.key);
    const handler = str(fn.handler);
    if (!key || !handler) continue;
    functions.set(key, { key, handler, ...(typeof fn.timeoutSeconds === 'number' ? { timeoutSeconds: fn.timeoutSeconds } : {}) });
  }

  const webtriggers = asArray(modules.webtrigger).flatMap((m) =>
    str(m.key) && str(m.function) ? [{ key: str(m.key)!, function: str(m.function)! }] : [],
  );

  const consumers: ConsumerDefinition[] = asArray(modules.consumer).flatMap((m) => {
    const key = str(m.key);
    const queue = str(m.queue);
    if (!key || !queue) return [];
    // @forge/events ≥ 2 documents `function:`; the older `resolver: { function, method }` form is still accepted by the schema.
    const resolver = (m.resolver ?? {}) as Raw;
    const fn = str(m.function) ?? str(resolver.function);
    if (!fn) return [];
    const method = str(resolver.method);
    return [{ key, queue, function: fn, ...(method && !str(m.function) ? { method } : {}) }];
  });

  const scheduledTriggers = asArray(modules.scheduledTrigger).flatMap((m) =>
    str(m.key) && str(m.function) ? [{ key: str(m.key)!, function: str(m.function)!, interval: str(m.interval) ?? 'hour' }] : [],
  );

  const productTriggers: ProductTriggerDefinition[] = asArray(modules.trigger).flatMap((m) => {
    const key = str(m.key);
    const fn = str(m.function);
    if (!key || !fn) return [];
    const events = (Array.isArray(m.events) ? m.events : []).flatMap((e: unknown) => (typeof e === 'string' ? [e] : []));
    const f = (m.filter ?? {}) as Raw;
    const expression = str(f.expression);
    const onError = str(f.onError);
    const filter = { ...(f.ignoreSelf === true ? { ignoreSelf: true } : {}), ...(expression ? { expression } : {}), ...(onError ? { onError } : {}) };
    return [{ key, function: fn, events, filter }];
  });

  const uiModules: AppManifest['uiModules'] = [];
  for (const [type, list] of Object.entries(modules)) {
    if (!type.includes(':')) continue;
    for (const m of asArray(list)) {
      const key = str(m.key);
      if (!key) continue;
      const resolverFunction = str(((m.resolver ?? {}) as Raw).function);
      const resource = str(m.resource);
      uiModules.push({ type, key, ...(resolverFunction ? { resolverFunction } : {}), ...(resource ? { resource } : {}) });
    }
  }

  const entities = new Map<string, EntityDefinition>();
  const storage = (app.storage ?? {}) as Raw;
  for (const e of asArray(storage.entities)) {
    const name = str(e.name);
    if (!name) continue;
    const attributes: EntityDefinition['attributes'] = {};
    for (const [attr, def] of Object.entries((e.attributes ?? {}) as Record<string, Raw>)) {
      attributes[attr] = { type: (str(def?.type) ?? 'any') as AttributeType };
    }
    const indexes: EntityIndex[] = [];
    for (const index of (Array.isArray(e.indexes) ? e.indexes : []) as unknown[]) {
      // A bare attribute name is an index of that name, ranged on the attribute, without partition.
      if (typeof index === 'string') indexes.push({ name: index, partition: [], range: index });
      else if (index && typeof index === 'object') {
        const i = index as Raw;
        const indexName = str(i.name);
        // The manifest schema makes `range` a one-element array (`range: [updatedAt]`).
        const range = Array.isArray(i.range) ? str(i.range[0]) : str(i.range);
        if (!indexName || !range) continue;
        indexes.push({ name: indexName, partition: (Array.isArray(i.partition) ? i.partition : []).map(String), range });
      }
    }
    entities.set(name, { name, attributes, indexes });
  }

  return {
    appId: str(app.id) ?? 'ari:cloud:ecosystem::app/local',
    functions,
    webtriggers,
    consumers,
    scheduledTriggers,
    productTriggers,
    uiModules,
    entities,
  };
}

/** Forge scheduled-trigger intervals in milliseconds. */
export const INTERVAL_MS: Record<string, number> = {
  fiveMinute: 5 * 60_000,
  hour: 60 * 60_000,
  day: 24 * 60 * 60_000,
  week: 7 * 24 * 60 * 60_000,
};
