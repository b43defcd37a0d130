/**
 * Reading and pruning the activity log the sync engine writes
 * (src/core/sync/activity.ts: one `activity` entity per event outcome, written
 * inside the sync's final transaction). This module adds what the admin page
 * and the scheduled trigger need on top: queries by time, project and status
 * through the entity indexes declared in manifest.yml (`at`, `by-project`,
 * `by-status`, `by-finding`), cursor pagination, and 30-day retention.
 *
 * Forge entity queries take one index and answer ≤ 100 items a page
 * (docs/platform-limits.md "Storage"); a filter on a second attribute (project AND
 * status) is applied here, and the cursor remembers how far into the
 * underlying page the last answer got, so no item is skipped or repeated.
 */
import { z } from 'zod';
import { TRANSACTION_LIMIT, type EntityQuery, type EntityRangeCondition, type KeyValueStore } from '../ports';
import type { ActivityItemView } from '../../shared/contracts/failures';
import { RESULT_STATUSES, type ResultStatus } from '../results';
import { ACTIVITY_ENTITY } from '../sync/activity';

export { ACTIVITY_ENTITY, entityActivityLog, activityKey, type ActivityEntry, type ActivityDetails, type ActivityLog } from '../sync/activity';

export const ACTIVITY_RETENTION_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_PAGE = 100;

const errorSchema = z.object({ code: z.string(), message: z.string(), retryable: z.boolean() });
const storedEntrySchema = z.object({
  at: z.number(),
  projectKey: z.string(),
  status: z.enum(RESULT_STATUSES),
  findingId: z.string(),
  details: z.looseObject({
    type: z.string(),
    eventId: z.string(),
    issueKey: z.string().optional(),
    jiraRequests: z.number(),
    rule: z.string().optional(),
    reason: z.string().optional(),
    error: errorSchema.optional(),
    planned: z.array(z.string()).optional(),
    done: z.array(z.string()).optional(),
  }),
});

/**
 * One event outcome as the admin page shows it: the contract's row
 * (src/shared/contracts/failures.ts), with the time still a number until the
 * service formats it and the issue URL added then.
 */
export type ActivityItem = Omit<ActivityItemView, 'at' | 'issueUrl'> & { at: number };

export interface ActivityFilter {
  projectKey?: string;
  status?: ResultStatus;
  findingId?: string;
  /** Inclusive bounds, ms since the epoch. */
  from?: number;
  to?: number;
}

export interface ActivityPage {
  items: ActivityItem[];
  nextCursor?: string;
}

const cursorSchema = z.object({ c: z.string().optional(), s: z.number().int().min(0) });
type Cursor = z.infer<typeof cursorSchema>;

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

function decodeCursor(raw: string | undefined): Cursor {
  if (!raw) return { s: 0 };
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through: a damaged cursor restarts from the newest entry rather than failing the page.
  }
  return { s: 0 };
}

function toItem(key: string, raw: unknown): ActivityItem | undefined {
  const parsed = storedEntrySchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const e = parsed.data;
  const d = e.details;
  return {
    id: key,
    at: e.at,
    projectKey: e.projectKey === '-' || e.projectKey === '' ? null : e.projectKey,
    status: e.status,
    findingId: e.findingId === '-' || e.findingId === '' ? null : e.findingId,
    type: d.type,
    eventId: d.eventId,
    ...(d.issueKey ? { issueKey: d.issueKey } : {}),
    jiraRequests: d.jiraRequests,
    ...(d.rule ? { rule: d.rule } : {}),
    ...(d.reason ? { reason: d.reason } : {}),
    ...(d.error ? { error: d.error } : {}),
    planned: d.planned ?? [],
    done: d.done ?? [],
  };
}

function rangeOf(filter: ActivityFilter): EntityRangeCondition | undefined {
  if (filter.from !== undefined && filter.to !== undefined) return { op: 'between', from: filter.from, to: filter.to };
  if (filter.from !== undefined) return { op: 'greaterThanEqualTo', value: filter.from };
  if (filter.to !== undefined) return { op: 'lessThanEqualTo', value: filter.to };
  return undefined;
}

