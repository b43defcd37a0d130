import { activityKey, entityActivityLog, pruneActivity, queryActivity, type ActivityEntry } from '../../../src/core/failures/activity';
import type { ResultStatus } from '../../../src/core/results';
import { FAKE_EPOCH, MemoryStore } from '../../fakes';

const DAY = 24 * 3600_000;

function entry(i: number, at: number, projectKey: string, status: ResultStatus): ActivityEntry {
  return {
    at,
    projectKey,
    status,
    findingId: `fnd_${i}`,
    details: { type: 'finding.created', eventId: `evt_${i}`, jiraRequests: 2, planned: ['create'], done: status === 'failed' ? [] : ['create'], ...(status === 'failed' ? { error: { code: 'JIRA_REJECTED', message: 'Jira answered 400: Severity: invalid', retryable: false } } : {}) },
  };
}

async function seed(store: MemoryStore, entries: ActivityEntry[]) {
  for (const e of entries) await store.transact([entityActivityLog.operation(e)]);
}

describe('activity queries', () => {
  it('pages newest first with a cursor, without skipping or repeating, and filters by project and status', async () => {
    const store = new MemoryStore();
    const entries = Array.from({ length: 230 }, (_, i) => entry(i, FAKE_EPOCH + i * 1000, i % 2 === 0 ? 'SEC' : 'APP', i % 3 === 0 ? 'failed' : 'created'));
    await seed(store, entries);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await queryActivity(store, {}, { limit: 40, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(40);
      seen.push(...page.items.map((i) => i.eventId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(entries.map((e) => e.details.eventId).reverse());

    const secFailed: string[] = [];
    cursor = undefined;
    do {
      const page = await queryActivity(store, { projectKey: 'SEC', status: 'failed' }, { limit: 7, ...(cursor ? { cursor } : {}) });
      secFailed.push(...page.items.map((i) => i.eventId));
      for (const item of page.items) expect(item).toMatchObject({ projectKey: 'SEC', status: 'failed', error: { code: 'JIRA_REJECTED' } });
      cursor = page.nextCursor;
    } while (cursor);
    expect(secFailed).toEqual(entries.filter((e) => e.projectKey === 'SEC' && e.status === 'failed').map((e) => e.details.eventId).reverse());

    const byStatus = await queryActivity(store, { status: 'created', from: FAKE_EPOCH + 100_000, to: FAKE_EPOCH + 110_000 }, { limit: 100 });
    expect(byStatus.items.map((i) => i.at).every((at) => at >= FAKE_EPOCH + 100_000 && at <= FAKE_EPOCH + 110_000)).toBe(true);
    expect(byStatus.items.every((i) => i.status === 'created')).toBe(true);
    expect(byStatus.items.length).toBeGreaterThan(0);
  });

  it('shows what was planned and done, and events without a project', async () => {
    const store = new MemoryStore();
    await seed(store, [{ ...entry(1, FAKE_EPOCH, '', 'failed'), details: { type: 'finding.created', eventId: 'evt_x', jiraRequests: 0, error: { code: 'NO_ROUTE', message: 'no rule', retryable: false } } }]);
    const page = await queryActivity(store, { projectKey: '-' });
    expect(page.items).toEqual([expect.objectContaining({ projectKey: null, eventId: 'evt_x', planned: [], done: [], error: expect.objectContaining({ code: 'NO_ROUTE' }) })]);
  });
});

describe('activity retention', () => {
  it('removes entries older than 30 days and keeps the rest, the one exactly 30 days old included', async () => {
    const store = new MemoryStore();
    const now = FAKE_EPOCH + 60 * DAY;
    const entries = Array.from({ length: 260 }, (_, i) => entry(i, FAKE_EPOCH + i * (DAY / 4), 'SEC', 'created'));
    await seed(store, entries);
    // 4 entries a day for 65 days, pruned on day 60: days 0 to 29¾ (entries 0–119) are over 30 days old.
    expect(await pruneActivity(store, now)).toBe(120);
    const kept = async (i: number) => (await store.entityGet('activity', activityKey(entries[i]))) !== undefined;
    expect([await kept(0), await kept(119), await kept(120), await kept(259)]).toEqual([false, false, true, true]);
    let remaining = 0;
    let cursor: string | undefined;
    do {
      const page = await queryActivity(store, {}, { limit: 100, ...(cursor ? { cursor } : {}) });
      remaining += page.items.length;
      cursor = page.nextCursor;
    } while (cursor);
    expect(remaining).toBe(140);
    expect(await pruneActivity(store, now)).toBe(0);
  });
});
