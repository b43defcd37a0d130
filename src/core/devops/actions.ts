/**
 * The actions Jira calls on the security provider ("Security Information Actions":
 * fetch workspaces by ids, fetch containers by ids, search a workspace's
 * containers by name). They answer from the registry the app stored while it
 * sent vulnerabilities (registry.ts); no call to Backline, no Jira request.
 */
import type { KeyValueStore } from '../ports';
import { fetchByIdsSchema, searchContainersSchema, type SecurityContainer, type SecurityWorkspace } from './model';
import { containerView, readRegistry, workspaceView } from './registry';

/** Search results Jira shows in its container picker. */
export const MAX_SEARCH_RESULTS = 50;

export type ActionAnswer<T> = { ok: true; body: T } | { ok: false; status: 400; message: string };

function badRequest(message: string): { ok: false; status: 400; message: string } {
  return { ok: false, status: 400, message };
}

export async function fetchWorkspaces(store: KeyValueStore, payload: unknown): Promise<ActionAnswer<{ workspaces: SecurityWorkspace[] }>> {
  const request = fetchByIdsSchema.safeParse(payload);
  if (!request.success) return badRequest('expected { ids: string[] }');
  const registry = await readRegistry(store);
  return { ok: true, body: { workspaces: request.data.ids.flatMap((id) => workspaceView(registry, id) ?? []) } };
}

export async function fetchContainers(store: KeyValueStore, payload: unknown): Promise<ActionAnswer<{ containers: SecurityContainer[] }>> {
  const request = fetchByIdsSchema.safeParse(payload);
  if (!request.success) return badRequest('expected { ids: string[] }');
  const registry = await readRegistry(store);
  return { ok: true, body: { containers: request.data.ids.flatMap((id) => containerView(registry, id) ?? []) } };
}

export async function searchContainers(store: KeyValueStore, payload: unknown): Promise<ActionAnswer<{ containers: SecurityContainer[] }>> {
  const request = searchContainersSchema.safeParse(payload);
  if (!request.success) return badRequest('expected { workspaceId: string, searchQuery?: string }');
  const registry = await readRegistry(store);
  const query = (request.data.searchQuery ?? '').trim().toLowerCase();
  const containers = Object.entries(registry.containers)
    .filter(([, c]) => c.workspaceId === request.data.workspaceId && c.name.toLowerCase().includes(query))
    .sort(([, a], [, b]) => a.name.localeCompare(b.name))
    .slice(0, MAX_SEARCH_RESULTS)
    .flatMap(([id]) => containerView(registry, id) ?? []);
  return { ok: true, body: { containers } };
}
