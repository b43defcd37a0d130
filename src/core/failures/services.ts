/**
 * The failures family's resolver operations (Notifications, Activity, Dead
 * letters, drift check) on the one resolver dispatcher (../resolvers/dispatch.ts):
 * the caller must be a Jira administrator, checked as the user before anything
 * runs as the app; payloads follow src/shared/contracts/failures.ts.
 */
import { assertAccess, type AdminCaller } from '../admin/access';
import { CodedError } from '../errors';
import { dispatchResolverCall, type PayloadParser } from '../resolvers/dispatch';
import type { Platform } from '../ports';
import {
  failurePayloadSchemas,
  type ActivityItemView,
  type DeadLetterView,
  type EventActivityView,
  type FailureResolverKey,
  type FailureResolverResult,
  type FailureResultOf,
  type ParsedFailurePayloadOf,
} from '../../shared/contracts/failures';
import { queryActivity } from './activity';
import { groupByEvent } from './activity-events';
import { deadLetterIdsOfProject, discardDeadLetters, listDeadLetters, type DeadLetter } from './dead-letters';
import { retryDeadLetters } from './replay';
import { checkDrift } from './drift';
import { Notifier } from './notifications';
import { readNextAttempts } from '../sync/next-attempt';

/** Resolvers have 25 s (docs/platform-limits.md "Invocation limits"); retries stop early enough to answer. */
const RETRY_BUDGET_MS = 18_000;

type Service<K extends FailureResolverKey> = (platform: Platform, payload: ParsedFailurePayloadOf<K>) => Promise<FailureResultOf<K>>;

function deadLetterView(l: DeadLetter): DeadLetterView {
  return {
    eventId: l.eventId,
    projectKey: l.projectKey,
    at: new Date(l.at).toISOString(),
    type: l.type,
    findingIds: l.findingIds,
    ...(l.error ? { error: l.error } : {}),
    retries: l.retries,
    replays: l.replays,
    source: l.source,
    event: l.event,
  };
}

async function selectionIds(platform: Platform, selection: { eventIds: string[] } | { projectKey: string }): Promise<string[]> {
  if ('eventIds' in selection) return selection.eventIds;
  return deadLetterIdsOfProject(platform, selection.projectKey);
}

