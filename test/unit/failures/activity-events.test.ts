import type { ActivityItem } from '../../../src/core/failures/activity';
import { groupByEvent, writesInWords } from '../../../src/core/failures/activity-events';
import { FAKE_EPOCH } from '../../fakes';

let n = 0;
function entry(eventId: string, at: number, overrides: Partial<ActivityItem> = {}): ActivityItem {
  n += 1;
  return { id: `k${n}`, at: FAKE_EPOCH + at, projectKey: 'SEC', status: 'created', findingId: 'f1', type: 'finding.created', eventId, jiraRequests: 2, planned: [], done: [], ...overrides };
}

const unavailable = { code: 'JIRA_UNAVAILABLE', message: 'Jira is unavailable or rate limited (503); the event will be retried', retryable: true };

describe('one row per event', () => {
  it('folds five attempts of a retried event into one row with its attempts and state', () => {
    // Newest first, as the activity query answers; the event is still being retried.
    const items = [
      entry('evt-1', 5000, { status: 'queued', error: unavailable }),
      entry('evt-1', 4000, { status: 'queued', error: unavailable }),
      entry('evt-1', 3000, { status: 'queued', error: unavailable }),
      entry('evt-1', 2000, { status: 'queued', error: unavailable }),
      entry('evt-1', 1000, { status: 'queued', error: unavailable }),
    ];
    const rows = groupByEvent(items, new Set());
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ eventId: 'evt-1', attempts: 5, state: 'retrying', at: FAKE_EPOCH + 5000, firstAt: FAKE_EPOCH + 1000, error: unavailable });
  });

  it('says applied once the last attempt worked, and dead letter when the event was kept as one', () => {
    const applied = groupByEvent([entry('evt-2', 2000, { status: 'created', issueKey: 'SEC-1', done: ['create', 'property'] }), entry('evt-2', 1000, { status: 'queued', error: unavailable })], new Set());
    expect(applied[0]).toMatchObject({ attempts: 2, state: 'applied', issueKeys: ['SEC-1'], summary: 'created the issue, recorded the finding on the issue' });
    const dead = groupByEvent([entry('evt-3', 1000, { status: 'failed', error: { code: 'JIRA_REJECTED', message: 'Team: option Payments no longer exists', retryable: false } })], new Set(['evt-3']));
    expect(dead[0]).toMatchObject({ attempts: 1, state: 'dead-letter' });
    const queued = groupByEvent([entry('evt-4', 1000, { status: 'queued' })], new Set());
    expect(queued[0]?.state).toBe('queued');
  });

  it('shows every issue of a multi-finding event, and counts attempts per finding', () => {
    const pr = { type: 'pull_request.merged' };
    const rows = groupByEvent(
      [
        entry('evt-5', 2001, { ...pr, findingId: 'f2', status: 'updated', issueKey: 'SEC-2', done: ['transition→In Review+comment', 'remotelink'] }),
        entry('evt-5', 2000, { ...pr, findingId: 'f1', status: 'updated', issueKey: 'SEC-1', done: ['transition→In Review+comment', 'remotelink'] }),
        entry('evt-5', 1000, { ...pr, findingId: 'f1', status: 'queued', error: unavailable }),
        entry('evt-6', 500, { projectKey: null, findingId: null, status: 'failed', error: { code: 'NO_ROUTE', message: 'no route', retryable: false } }),
      ],
      new Set(),
    );
    expect(rows.map((r) => r.eventId)).toEqual(['evt-5', 'evt-6']);
    expect(rows[0]).toMatchObject({ attempts: 2, state: 'applied', issueKeys: ['SEC-2', 'SEC-1'], findingIds: ['f2', 'f1'], summary: 'moved to In Review, commented, linked the PR' });
    expect(rows[1]).toMatchObject({ attempts: 1, state: 'failed', projectKey: null });
  });
});

describe('what an event did, in words', () => {
  it('translates the plan notation', () => {
    expect(writesInWords(['edit(summary)'])).toBe('updated summary');
    expect(writesInWords(['edit(summary,priority,labels)', 'comment'])).toBe('updated 3 fields, commented');
    expect(writesInWords([])).toBe('nothing in Jira');
  });
});
