/**
 * Jira's limits: comment bodies up to 32,767 characters, at most 5 entity
 * properties in one request, and per-issue caps on comments (5,000) and
 * remote links (2,000), past which Jira answers 413.
 */
import { SIM_TRANSITIONS } from '../../../dev/jira-sim';
import { call, control, doc, makeSim, vulnerability } from './helpers';

const R = '/rest/api/3';
const sim = makeSim();
let key = '';

beforeEach(async () => {
  await control(sim, 'POST', 'reset');
  key = (await call(sim, 'POST', `${R}/issue`, vulnerability())).body.key as string;
});

afterEach(async () => {
  expect((await control(sim, 'GET', 'violations')).body).toEqual([]);
});

const link = (n: number): Record<string, unknown> => ({ globalId: `pr-${n}`, object: { url: `https://git.example/pr/${n}`, title: `PR ${n}` } });
const only = () => [...sim.state.issues.values()][0];

describe('comment bodies: at most 32,767 characters', () => {
  it('exactly 32,767 is accepted; one more is refused, by POST comment and by a transition or edit comment', async () => {
    expect((await call(sim, 'POST', `${R}/issue/${key}/comment`, { body: doc('x'.repeat(32767)) })).status).toBe(201);
    const long = doc('x'.repeat(32000), 'y'.repeat(768));
    const res = await call(sim, 'POST', `${R}/issue/${key}/comment`, { body: long });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual({ comment: 'The entered text is too long. It exceeds the allowed limit of 32,767 characters.' });
    expect((await call(sim, 'POST', `${R}/issue/${key}/transitions`, { transition: { id: SIM_TRANSITIONS.StartProgress }, update: { comment: [{ add: { body: long } }] } })).status).toBe(400);
    expect((await call(sim, 'PUT', `${R}/issue/${key}`, { update: { comment: [{ add: { body: long } }] } })).status).toBe(400);
    expect(only()?.comments).toHaveLength(1);
    expect(only()?.statusId).toBe('10000');
    // A length refusal is not an ADF schema violation.
    expect(sim.adfViolations).toEqual([]);
  });
});

describe('entity properties: at most 5 in one request', () => {
  const props = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `p${i}`, value: { i } }));

  it('5 on create are stored; 6 are refused and nothing is created', async () => {
    expect((await call(sim, 'POST', `${R}/issue`, { ...vulnerability(), properties: props(5) })).status).toBe(201);
    const res = await call(sim, 'POST', `${R}/issue`, { ...vulnerability(), properties: props(6) });
    expect(res.status).toBe(400);
    expect(res.body.errors.properties).toMatch(/At most 5 entity properties/);
    expect(sim.state.issues.size).toBe(2);
  });

  it('6 on an edit are refused and none is written', async () => {
    expect((await call(sim, 'PUT', `${R}/issue/${key}`, { properties: props(6) })).status).toBe(400);
    expect(only()?.properties).toEqual({});
  });
});

describe('per-issue caps answer 413', () => {
  it('the defaults are Jira Cloud\'s: 5,000 comments and 2,000 remote links', async () => {
    expect((await control(sim, 'GET', 'limits')).body).toEqual({ commentsPerIssue: 5000, remoteLinksPerIssue: 2000 });
  });

  it('comments: POST comment and comments added by an edit or transition stop at the cap', async () => {
    await control(sim, 'POST', 'limits', { commentsPerIssue: 2 });
    expect((await call(sim, 'POST', `${R}/issue/${key}/comment`, { body: doc('1') })).status).toBe(201);
    expect((await call(sim, 'POST', `${R}/issue/${key}/transitions`, { transition: { id: SIM_TRANSITIONS.StartProgress }, update: { comment: [{ add: { body: doc('2') } }] } })).status).toBe(204);
    const over = await call(sim, 'POST', `${R}/issue/${key}/comment`, { body: doc('3') });
    expect(over.status).toBe(413);
    expect(over.body.errorMessages).toEqual(['The issue has reached the limit of 2 comments.']);
    // The transition with a comment is refused whole: the issue does not move.
    expect((await call(sim, 'POST', `${R}/issue/${key}/transitions`, { transition: { id: SIM_TRANSITIONS.RequestReview }, update: { comment: [{ add: { body: doc('4') } }] } })).status).toBe(413);
    expect(only()?.statusId).toBe('3');
    expect((await call(sim, 'PUT', `${R}/issue/${key}`, { update: { comment: [{ add: { body: doc('5') } }] } })).status).toBe(413);
    expect(only()?.comments).toHaveLength(2);
    // A transition without a comment still works.
    expect((await call(sim, 'POST', `${R}/issue/${key}/transitions`, { transition: { id: SIM_TRANSITIONS.RequestReview } })).status).toBe(204);
  });

  it('remote links: a new link past the cap is refused; updating an existing one (same globalId) is not', async () => {
    await control(sim, 'POST', 'limits', { remoteLinksPerIssue: 1 });
    expect((await call(sim, 'POST', `${R}/issue/${key}/remotelink`, link(1))).status).toBe(201);
    const over = await call(sim, 'POST', `${R}/issue/${key}/remotelink`, link(2));
    expect(over.status).toBe(413);
    expect(over.body.errorMessages).toEqual(['The issue has reached the limit of 1 remote links.']);
    expect((await call(sim, 'POST', `${R}/issue/${key}/remotelink`, { ...link(1), object: { url: 'https://git.example/pr/1', title: 'PR 1 (merged)' } })).status).toBe(200);
    expect(only()?.remoteLinks).toHaveLength(1);
  });

  it('refuses nonsense limits; reset restores the defaults', async () => {
    expect((await control(sim, 'POST', 'limits', { commentsPerIssue: -1 })).status).toBe(400);
    await control(sim, 'POST', 'limits', { commentsPerIssue: 1 });
    await control(sim, 'POST', 'reset');
    expect((await control(sim, 'GET', 'limits')).body).toEqual({ commentsPerIssue: 5000, remoteLinksPerIssue: 2000 });
  });
});