export const failureServices: { [K in FailureResolverKey]: Service<K> } = {
  'notifications/get': (platform) => new Notifier(platform).settings(),
  'notifications/set': (platform, { url }) => new Notifier(platform).setWebhookUrl(url),
  'notifications/clear': (platform) => new Notifier(platform).clearWebhookUrl(),
  'notifications/test': (platform) => new Notifier(platform).sendTest(),

  async 'activity/list'(platform, payload) {
    const page = await queryActivity(
      platform.store,
      {
        ...(payload.projectKey ? { projectKey: payload.projectKey } : {}),
        ...(payload.status ? { status: payload.status } : {}),
        ...(payload.findingId ? { findingId: payload.findingId } : {}),
        ...(payload.from ? { from: Date.parse(payload.from) } : {}),
        ...(payload.to ? { to: Date.parse(payload.to) } : {}),
      },
      { ...(payload.cursor ? { cursor: payload.cursor } : {}), ...(payload.limit ? { limit: payload.limit } : {}) },
    );
    // Issue links are a convenience: a site URL that cannot be read must not hide the activity.
    const site = page.items.some((i) => i.issueKey) ? await platform.siteUrl().catch(() => undefined) : undefined;
    const items: ActivityItemView[] = page.items.map((i) => ({
      ...i,
      at: new Date(i.at).toISOString(),
      ...(i.issueKey && site ? { issueUrl: `${site.replace(/\/$/, '')}/browse/${i.issueKey}` } : {}),
    }));
    return { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  },

  async 'activity/events'(platform, payload) {
    // One underlying page (≤ 100 attempts) folded per event; an event whose attempts straddle two pages shows on both.
    const [page, letters] = await Promise.all([
      queryActivity(platform.store, payload.projectKey ? { projectKey: payload.projectKey } : {}, { limit: 100, ...(payload.cursor ? { cursor: payload.cursor } : {}) }),
      listDeadLetters(platform, { limit: 100 }),
    ]);
    let events = groupByEvent(page.items, new Set(letters.items.map((l) => l.eventId)));
    const isWaiting = (e: { state: string }) => e.state === 'queued' || e.state === 'retrying';
    if (payload.pending) events = events.filter(isWaiting);
    const site = events.some((e) => e.issueKeys.length > 0) ? await platform.siteUrl().catch(() => undefined) : undefined;
    const browse = (key: string) => (site ? { key, url: `${site.replace(/\/$/, '')}/browse/${key}` } : { key });
    const waiting = events.filter(isWaiting).map((e) => e.eventId);
    const next = await readNextAttempts(platform.store, waiting);
    const views: EventActivityView[] = events.map(({ issueKeys, at, firstAt, ...event }) => {
      const nextAt = next.get(event.eventId);
      return {
        ...event,
        at: new Date(at).toISOString(),
        firstAt: new Date(firstAt).toISOString(),
        issues: issueKeys.map(browse),
        // A time already past says nothing: the queue is about to run it, or already has.
        ...(nextAt !== undefined && nextAt > platform.clock.now() ? { nextAttemptAt: new Date(nextAt).toISOString() } : {}),
      };
    });
    return { events: views, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  },

  async 'deadletters/list'(platform, payload) {
    const result = await listDeadLetters(platform, {
      ...(payload.projectKey ? { projectKey: payload.projectKey } : {}),
      ...(payload.offset !== undefined ? { offset: payload.offset } : {}),
      ...(payload.limit !== undefined ? { limit: payload.limit } : {}),
    });
    return { items: result.items.map(deadLetterView), total: result.total, byProject: result.byProject };
  },

  async 'deadletters/retry'(platform, payload) {
    const ids = await selectionIds(platform, payload);
    if (ids.length === 0) throw new CodedError('NOT_FOUND', 'There are no dead letters to retry for this selection.');
    const outcomes = await retryDeadLetters(platform, ids, { deadlineAt: platform.clock.now() + RETRY_BUDGET_MS });
    const count = (pred: (s: string) => boolean) => outcomes.filter((o) => pred(o.status)).length;
    const failed = count((s) => s === 'failed' || s === 'missing' || s === 'unreadable');
    const queued = count((s) => s === 'queued');
    const applied = outcomes.length - failed - queued;
    const message = [
      `${applied} of ${outcomes.length} applied`,
      queued ? `${queued} handed to the queue (they come back here if they fail again)` : '',
      failed ? `${failed} failed again: see the error on each` : '',
    ]
      .filter(Boolean)
      .join('; ');
    platform.logger.info('dead letters retried', { count: outcomes.length, applied, queued, failed });
    return { outcomes, message: `${message}.` };
  },

  async 'deadletters/discard'(platform, payload) {
    const ids = await selectionIds(platform, payload);
    const discarded = await discardDeadLetters(platform, ids);
    platform.logger.info('dead letters discarded', { count: discarded });
    return { discarded };
  },

  async 'drift/check'(platform) {
    const reports = await checkDrift(platform);
    return { projects: reports.map((r) => ({ projectKey: r.projectKey, problems: r.problems, isNew: r.isNew, ...(r.error ? { error: r.error } : {}) })) };
  },
};

/** The contract's schemas, typed per key (so the dispatcher hands each service its own payload type). */
const PARSERS: { [J in FailureResolverKey]: PayloadParser<ParsedFailurePayloadOf<J>> } = failurePayloadSchemas;

export async function dispatchFailureCall<K extends FailureResolverKey>(
  key: K,
  rawPayload: unknown,
  platform: Platform,
  caller: AdminCaller,
  services: { [J in FailureResolverKey]: Service<J> } = failureServices,
): Promise<FailureResolverResult<K>> {
  const service = services[key];
  return dispatchResolverCall(
    key,
    rawPayload,
    {
      // Jira administrators only, checked as the user (or remembered for a few minutes: see access.ts).
      authorise: () => assertAccess(caller, { scope: 'global' }, { store: platform.store, clock: platform.clock }),
      schema: PARSERS[key],
      run: (payload) => service(platform, payload),
    },
    platform,
  );
}
