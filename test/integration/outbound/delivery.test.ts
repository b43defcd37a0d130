/**
 * Outbound delivery on the core with fakes and a simulated clock: a Backline
 * endpoint that is down for more than 24 hours ends in a dead letter, whose
 * retry delivers the same event once; a refusal is a dead letter at once; and
 * none of it costs a Jira request (the test platform has no Jira at all).
 */
import { handleOutboundJob } from '../../../src/core/outbound/delivery';
import { listOutboundDeadLetters, retryOutboundDeadLetters } from '../../../src/core/outbound/dead-letters';
import { receiveIssueEvent } from '../../../src/core/outbound/intake';
import { setOutboundEndpoint } from '../../../src/core/outbound/settings';
import { verifySignature } from '../../../src/core/events/signature';
import { ensureSigningSecret } from '../../../src/core/secrets/signing-secret';
import { LINK_ENTITY } from '../../../src/core/sync/links';
import type { BacklinePoster } from '../../../src/core/ports';
import { FakeClock } from '../../fakes/clock';
import { MemoryQueue } from '../../fakes/memory-queue';
import { makeTestPlatform } from '../../fakes/platform';

const SECRET = 'whsec_delivery_test';
const ENDPOINT = 'https://hooks.backline.ai/jira/events';

class FakeBackline implements BacklinePoster {
  status = 503;
  readonly received: Array<{ url: string; body: string; headers: Record<string, string>; at: number }> = [];
  constructor(private readonly clock: FakeClock) {}
  async post(url: string, body: string, headers: Record<string, string>): Promise<number> {
    this.received.push({ url, body, headers, at: this.clock.now() });
    return this.status;
  }
}

async function setup() {
  const clock = new FakeClock();
  const queue = new MemoryQueue(clock);
  const platform = makeTestPlatform({ clock });
  await ensureSigningSecret(platform.secrets, clock, SECRET);
  await setOutboundEndpoint(platform.store, ENDPOINT, { accountId: 'admin', at: new Date(clock.now()) });
  await platform.store.entitySet(LINK_ENTITY, 'fnd_1', {
    findingId: 'fnd_1', issueId: '10042', issueKey: 'SEC-42', projectKey: 'SEC', issueTypeId: '10003',
    lastEventAt: 0, fieldFingerprints: {}, remediations: [], lastSyncAt: 0, updatedAt: 0,
  });
  const backline = new FakeBackline(clock);
  const context = { platform, queue, poster: backline };
  const drain = () => queue.drain(async (body) => void (await handleOutboundJob(context, body)), { clock });
  return { clock, queue, platform, backline, context, drain };
}

const doneEvent = {
  eventType: 'avi:jira:updated:issue',
  atlassianId: '557058:person',
  issue: { id: '10042', key: 'SEC-42', fields: { project: { key: 'SEC' }, status: { id: '10002', name: 'Done', statusCategory: { key: 'done' } } } },
  changelog: { items: [{ field: 'status', fieldtype: 'jira', from: '10001', fromString: 'In Progress', to: '10002', toString: 'Done' }, { field: 'resolution', fieldtype: 'jira', from: null, fromString: null, to: '10000', toString: 'Fixed' }] },
};

it('gives up after 24 h of an unreachable endpoint into a dead letter, and its retry delivers the event once', async () => {
  const { clock, platform, queue, backline, drain } = await setup();
  const start = clock.now();
  expect(await receiveIssueEvent({ platform, queue }, doneEvent)).toBe('queued');
  await drain();

  const [letter, ...others] = await listOutboundDeadLetters(platform);
  expect(others).toEqual([]);
  expect(letter?.error.code).toBe('BACKLINE_UNREACHABLE');
  expect(letter?.error.status).toBe(503);
  expect(letter?.event).toMatchObject({ type: 'jira.issue.status_changed', data: { findingIds: ['fnd_1'], resolution: 'Fixed', outcome: 'fixed' } });
  // Tried with backoff (30 s doubling to 15 min) for the whole day, not longer.
  const last = backline.received[backline.received.length - 1];
  expect(last && last.at - start).toBeGreaterThan(23 * 3600_000);
  expect(last && last.at - start).toBeLessThanOrEqual(24 * 3600_000 + 5_000);
  expect(backline.received.length).toBe(letter?.attempts);
  expect(backline.received.length).toBeGreaterThan(90);
  expect(new Set(backline.received.map((r) => JSON.parse(r.body).id)).size).toBe(1);

  backline.status = 202;
  const before = backline.received.length;
  expect(await retryOutboundDeadLetters(platform, queue, [letter?.event.id ?? ''])).toEqual([{ eventId: letter?.event.id, status: 'queued' }]);
  await drain();
  const delivered = backline.received.slice(before);
  expect(delivered).toHaveLength(1);
  expect(JSON.parse(delivered[0]?.body ?? '{}').id).toBe(letter?.event.id);
  expect(verifySignature({ header: delivered[0]?.headers['x-backline-signature'], rawBody: delivered[0]?.body ?? '', secrets: [SECRET], nowMs: clock.now() })).toBe(true);
  expect(await listOutboundDeadLetters(platform)).toEqual([]);
});

it('keeps a refused event (HTTP 401) as a dead letter at once: the same bytes will not be accepted later', async () => {
  const { platform, queue, backline, drain } = await setup();
  backline.status = 401;
  await receiveIssueEvent({ platform, queue }, doneEvent);
  await drain();
  expect(backline.received).toHaveLength(1);
  const [letter] = await listOutboundDeadLetters(platform);
  expect(letter?.error).toMatchObject({ code: 'BACKLINE_REJECTED', status: 401 });
});

it('sends nothing while no endpoint is set, and nothing for the app\'s own changes', async () => {
  const { platform, queue, backline, drain } = await setup();
  expect(await receiveIssueEvent({ platform, queue }, { ...doneEvent, selfGenerated: true })).toBe('own-change');
  await setOutboundEndpoint(platform.store, null, { accountId: 'admin', at: new Date() });
  expect(await receiveIssueEvent({ platform, queue }, doneEvent)).toBe('off');
  await drain();
  expect(backline.received).toEqual([]);
  expect(queue.pushed).toEqual([]);
});

it('ignores issues that track no finding and events about other fields', async () => {
  const { platform, queue } = await setup();
  expect(await receiveIssueEvent({ platform, queue }, { ...doneEvent, issue: { ...doneEvent.issue, id: '99999' } })).toBe('not-linked');
  expect(await receiveIssueEvent({ platform, queue }, { ...doneEvent, changelog: { items: [{ field: 'summary', fieldtype: 'jira', from: null, fromString: 'a', to: null, toString: 'b' }] } })).toBe('no-change');
  expect(await receiveIssueEvent({ platform, queue }, { eventType: 'avi:jira:updated:issue' })).toBe('unreadable');
});
