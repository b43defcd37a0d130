/**
 * Refusals a happy-path fake never gives: workflow validators (`addValidator`),
 * the caller's permissions (`x-sim-account-id`, `_sim/permissions`) and issue
 * linking switched off (`_sim/linking`).
 */
import { SIM_TRANSITIONS, SIM_USERS } from '../../../dev/jira-sim';
import { call, control, doc, makeSim, vulnerability } from './helpers';

const R = '/rest/api/3';
const sim = makeSim();
const link = { globalId: 'pr-1', object: { url: 'https://git.example/pr/1', title: 'PR 1' } };
let key = '';

beforeEach(async () => {
  await control(sim, 'POST', 'reset');
  key = (await call(sim, 'POST', `${R}/issue`, vulnerability())).body.key as string;
});

afterEach(async () => {
  expect((await control(sim, 'GET', 'violations')).body).toEqual([]);
});

const status = (): string | undefined => sim.state.issues.get([...sim.state.issues.keys()][0] ?? '')?.statusId;

describe('workflow validators', () => {
  it('addValidator makes the transition fail with 400 and the message; metadata does not show it', async () => {
    const added = await control(sim, 'POST', 'workflow', { project: 'SEC', issueType: 'Vulnerability', addValidator: { transition: SIM_TRANSITIONS.StartProgress, message: 'Assign the issue before starting work.' } });
    expect(added.status).toBe(200);
    const meta = await call(sim, 'GET', `${R}/issue/${key}/transitions`);
    expect(meta.body.transitions.map((t: { id: string }) => t.id)).toEqual([SIM_TRANSITIONS.StartProgress]);
    const res = await call(sim, 'POST', `${R}/issue/${key}/transitions`, { transition: { id: SIM_TRANSITIONS.StartProgress }, update: { comment: [{ add: { body: doc('Moving') } }] } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errorMessages: ['Assign the issue before starting work.'], errors: {} });
    expect(status()).toBe('10000');
    // Nothing of a refused transition is kept, not even its comment.
    expect([...sim.state.issues.values()][0]?.comments).toEqual([]);
  });

  it('a create whose transition is refused by a validator still creates the issue and reports the refusal', async () => {
    await control(sim, 'POST', 'workflow', { project: 'SEC', addValidator: { transition: 'Start progress', message: 'Nope.' } });
    const res = await call(sim, 'POST', `${R}/issue`, { ...vulnerability(), transition: { id: SIM_TRANSITIONS.StartProgress } });
    expect(res.status).toBe(201);
    expect(res.body.transition).toEqual({ status: 400, errorCollection: { errorMessages: ['Nope.'], errors: {} } });
  });

  it('removeValidators lifts it; an unknown transition or empty message is refused', async () => {
    await control(sim, 'POST', 'workflow', { project: 'SEC', addValidator: { transition: SIM_TRANSITIONS.StartProgress, message: 'Nope.' } });
    await control(sim, 'POST', 'workflow', { project: 'SEC', removeValidators: SIM_TRANSITIONS.StartProgress });
    expect((await call(sim, 'POST', `${R}/issue/${key}/transitions`, { transition: { id: SIM_TRANSITIONS.StartProgress } })).status).toBe(204);
    expect((await control(sim, 'POST', 'workflow', { project: 'SEC', addValidator: { transition: '999', message: 'x' } })).status).toBe(400);
    expect((await control(sim, 'POST', 'workflow', { project: 'SEC', addValidator: { transition: SIM_TRANSITIONS.StartProgress } })).status).toBe(400);
  });
});

