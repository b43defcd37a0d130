/**
 * Activity says when a waiting event is tried next: Jira refuses with 429 and
 * `Retry-After: 120`, the web trigger queues the event for that long, and
 * the admin page's Activity shows the event once, waiting, with that time.
 */
import { startLocalRuntime, type LocalRuntime } from '../../../dev/server';
import { SAMPLE_FINDING } from '../../../src/shared/backline-fields';
import type { EventActivityView } from '../../../src/shared/contracts/failures';
import { tempStateDir } from '../runtime/helpers';
import { invokeAs, sendSigned, simPost } from '../runtime/local-calls';

let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startLocalRuntime({ port: 0, stateDir: tempStateDir(), reset: true, quiet: true, housekeepingIntervalMs: 0 });
});
afterAll(() => runtime.close());

async function activity(payload: Record<string, unknown>): Promise<EventActivityView[]> {
  const answer = await invokeAs<{ events: EventActivityView[] }>(runtime, 'activity/events', payload);
  expect(answer.ok).toBe(true);
  return answer.data.events;
}

it('a rate-limited event waits in the queue, and Activity shows when it is tried next', async () => {
  await simPost(runtime, 'faults', { status: 429, count: 5, retryAfter: 120, match: { method: 'POST', path: '/rest/api/3/issue' } });
  const sentAt = Date.now();
  const response = await sendSigned(runtime, { id: 'evt-next-attempt', occurredAt: new Date().toISOString(), type: 'finding.created', data: { finding: { ...SAMPLE_FINDING, id: 'fnd_next_attempt', jira: { projectKey: 'SEC' } } } });
  expect(response.status).toBe(202);

  const pending = await activity({ pending: true });
  const row = pending.find((e) => e.eventId === 'evt-next-attempt');
  expect(row?.state).toMatch(/^(queued|retrying)$/);
  expect(pending.filter((e) => e.eventId === 'evt-next-attempt')).toHaveLength(1);
  const next = Date.parse(row?.nextAttemptAt ?? '');
  // Retry-After 120 s, plus at most 30 s of spread (docs/performance.md "Sharing the budget").
  expect(next - sentAt).toBeGreaterThanOrEqual(115_000);
  expect(next - sentAt).toBeLessThanOrEqual(155_000);
});
