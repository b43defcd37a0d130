/** Which waiting events of one finding fold into one write (src/core/sync/coalesce.ts). */
import { eventSchema, type BacklineEvent } from '../../../src/core/events/schema';
import { Folder, carriedBy, coalesce } from '../../../src/core/sync/coalesce';
import { SAMPLE_FINDING } from '../../../src/shared/backline-fields';

let n = 0;
const at = (second: number) => new Date(Date.UTC(2026, 11, 4, 10, 0, second)).toISOString();
const ev = (type: string, data: unknown, second = ++n): BacklineEvent => eventSchema.parse({ id: `evt_${++n}`, type, occurredAt: at(second), data });
const found = (id: string, title = 'T') => ({ ...SAMPLE_FINDING, id, title, severity: 'medium' });
const created = (id: string, title?: string, second?: number) => ev('finding.created', { finding: found(id, title) }, second);
const updated = (id: string, title?: string, second?: number) => ev('finding.updated', { finding: found(id, title) }, second);
const prEvent = (type: string, ids: string[], number = 1, second?: number) =>
  ev(type, { remediation: { id: 'rem_1' }, pullRequest: { url: `https://github.com/acme/a/pull/${number}`, number }, findings: ids.map((id) => ({ id })) }, second);

it('folds snapshots into the first one, keeping the newest snapshot', () => {
  const first = created('a', 'old', 1);
  const folded = coalesce(first, updated('a', 'new', 2));
  expect(folded).toMatchObject({ id: first.id, type: 'finding.created', occurredAt: at(2), data: { finding: { title: 'new' } } });
  // An older snapshot delivered later does not replace a newer one.
  expect(coalesce(created('a', 'newer', 5), updated('a', 'older', 3))).toMatchObject({ occurredAt: at(5), data: { finding: { title: 'newer' } } });
  expect(coalesce(created('a'), updated('b'))).toBeUndefined();
});

it('folds a snapshot into the PR opened that follows it: the PR event carrying the snapshot', () => {
  const snapshot = updated('a', 'latest', 10);
  const opened = prEvent('remediation.pr_opened', ['a'], 7, 11);
  const folded = coalesce(snapshot, opened);
  expect(folded).toMatchObject({ id: opened.id, type: 'remediation.pr_opened', occurredAt: opened.occurredAt, data: { pullRequest: { number: 7 }, findings: [{ id: 'a', title: 'latest', severity: 'medium' }] } });
});

it('never folds what leaves its own comment or transition, a PR of several findings, or a snapshot newer than the PR', () => {
  expect(coalesce(created('a'), prEvent('remediation.pr_merged', ['a']))).toBeUndefined();
  expect(coalesce(created('a'), ev('finding.resolved', { finding: found('a'), reason: 'fixed' }))).toBeUndefined();
  expect(coalesce(created('a'), prEvent('remediation.pr_opened', ['a', 'b']))).toBeUndefined();
  expect(coalesce(created('a'), prEvent('remediation.pr_opened', ['b']))).toBeUndefined();
  expect(coalesce(created('a', 'x', 30), prEvent('remediation.pr_opened', ['a'], 1, 20))).toBeUndefined();
  // A snapshot after a PR keeps its own write; so does a second PR opened before the first, or naming two findings.
  const carrier = coalesce(created('a'), prEvent('remediation.pr_opened', ['a'], 1)) as BacklineEvent;
  expect(coalesce(carrier, updated('a'))).toBeUndefined();
  expect(coalesce(prEvent('remediation.pr_opened', ['a'], 1, 40), prEvent('remediation.pr_opened', ['a'], 2, 35))).toBeUndefined();
  expect(coalesce(carrier, prEvent('remediation.pr_opened', ['a', 'b'], 2))).toBeUndefined();
  expect(coalesce(carrier, prEvent('remediation.pr_merged', ['a'], 1))).toBeUndefined();
});

it('folds a second PR opened for the finding into the first: the later PR event, carrying the first one’s snapshot', () => {
  const carrier = coalesce(created('a', 'snap', 50), prEvent('remediation.pr_opened', ['a'], 1, 51)) as BacklineEvent;
  const second = prEvent('remediation.pr_opened', ['a'], 2, 52);
  expect(coalesce(carrier, second)).toMatchObject({ id: second.id, occurredAt: second.occurredAt, data: { pullRequest: { number: 2 }, findings: [{ id: 'a', title: 'snap', severity: 'medium' }] } });
  // Without a snapshot: the finding as named.
  expect(coalesce(prEvent('remediation.pr_opened', ['a'], 1, 60), prEvent('remediation.pr_opened', ['a'], 2, 61))).toMatchObject({ data: { pullRequest: { number: 2 }, findings: [{ id: 'a' }] } });
  const folder = new Folder();
  const events = [created('c', 'c1', 70), prEvent('remediation.pr_opened', ['c'], 1, 71), prEvent('remediation.pr_opened', ['c'], 2, 72)];
  for (const e of events) folder.add(e);
  expect(folder.folds.map((fold) => [fold.event.id, carriedBy(fold).map((e) => e.id)])).toEqual([[events[2]?.id, [events[0]?.id, events[1]?.id]]]);
});

it('a Folder keeps order, folds only with nothing of the finding in between, and names what each write carries', () => {
  const folder = new Folder();
  const a1 = created('a', 'a1');
  const b1 = created('b', 'b1');
  const a2 = updated('a', 'a2');
  const aPr = prEvent('remediation.pr_opened', ['a']);
  const bResolved = ev('finding.resolved', { finding: found('b'), reason: 'fixed' });
  const b2 = updated('b', 'b2');
  const both = prEvent('remediation.pr_opened', ['a', 'b'], 3);
  const a3 = updated('a', 'a3');
  for (const e of [a1, b1, a2, aPr, bResolved, b2, both, a3]) folder.add(e);
  expect(folder.folds.map((fold) => [fold.event.type, fold.event.id, carriedBy(fold).map((e) => e.id)])).toEqual([
    ['remediation.pr_opened', aPr.id, [a1.id, a2.id]],
    ['finding.created', b1.id, []],
    ['finding.resolved', bResolved.id, []],
    ['finding.updated', b2.id, []],
    ['remediation.pr_opened', both.id, []],
    // After the PR of both, a's next snapshot starts a write of its own.
    ['finding.updated', a3.id, []],
  ]);
  expect(folder.folds[0]?.originals).toEqual([a1, a2, aPr]);
});
