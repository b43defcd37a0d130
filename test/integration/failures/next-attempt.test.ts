/**
 * Activity says when a waiting event is tried next: Jira refuses with 429 and
 * `Retry-After: 120`, the web trigger queues the event for that long, and
 * the admin page's Activity shows the event once, waiting, with that time.
 */
import { startLocalRuntime, type LocalRuntime } from '../../../dev/server';
import { sign, SIGNATURE_HEADER } from '../../../dev/sign';
import { SAMPLE_FINDING } from '../../../src/shared/backline-fields';
import type { EventActivityView } from '../../../src/shared/contracts/failures';
import { tempStateDir } from '../runtime/helpers';

let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startLocalRuntime({ port: 0, stateDir: tempStateDir(), reset: true, quiet: true, housekeepingIntervalMs: 0 });
});
afterAll(() => runtime.close());

async function activity(payload: Record<string, unknown>): Promise<EventActivityView[]> {
  const response = await fetch(`${runtime.url}/bridge/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-local-account-id': 'admin' },
    body: JSON.stringify({ functionKey: 'activity/events', payload, context: { moduleKey: 'backline-admin', extension: { type: 'jira:adminPage' } } }),
  });
  const answer = (await response.json()) as { ok: boolean; data: { events: EventActivityView[] } };
  expect(answer.ok).toBe(true);
  return answer.data.events;
}

it('a rate-limited event waits in the queue, and Activity shows when it is tried next', async () => {
  const fault = await fetch(`${runtime.url}/jira/_sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status: 429, count: 5, retryAfter: 120, match: { method: 'POST', path: '/rest/api/3/issue' } }),
  });
  expect(fault.status).toBeLessThan(300);
  const body = JSON.stringify({ id: 'evt-next-attempt', occurredAt: new Date().toISOString(), type: 'finding.created', data: { finding: { ...SAMPLE_FINDING, id: 'fnd_next_attempt', jira: { projectKey: 'SEC' } } } });
  const sentAt = Date.now();
  const response = await fetch(runtime.webtriggerUrl, { method: 'POST', headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(runtime.signingSecret, body) }, body });
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
