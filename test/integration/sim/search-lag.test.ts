/** `_sim/search-lag`: JQL search lags behind writes, except for the issues named in `reconcileIssues`. */
import { SIM_TRANSITIONS } from '../../../dev/jira-sim';
import { call, control, makeSim, vulnerability } from './helpers';

const R = '/rest/api/3';
let clock = Date.UTC(2026, 11, 3, 9, 0, 0);
const sim = makeSim({ now: () => clock });

beforeEach(async () => {
  await control(sim, 'POST', 'reset');
});

afterEach(async () => {
  expect((await control(sim, 'GET', 'violations')).body).toEqual([]);
});

async function create(findingId: string): Promise<{ id: string; key: string }> {
  const res = await call(sim, 'POST', `${R}/issue`, { ...vulnerability(), properties: [{ key: 'backline', value: { findingId } }] });
  return { id: res.body.id as string, key: res.body.key as string };
}

async function found(jql: string, reconcileIssues?: number[]): Promise<string[]> {
  const res = await call(sim, 'POST', `${R}/search/jql`, { jql, fields: ['summary', 'status'], ...(reconcileIssues ? { reconcileIssues } : {}) });
  expect(res.status).toBe(200);
  expect(res.responseProblems).toEqual([]);
  return (res.body.issues as Array<{ key: string }>).map((i) => i.key);
}

it('GET answers the lag; POST sets it; reset turns it off; nonsense is refused', async () => {
  expect((await control(sim, 'GET', 'search-lag')).body).toEqual({ ms: 0 });
  expect((await control(sim, 'POST', 'search-lag', { ms: 5000 })).body).toEqual({ ms: 5000 });
  expect((await control(sim, 'GET', 'search-lag')).body).toEqual({ ms: 5000 });
  expect((await control(sim, 'POST', 'search-lag', { ms: -1 })).status).toBe(400);
  await control(sim, 'POST', 'reset');
  expect((await control(sim, 'GET', 'search-lag')).body).toEqual({ ms: 0 });
});

it('without a lag a new issue is found at once', async () => {
  const { key } = await create('f-1');
  expect(await found('issue.property[backline].findingId = "f-1"')).toEqual([key]);
});

it('a new issue is invisible until the lag has passed, then found', async () => {
  await control(sim, 'POST', 'search-lag', { ms: 5000 });
  const { key } = await create('f-1');
  expect(await found('issue.property[backline].findingId = "f-1"')).toEqual([]);
  clock += 4999;
  expect(await found('issue.property[backline].findingId = "f-1"')).toEqual([]);
  clock += 1;
  expect(await found('issue.property[backline].findingId = "f-1"')).toEqual([key]);
});

it('reconcileIssues (POST body and GET query) reads the named issues live', async () => {
  await control(sim, 'POST', 'search-lag', { ms: 60_000 });
  const a = await create('f-1');
  const b = await create('f-1');
  expect(await found('issue.property[backline].findingId = "f-1"', [Number(a.id)])).toEqual([a.key]);
  const get = await call(sim, 'GET', `${R}/search/jql?jql=${encodeURIComponent('issue.property[backline].findingId = "f-1"')}&fields=summary&reconcileIssues=${a.id}&reconcileIssues=${b.id}`);
  expect(get.status).toBe(200);
  expect(get.body.issues.map((i: { key: string }) => i.key)).toEqual([a.key, b.key]);
});

it('a change is seen late: the old values match and are answered until the lag passes', async () => {
  const { key } = await create('f-1');
  await control(sim, 'POST', 'search-lag', { ms: 5000 });
  await call(sim, 'POST', `${R}/issue/${key}/transitions`, { transition: { id: SIM_TRANSITIONS.StartProgress } });
  await call(sim, 'PUT', `${R}/issue/${key}/properties/backline`, { findingId: 'f-2' });
  expect(await found('status = "To Do" AND issue.property[backline].findingId = "f-1"')).toEqual([key]);
  expect(await found('issue.property[backline].findingId = "f-2"')).toEqual([]);
  const stale = await call(sim, 'POST', `${R}/search/jql`, { jql: `key = ${key}`, fields: ['status'] });
  expect(stale.body.issues[0].fields.status.name).toBe('To Do');
  clock += 5000;
  expect(await found('status = "In Progress" AND issue.property[backline].findingId = "f-2"')).toEqual([key]);
});

it('a deleted issue leaves the search at once', async () => {
  await control(sim, 'POST', 'search-lag', { ms: 5000 });
  const { key } = await create('f-1');
  clock += 5000;
  await call(sim, 'DELETE', `${R}/issue/${key}`);
  expect(await found('issue.property[backline].findingId = "f-1"')).toEqual([]);
});

it('more than 50 reconcileIssues are refused', async () => {
  const res = await call(sim, 'POST', `${R}/search/jql`, { jql: 'project = SEC', reconcileIssues: Array.from({ length: 51 }, (_, n) => 10001 + n) });
  expect(res.status).toBe(400);
});
