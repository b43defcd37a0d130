/** The pressure waitlist's grouping (src/core/sync/pressure.ts): who waits, how long, and one finding's order. */
import { eventSchema, type BacklineEvent } from '../../../src/core/events/schema';
import { isUrgent, LOW_PRIORITY_FACTOR, PressureWaitlist } from '../../../src/core/sync/pressure';
import { SAMPLE_FINDING } from '../../../src/shared/backline-fields';

let n = 0;
const ev = (type: string, data: unknown): BacklineEvent => eventSchema.parse({ id: `evt_${++n}`, type, occurredAt: '2026-12-04T10:00:00Z', data });
const found = (id: string, severity: string) => ({ ...SAMPLE_FINDING, id, severity });
const prOpened = (ids: string[]) =>
  ev('remediation.pr_opened', { remediation: { id: 'rem_1' }, pullRequest: { url: 'https://github.com/acme/a/pull/1', number: 1 }, findings: ids.map((id) => ({ id })) });

it('only creates, resolutions and reopenings of critical and high findings are urgent', () => {
  expect(isUrgent(ev('finding.created', { finding: found('a', 'critical') }))).toBe(true);
  expect(isUrgent(ev('finding.reopened', { finding: found('a', 'high') }))).toBe(true);
  expect(isUrgent(ev('finding.resolved', { finding: found('a', 'high'), reason: 'fixed' }))).toBe(true);
  expect(isUrgent(ev('finding.created', { finding: found('a', 'medium') }))).toBe(false);
  expect(isUrgent(ev('finding.updated', { finding: found('a', 'critical') }))).toBe(false);
  expect(isUrgent(prOpened(['a']))).toBe(false);
});

it('low and info wait three times longer, and a finding never moves to an earlier group', () => {
  const list = new PressureWaitlist();
  const low = ev('finding.created', { finding: found('l', 'low') });
  const medium = ev('finding.created', { finding: found('m', 'medium') });
  // A PR over both: its findings are in different groups, so it goes with the later one, and so does m from now on.
  const both = prOpened(['l', 'm']);
  const mediumAgain = ev('finding.updated', { finding: found('m', 'medium') });
  for (const e of [low, medium, both, mediumAgain]) list.add(e);
  expect(list.follows(ev('finding.resolved', { finding: found('m', 'high'), reason: 'fixed' }))).toBe(true);
  expect(list.follows(ev('finding.created', { finding: found('x', 'high') }))).toBe(false);
  const batches = list.batches(100);
  expect(batches).toEqual([
    { events: [medium], delaySeconds: 100 },
    { events: [low, both, mediumAgain], delaySeconds: 100 * LOW_PRIORITY_FACTOR },
  ]);
  expect(list.size).toBe(4);
  expect(new PressureWaitlist().batches(400)).toEqual([]);
  const capped = new PressureWaitlist();
  capped.add(low);
  expect(capped.batches(400)).toEqual([{ events: [low], delaySeconds: 900 }]);
});
