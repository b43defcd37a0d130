/**
 * What the app stored about its security workspaces (Backline organisations) and
 * containers (repositories): one KVS value, read once per invocation that sends
 * something, written only when a workspace or container is new (or a container's
 * "last updated" is more than an hour old). The module actions (actions.ts)
 * answer from it, and it remembers which workspaces Jira already links to the
 * site and whether the site has Jira Software at all.
 */
import { z } from 'zod';
import type { KeyValueStore } from '../ports';
import type { ContainerRef, WorkspaceRef } from './build';
import type { SecurityContainer, SecurityWorkspace } from './model';

export const DEVOPS_REGISTRY_KEY = 'devops:registry';
/** A container's lastUpdatedDate is refreshed at most this often (each refresh is a KVS write). */
export const CONTAINER_REFRESH_MS = 60 * 60 * 1000;
/** After Jira said the DevOps APIs are absent (no Jira Software), ask again after this long. */
export const UNAVAILABLE_RETRY_MS = 24 * 60 * 60 * 1000;

const registrySchema = z.object({
  version: z.literal(1),
  workspaces: z.record(z.string(), z.object({ name: z.string(), url: z.string(), linked: z.boolean() })),
  containers: z.record(z.string(), z.object({ workspaceId: z.string(), name: z.string(), url: z.string(), lastUpdated: z.number() })),
  /** Until when the site is known to answer the DevOps APIs with 403/404 (no Jira Software). */
  unavailableUntil: z.number().optional(),
  /** Some sends are kept for a retry (outbox.ts): the next successful send retries them. */
  keptSends: z.boolean().optional(),
});
export type DevopsRegistryData = z.infer<typeof registrySchema>;

export function emptyRegistry(): DevopsRegistryData {
  return { version: 1, workspaces: {}, containers: {} };
}

export function parseRegistry(raw: unknown): DevopsRegistryData {
  const parsed = registrySchema.safeParse(raw);
  return parsed.success ? parsed.data : emptyRegistry();
}

export async function readRegistry(store: KeyValueStore): Promise<DevopsRegistryData> {
  return parseRegistry(await store.get(DEVOPS_REGISTRY_KEY));
}

/** Records a workspace and container seen in this invocation; answers whether anything changed. */
export function noteContainer(registry: DevopsRegistryData, workspace: WorkspaceRef, container: ContainerRef, now: number): boolean {
  let changed = false;
  if (!registry.workspaces[workspace.id]) {
    registry.workspaces[workspace.id] = { name: workspace.name, url: workspace.url, linked: false };
    changed = true;
  }
  const known = registry.containers[container.id];
  if (!known || now - known.lastUpdated > CONTAINER_REFRESH_MS) {
    registry.containers[container.id] = { workspaceId: container.workspaceId, name: container.name, url: container.url, lastUpdated: now };
    changed = true;
  }
  return changed;
}

export function unlinkedWorkspaces(registry: DevopsRegistryData): string[] {
  return Object.entries(registry.workspaces).filter(([, w]) => !w.linked).map(([id]) => id);
}

export function workspaceView(registry: DevopsRegistryData, id: string): SecurityWorkspace | undefined {
  const workspace = registry.workspaces[id];
  return workspace ? { id, name: workspace.name, url: workspace.url } : undefined;
}

export function containerView(registry: DevopsRegistryData, id: string): SecurityContainer | undefined {
  const container = registry.containers[id];
  return container ? { id, name: container.name, url: container.url, lastUpdatedDate: new Date(container.lastUpdated).toISOString() } : undefined;
}
