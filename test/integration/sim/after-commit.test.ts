/** `POST _sim/faults` with `"after": "commit"`: the write is saved, then answered 5xx or dropped. */
import { SIM_TRANSITIONS, startJiraSimulatorServer, type SimIssue } from '../../../dev/jira-sim';
import { call, control, doc, makeSim, OPENAPI, vulnerability } from './helpers';

const R = '/rest/api/3';
const sim = makeSim();

beforeEach(async () => {
  await control(sim, 'POST', 'reset');
});

async function created(): Promise<string> {
  return (await call(sim, 'POST', `${R}/issue`, vulnerability())).body.key as string;
}

describe('after-commit faults', () => {
  it('a create saved and answered 504 leaves the issue in Jira', async () => {
    await control(sim, 'POST', 'faults', { status: 504, count: 1, after: 'commit', match: { method: 'POST', path: '/rest/api/3/issue' } });
    const res = await call(sim, 'POST', `${R}/issue`, vulnerability());
    expect(res.status).toBe(504);
    expect(res.body).toEqual({ errorMessages: [expect.any(String)], errors: {} });
    expect([...sim.state.issues.values()].map((i) => i.key)).toEqual(['SEC-1']);
    // The fault is used up: the next create is answered normally.
    expect((await call(sim, 'POST', `${R}/issue`, vulnerability())).body.key).toBe('SEC-2');
  });

  it('status 0 carries the write out and then drops the connection', async () => {
    await control(sim, 'POST', 'faults', { status: 0, count: 1, after: 'commit', match: { method: 'POST', path: '/rest/api/3/issue/bulk' } });
    const request = new Request(`http://sim.test/jira${R}/issue/bulk`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ issueUpdates: [vulnerability(), vulnerability()] }),
    });
    await expect(sim.handle(request)).rejects.toThrow('fetch failed');
    expect(sim.state.issues.size).toBe(2);
    const log = (await control(sim, 'GET', 'requests')).body as Array<{ route: string; status: number }>;
    expect(log.at(-1)).toMatchObject({ route: 'POST /rest/api/3/issue/bulk', status: 0 });
  });

  const only = (): SimIssue => [...sim.state.issues.values()][0];

  it.each<[string, string, string, unknown, () => unknown, unknown]>([
    ['comment', 'POST', '/comment', { body: doc('saved') }, () => only().comments.length, 1],
    ['transition', 'POST', '/transitions', { transition: { id: SIM_TRANSITIONS.StartProgress } }, () => only().statusId, '3'],
    ['remote link', 'POST', '/remotelink', { globalId: 'pr-1', object: { url: 'https://git.example/pr/1', title: 'PR 1' } }, () => only().remoteLinks.length, 1],
    ['property', 'PUT', '/properties/backline', { findingId: 'f-1' }, () => only().properties.backline, { findingId: 'f-1' }],
    ['edit', 'PUT', '', { fields: { summary: 'edited' } }, () => only().fields.summary, 'edited'],
  ])('a %s is saved although the answer is a 502', async (_name, method, suffix, body, observe, expected) => {
    const key = await created();
    await control(sim, 'POST', 'faults', { status: 502, count: 1, after: 'commit', match: { method } });
    const res = await call(sim, method, `${R}/issue/${key}${suffix}`, body);
    expect(res.status).toBe(502);
    expect(observe()).toEqual(expected);
  });

  it('a refused write stays refused: nothing is saved, the answer is still the fault', async () => {
    await control(sim, 'POST', 'faults', { status: 500, count: 1, after: 'commit' });
    const res = await call(sim, 'POST', `${R}/issue`, vulnerability({ summary: '' }));
    expect(res.status).toBe(500);
    expect(sim.state.issues.size).toBe(0);
  });

  it('refuses 429 after commit and an unknown "after"', async () => {
    expect((await control(sim, 'POST', 'faults', { status: 429, count: 1, after: 'commit' })).status).toBe(400);
    expect((await control(sim, 'POST', 'faults', { status: 500, count: 1, after: 'start' })).status).toBe(400);
    expect((await control(sim, 'GET', 'faults')).body.faults).toEqual([]);
  });

  it('over HTTP, status 0 after commit resets the socket once the issue is saved', async () => {
    const server = await startJiraSimulatorServer(0, { openapiPath: OPENAPI, log: () => undefined });
    try {
      const post = (path: string, body: unknown): Promise<Response> => fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      await post('/_sim/faults', { status: 0, count: 1, after: 'commit' });
      await expect(post(`${R}/issue`, vulnerability())).rejects.toThrow();
      expect(server.simulator.state.issues.size).toBe(1);
    } finally {
      await server.close();
    }
  });
});
