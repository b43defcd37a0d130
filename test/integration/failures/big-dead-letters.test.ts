/**
 * Every permanently failed event is kept as a dead letter, whatever its size
 * (issue 13 item 8): an event over KVS's 240 KiB value limit is kept in parts,
 * listed like any other, retried whole once the cause is fixed, and its parts
 * go with it.
 */
import { SIM_USERS } from '../../../dev/jira-sim';
import { DEAD_LETTER_PREFIX, getDeadLetter, listDeadLetters } from '../../../src/core/failures/dead-letters';
import { PART_PREFIX } from '../../../src/core/failures/dead-letter-parts';
import { dispatchFailureCall } from '../../../src/core/failures/services';
import { simTransport } from '../../fakes';
import { event, finding, setup } from './harness';

// 100,000 characters of a 3-byte character: ~300 KB of UTF-8, over the 240 KiB a KVS value holds.
const HUGE = '€'.repeat(100_000);

test('a failed event of 300 KB is kept in parts, listed, retried whole, and its parts removed', async () => {
  const h = await setup();
  const admin = { accountId: SIM_USERS.siteAdmin.accountId, jiraAsUser: simTransport(h.sim, SIM_USERS.siteAdmin.accountId) };
  await h.control('POST', '/_sim/fields', { project: 'SEC', issueType: 'Vulnerability', removeFromScreen: 'Repository' });
  const big = event('finding.created', { finding: finding('fnd_big', { description: HUGE }) }, 'evt_big');
  expect(Buffer.byteLength(JSON.stringify(big))).toBeGreaterThan(240 * 1024);
  const [result] = await h.run(big);
  expect(result).toMatchObject({ status: 'failed', error: { retryable: false } });

  // Listed like any other (type and finding from the head; the event itself in parts).
  const list = await listDeadLetters(h.platform);
  expect(list.items).toEqual([expect.objectContaining({ eventId: 'evt_big', type: 'finding.created', findingIds: ['fnd_big'], projectKey: 'SEC' })]);
  const parts = (await h.platform.store.list(PART_PREFIX, { limit: 100 })).items;
  expect(parts.length).toBeGreaterThan(1);
  for (const part of parts) expect(Buffer.byteLength(JSON.stringify(part.value))).toBeLessThanOrEqual(240 * 1024);
  expect((await getDeadLetter(h.platform, 'evt_big'))?.event).toEqual(big);

  // Failing again (a redelivery) keeps it, counted as a replay, still whole.
  await h.run(big);
  expect(await getDeadLetter(h.platform, 'evt_big')).toMatchObject({ replays: 1, event: big });

  // The cause fixed, the admin retries it: applied, the dead letter and its parts gone.
  await h.control('POST', '/_sim/fields', { project: 'SEC', issueType: 'Vulnerability', addToScreen: { fieldId: 'Repository' } });
  h.platform.clock.advance(25 * 3_600_000); // past the create-metadata cache (24 h)
  const retried = await dispatchFailureCall('deadletters/retry', { eventIds: ['evt_big'] }, h.platform, admin);
  expect(retried).toMatchObject({ ok: true, data: { outcomes: [{ eventId: 'evt_big', status: 'created' }] } });
  expect((await h.platform.store.list(DEAD_LETTER_PREFIX, { limit: 10 })).items).toEqual([]);
  expect((await h.platform.store.list(PART_PREFIX, { limit: 10 })).items).toEqual([]);
});
