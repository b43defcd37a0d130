/**
 * What the simulator reads from the app's Forge manifest (the repository's
 * `manifest.yml` by default), as a Jira site learns it when the app is
 * installed: the OAuth scopes it was granted (`permissions.scopes`) and the
 * entity property paths it asked Jira to index for JQL (`jira:entityProperty`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { isObject } from './util';

export const REPO_MANIFEST = join(__dirname, '..', '..', 'manifest.yml');

/** Index types of `jira:entityProperty` values. */
export type IndexedType = 'number' | 'string' | 'text' | 'user' | 'date';

/** One indexed issue property: its key and the paths (with their types) JQL may query. */
export interface IndexedProperty {
  propertyKey: string;
  values: Array<{ path: string; type: IndexedType }>;
}

function readManifest(path: string): Record<string, unknown> | undefined {
  if (!existsSync(path)) return undefined;
  const doc: unknown = parse(readFileSync(path, 'utf8'));
  return isObject(doc) ? doc : undefined;
}

/** `permissions.scopes`; undefined without a manifest. */
export function manifestScopes(path = REPO_MANIFEST): string[] | undefined {
  const doc = readManifest(path);
  if (!doc) return undefined;
  const permissions = isObject(doc.permissions) ? doc.permissions : {};
  return Array.isArray(permissions.scopes) ? permissions.scopes.filter((s): s is string => typeof s === 'string') : [];
}

const INDEX_TYPES = new Set<string>(['number', 'string', 'text', 'user', 'date']);

/** The issue properties `jira:entityProperty` indexes; undefined without a manifest. */
export function manifestIndexedProperties(path = REPO_MANIFEST): IndexedProperty[] | undefined {
  const doc = readManifest(path);
  if (!doc) return undefined;
  const modules = isObject(doc.modules) ? doc.modules : {};
  const list = Array.isArray(modules['jira:entityProperty']) ? modules['jira:entityProperty'] : [];
  const out: IndexedProperty[] = [];
  for (const m of list) {
    if (!isObject(m) || typeof m.propertyKey !== 'string' || (m.entityType !== undefined && m.entityType !== 'issue')) continue;
    const values = (Array.isArray(m.values) ? m.values : []).flatMap((v) =>
      isObject(v) && typeof v.path === 'string' && typeof v.type === 'string' && INDEX_TYPES.has(v.type) ? [{ path: v.path, type: v.type as IndexedType }] : []);
    out.push({ propertyKey: m.propertyKey, values });
  }
  return out;
}