describe('x-sim-account-id: the request acts as that person, with their permissions', () => {
  it('a person moves an issue; the change is theirs, and an unknown account is 401', async () => {
    const res = await call(sim, 'POST', `${R}/issue/${key}/transitions`, { transition: { id: SIM_TRANSITIONS.StartProgress }, update: { comment: [{ add: { body: doc('On it') } }] } }, { as: SIM_USERS.secAdmin.accountId });
    expect(res.status).toBe(204);
    const comments = (await call(sim, 'GET', `${R}/issue/${key}/comment`)).body.comments;
    expect(comments[0].author.accountId).toBe(SIM_USERS.secAdmin.accountId);
    const log = (await control(sim, 'GET', 'requests')).body as Array<{ route: string; caller: string }>;
    expect(log.find((l) => l.route.endsWith('/transitions'))?.caller).toBe(SIM_USERS.secAdmin.accountId);
    expect((await call(sim, 'GET', `${R}/issue/${key}`, undefined, { as: '557058:nobody' })).status).toBe(401);
  });

  it('without Transition Issues a transition is refused (400, as the OpenAPI document says)', async () => {
    await control(sim, 'POST', 'permissions', { accountId: SIM_USERS.secAdmin.accountId, project: 'SEC', remove: ['TRANSITION_ISSUES'] });
    const res = await call(sim, 'POST', `${R}/issue/${key}/transitions`, { transition: { id: SIM_TRANSITIONS.StartProgress } }, { as: SIM_USERS.secAdmin.accountId });
    expect(res.status).toBe(400);
    expect(res.body.errorMessages).toEqual(['You do not have permission to transition this issue.']);
    expect(status()).toBe('10000');
  });

  it('without Browse Projects the issue does not exist for that person', async () => {
    expect((await call(sim, 'GET', `${R}/issue/${key}`, undefined, { as: SIM_USERS.plainUser.accountId })).status).toBe(200);
    await control(sim, 'POST', 'permissions', { accountId: SIM_USERS.plainUser.accountId, remove: ['BROWSE_PROJECTS'] });
    expect((await call(sim, 'GET', `${R}/issue/${key}`, undefined, { as: SIM_USERS.plainUser.accountId })).status).toBe(404);
  });

  it('the app itself can lose a permission too (a project admin edits the permission scheme)', async () => {
    await control(sim, 'POST', 'permissions', { accountId: SIM_USERS.app.accountId, project: 'SEC', remove: ['ADD_COMMENTS'] });
    expect((await call(sim, 'POST', `${R}/issue/${key}/comment`, { body: doc('hi') })).status).toBe(403);
    // Other projects keep the grants of '*'.
    const app = sim.user(SIM_USERS.app.accountId);
    expect(app?.projectPermissions.APP ?? app?.projectPermissions['*']).toContain('ADD_COMMENTS');
    expect((await control(sim, 'POST', 'permissions', { accountId: 'nobody', remove: ['X'] })).status).toBe(400);
  });

  it('editing properties needs Edit Issues', async () => {
    await call(sim, 'PUT', `${R}/issue/${key}/properties/backline`, { findingId: 'f' });
    expect((await call(sim, 'PUT', `${R}/issue/${key}/properties/backline`, { findingId: 'g' }, { as: SIM_USERS.plainUser.accountId })).status).toBe(403);
    expect((await call(sim, 'DELETE', `${R}/issue/${key}/properties/backline`, undefined, { as: SIM_USERS.plainUser.accountId })).status).toBe(404);
    expect([...sim.state.issues.values()][0]?.properties.backline).toEqual({ findingId: 'f' });
  });
});

describe('remote links need Link Issues and issue linking switched on', () => {
  it('without Link Issues: 403 for creating and deleting', async () => {
    await call(sim, 'POST', `${R}/issue/${key}/remotelink`, link);
    await control(sim, 'POST', 'permissions', { accountId: SIM_USERS.app.accountId, project: 'SEC', remove: ['LINK_ISSUES'] });
    const res = await call(sim, 'POST', `${R}/issue/${key}/remotelink`, { ...link, globalId: 'pr-2' });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ errorMessages: ['You do not have permission to link issues.'], errors: {} });
    expect((await call(sim, 'DELETE', `${R}/issue/${key}/remotelink?globalId=pr-1`)).status).toBe(403);
    expect([...sim.state.issues.values()][0]?.remoteLinks.map((l) => l.globalId)).toEqual(['pr-1']);
  });

  it('linking switched off: 403 for everyone until switched back on; reading links still works', async () => {
    expect((await control(sim, 'POST', 'linking', { enabled: false })).body).toEqual({ enabled: false });
    expect((await control(sim, 'GET', 'linking')).body).toEqual({ enabled: false });
    const res = await call(sim, 'POST', `${R}/issue/${key}/remotelink`, link);
    expect(res.status).toBe(403);
    expect(res.body.errorMessages).toEqual(['Issue linking is disabled.']);
    expect((await call(sim, 'GET', `${R}/issue/${key}/remotelink`)).status).toBe(200);
    await control(sim, 'POST', 'linking', { enabled: true });
    expect((await call(sim, 'POST', `${R}/issue/${key}/remotelink`, link)).status).toBe(201);
    expect((await control(sim, 'POST', 'linking', { enabled: 'no' })).status).toBe(400);
  });

  it('reset switches linking back on and restores permissions', async () => {
    await control(sim, 'POST', 'linking', { enabled: false });
    await control(sim, 'POST', 'permissions', { accountId: SIM_USERS.app.accountId, remove: ['LINK_ISSUES'] });
    await control(sim, 'POST', 'reset');
    key = (await call(sim, 'POST', `${R}/issue`, vulnerability())).body.key as string;
    expect((await call(sim, 'POST', `${R}/issue/${key}/remotelink`, link)).status).toBe(201);
  });
});