/** The most selective index for the filter; the other attributes are checked per item. */
function indexFor(filter: ActivityFilter): Pick<EntityQuery, 'index' | 'partition'> {
  if (filter.findingId) return { index: 'by-finding', partition: [filter.findingId] };
  if (filter.projectKey) return { index: 'by-project', partition: [filter.projectKey] };
  if (filter.status) return { index: 'by-status', partition: [filter.status] };
  return { index: 'at' };
}

function matches(item: ActivityItem, filter: ActivityFilter): boolean {
  if (filter.projectKey && (item.projectKey ?? '-') !== filter.projectKey) return false;
  if (filter.status && item.status !== filter.status) return false;
  if (filter.findingId && item.findingId !== filter.findingId) return false;
  return true;
}

/** Newest first, `limit` (≤ 100) items a page. */
export async function queryActivity(store: KeyValueStore, filter: ActivityFilter = {}, options: { limit?: number; cursor?: string } = {}): Promise<ActivityPage> {
  const limit = Math.max(1, Math.min(options.limit ?? 25, MAX_PAGE));
  const base = indexFor(filter);
  const range = rangeOf(filter);
  let cursor = decodeCursor(options.cursor);
  const items: ActivityItem[] = [];
  // Bounded: a filter that matches nothing in a long log stops after 20 underlying pages and offers a cursor to go on.
  for (let round = 0; round < 20; round++) {
    const page = await store.entityQuery<unknown>(ACTIVITY_ENTITY, {
      ...base,
      ...(range ? { range } : {}),
      sort: 'DESC',
      limit: MAX_PAGE,
      ...(cursor.c ? { cursor: cursor.c } : {}),
    });
    const rows = page.items;
    for (let i = cursor.s; i < rows.length; i++) {
      const row = rows[i];
      if (!row) continue;
      const item = toItem(row.key, row.value);
      if (!item || !matches(item, filter)) continue;
      items.push(item);
      if (items.length === limit) {
        const more = i + 1 < rows.length || page.nextCursor !== undefined;
        return more ? { items, nextCursor: encodeCursor(i + 1 < rows.length ? { ...(cursor.c ? { c: cursor.c } : {}), s: i + 1 } : { ...(page.nextCursor ? { c: page.nextCursor } : {}), s: 0 }) } : { items };
      }
    }
    if (!page.nextCursor) return { items };
    cursor = { c: page.nextCursor, s: 0 };
  }
  return { items, nextCursor: encodeCursor(cursor) };
}

/**
 * Deletes entries older than the retention period, oldest first, in
 * transactions of ≤ 25 deletes. Bounded per run (the hourly trigger catches
 * up); safe to run twice (docs/platform-limits.md "Runtime and manifest": scheduled triggers may run twice).
 */
export async function pruneActivity(store: KeyValueStore, now: number, options: { retentionDays?: number; maxPages?: number } = {}): Promise<number> {
  const cutoff = now - (options.retentionDays ?? ACTIVITY_RETENTION_DAYS) * DAY_MS;
  let removed = 0;
  for (let round = 0; round < (options.maxPages ?? 50); round++) {
    // Always the first page: what was deleted is no longer in the index.
    const page = await store.entityQuery<unknown>(ACTIVITY_ENTITY, { index: 'at', range: { op: 'lessThan', value: cutoff }, sort: 'ASC', limit: MAX_PAGE });
    if (page.items.length === 0) break;
    for (let i = 0; i < page.items.length; i += TRANSACTION_LIMIT) {
      await store.transact(page.items.slice(i, i + TRANSACTION_LIMIT).map((entry) => ({ kind: 'delete' as const, key: entry.key, entity: ACTIVITY_ENTITY })));
    }
    removed += page.items.length;
    if (!page.nextCursor && page.items.length < MAX_PAGE) break;
  }
  return removed;
}
