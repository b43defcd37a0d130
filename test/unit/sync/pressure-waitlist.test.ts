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
  // 600 points left for 1,800 s: a fair gap of 1.5 × 1,800 / 600 = 4.5 s (no jitter at random() = 0.5).
  const signal = { status: 200, nearLimit: true, quota: { remaining: 600, resetInSeconds: 1_800 } };
  const spaced = list.spaced(signal, 0, () => 0.5);
  expect(spaced).toEqual([
    { folds: [{ event: medium, originals: [medium] }], delays: [5] },
    // After the last normal one (5 s), three gaps apart: + 13.5, + 13.5, + 13.5.
    {
      folds: [
        { event: low, originals: [low] },
        { event: both, originals: [both] },
        { event: mediumAgain, originals: [mediumAgain] },
      ],
      delays: [19, 32, 46],
    },
  ]);
  expect(LOW_PRIORITY_FACTOR).toBe(3);
  expect(list.size).toBe(4);
  expect(new PressureWaitlist().spaced(signal, 0)).toEqual([]);
});

it('every event of a finding is due no earlier than the one before it, whatever the jitter', () => {
  const list = new PressureWaitlist();
  const events = [
    ev('finding.created', { finding: found('a', 'medium') }),
    ev('finding.updated', { finding: found('a', 'low') }),
    prOpened(['a']),
    ev('finding.created', { finding: found('b', 'info') }),
    ev('finding.updated', { finding: found('b', 'medium') }),
  ];
  for (const e of events) list.add(e);
  const signal = { status: 200, nearLimit: true, quota: { remaining: 50, resetInSeconds: 3_000 } };
  for (const random of [() => 0, () => 0.999, Math.random]) {
    const due = new Map<BacklineEvent, number>();
    // Folded events (a's update into its create, b's too) are due with the write that carries them.
    for (const batch of list.spaced(signal, 0, random)) batch.folds.forEach((fold, i) => fold.originals.forEach((e) => due.set(e, batch.delays[i] ?? -1)));
    const order = events.map((e) => due.get(e) ?? -1);
    expect(Math.min(...order)).toBeGreaterThan(0);
    // a's three events, then b's two, in the order they came.
    expect(order[1]).toBeGreaterThanOrEqual(order[0] ?? 0);
    expect(order[2]).toBeGreaterThanOrEqual(order[1] ?? 0);
    expect(order[4]).toBeGreaterThanOrEqual(order[3] ?? 0);
  }
});

it('folds created and updated of one finding into one write with the newest snapshot, never across its other events', () => {
  const list = new PressureWaitlist();
  const created = ev('finding.created', { finding: found('c', 'medium') });
  const newer = eventSchema.parse({ id: 'evt_newer', type: 'finding.updated', occurredAt: '2026-12-04T10:05:00Z', data: { finding: { ...found('c', 'medium'), title: 'newer' } } });
  const older = eventSchema.parse({ id: 'evt_older', type: 'finding.updated', occurredAt: '2026-12-04T09:00:00Z', data: { finding: { ...found('c', 'medium'), title: 'older' } } });
  const pr = prOpened(['c']);
  const after = ev('finding.updated', { finding: found('c', 'medium') });
  for (const e of [created, newer, older, pr, after]) list.add(e);
  const signal = { status: 200, nearLimit: true, quota: { remaining: 600, resetInSeconds: 1_800 } };
  const [batch] = list.spaced(signal, 0, () => 0.5);
  expect(list.size).toBe(3);
  expect(batch?.folds.map((fold) => fold.originals)).toEqual([[created, newer, older], [pr], [after]]);
  const folded = batch?.folds[0]?.event;
  // The first one's id and type, in its place; the newest snapshot (an older one never wins).
  expect([folded?.id, folded?.type, folded?.occurredAt]).toEqual([created.id, 'finding.created', '2026-12-04T10:05:00Z']);
  expect(folded && 'finding' in folded.data ? folded.data.finding.title : undefined).toBe('newer');
  expect(batch?.folds.slice(1).map((fold) => fold.event)).toEqual([pr, after]);
});
