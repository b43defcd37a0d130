/**
 * The stored link of an issue (the `link` custom entity, keyed by finding id,
 * indexed by `issueId`; manifest.yml `app.storage.entities`), as panel data.
 */
import type { KeyValueStore } from '../ports';
import { snapshotToPanelData } from './snapshot';
import type { PanelData } from './types';

export async function readStoredLink(store: KeyValueStore, issue: { id: string; key: string }): Promise<PanelData | undefined> {
  const page = await store.entityQuery<unknown>('link', { index: 'issueId', range: { op: 'equalTo', value: issue.id }, limit: 1 });
  const first = page.items[0];
  return first ? snapshotToPanelData(first.value, issue, 'store') : undefined;
}
