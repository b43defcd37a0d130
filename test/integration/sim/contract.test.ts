/**
 * Every implemented endpoint answers in the shape the OpenAPI document
 * describes; requests the document refuses are refused as Jira refuses them and
 * recorded as contract violations; semantic refusals are not violations.
 */
import { SIM_FIELDS, SIM_ISSUE_TYPES, SIM_PROJECTS, SIM_TRANSITIONS, SIM_USERS, SIM_WORKFLOW_IDS } from '../../../dev/jira-sim';
import { call, control, describeWithContract, doc, makeSim, vulnerability } from './helpers';

// Response shapes are checked for every implemented operation, including the
// configuration reads the app's own scopes do not allow (see scopes.test.ts).
const sim = makeSim({ scopes: ['read:jira-work', 'write:jira-work', 'read:jira-user', 'manage:jira-configuration'], violationsExpected: true });
const R = '/rest/api/3';

describeWithContract('responses match the OpenAPI response schemas', () => {
  let key = '';
  beforeAll(async () => {
    const created = await call(sim, 'POST', `${R}/issue`, vulnerability({ description: doc('Found by Backline.'), [SIM_FIELDS.Severity]: { value: 'High' }, labels: ['backline'] }));
    expect(created.status).toBe(201);
    key = created.body.key;
    await call(sim, 'POST', `${R}/issue/${key}/comment`, { body: doc('A comment') });
    await call(sim, 'POST', `${R}/issue/${key}/remotelink`, { globalId: 'backline:pr:1', object: { url: 'https://github.com/acme/shop/pull/1', title: 'PR #1' } });
  });

  const cases: Array<[string, string, (() => unknown) | undefined, number]> = [
    ['GET', `${R}/serverInfo`, undefined, 200],
    ['GET', `${R}/myself`, undefined, 200],
    ['GET', `${R}/user?accountId=${encodeURIComponent(SIM_USERS.secAdmin.accountId)}`, undefined, 200],
    ['GET', `${R}/user/search?query=ada`, undefined, 200],
    ['GET', `${R}/user/assignable/search?project=SEC&query=a`, undefined, 200],
    ['GET', `${R}/mypermissions?projectKey=SEC&permissions=ADMINISTER,ADMINISTER_PROJECTS,BROWSE_PROJECTS`, undefined, 200],
    ['POST', `${R}/permissions/check`, () => ({ accountId: SIM_USERS.secAdmin.accountId, globalPermissions: ['ADMINISTER'], projectPermissions: [{ permissions: ['ADMINISTER_PROJECTS'], projects: [Number(SIM_PROJECTS.SEC.id), Number(SIM_PROJECTS.APP.id)] }] }), 200],
    ['GET', `${R}/project/search?maxResults=10&expand=issueTypes`, undefined, 200],
    ['GET', `${R}/project/SEC`, undefined, 200],
    ['GET', `${R}/project/SEC/statuses`, undefined, 200],
    ['GET', `${R}/issuetype/project?projectId=${SIM_PROJECTS.SEC.id}`, undefined, 200],
    ['GET', `${R}/issue/createmeta/SEC/issuetypes`, undefined, 200],
    ['GET', `${R}/issue/createmeta/SEC/issuetypes/${SIM_ISSUE_TYPES.Vulnerability}`, undefined, 200],
    ['GET', `${R}/issue/createmeta/SEC/issuetypes/${SIM_ISSUE_TYPES.Task}`, undefined, 200],
    ['GET', `${R}/field`, undefined, 200],
    ['GET', `${R}/priority`, undefined, 200],
    ['GET', `${R}/priority/search`, undefined, 200],
    ['GET', `${R}/resolution`, undefined, 200],
    ['GET', `${R}/resolution/search`, undefined, 200],
    ['GET', `${R}/statuses/search?projectId=${SIM_PROJECTS.SEC.id}`, undefined, 200],
    ['GET', `${R}/workflowscheme/project?projectId=${SIM_PROJECTS.SEC.id}`, undefined, 200],
    ['POST', `${R}/workflows`, () => ({ workflowIds: [SIM_WORKFLOW_IDS.SEC], projectAndIssueTypes: [{ projectId: SIM_PROJECTS.APP.id, issueTypeId: SIM_ISSUE_TYPES.Bug }] }), 200],
    ['GET', `${R}/issue/{key}?properties=*all`, undefined, 200],
    ['GET', `${R}/issue/{key}?fields=summary,status,${SIM_FIELDS.Severity}&expand=names`, undefined, 200],
    ['GET', `${R}/issue/{key}/transitions?expand=transitions.fields`, undefined, 200],
    ['GET', `${R}/issue/{key}/comment`, undefined, 200],
    ['GET', `${R}/issue/{key}/remotelink`, undefined, 200],
    ['GET', `${R}/issue/{key}/remotelink?globalId=backline%3Apr%3A1`, undefined, 200],
    ['GET', `${R}/issue/{key}/properties`, undefined, 200],
    ['PUT', `${R}/issue/{key}/properties/backline`, () => ({ findingId: 'f-1' }), 201],
    ['GET', `${R}/issue/{key}/properties/backline`, undefined, 200],
    ['PUT', `${R}/issue/{key}?returnIssue=true`, () => ({ fields: { summary: 'Renamed' } }), 200],
    ['PUT', `${R}/issue/{key}`, () => ({ update: { labels: [{ add: 'triaged' }] } }), 204],
    ['POST', `${R}/issue/{key}/comment`, () => ({ body: doc('Another') }), 201],
    ['POST', `${R}/issue/{key}/remotelink`, () => ({ globalId: 'backline:pr:1', object: { url: 'https://github.com/acme/shop/pull/1', title: 'PR #1 (merged)' } }), 200],
    ['POST', `${R}/issue/{key}/transitions`, () => ({ transition: { id: SIM_TRANSITIONS.StartProgress } }), 204],
    ['POST', `${R}/search/jql`, () => ({ jql: 'project = SEC', fields: ['summary', 'status'], properties: ['backline'], maxResults: 10 }), 200],
    ['GET', `${R}/search/jql?jql=project%20%3D%20SEC&fields=summary`, undefined, 200],
    ['POST', `${R}/issue/bulk`, () => ({ issueUpdates: [vulnerability(), { fields: { project: { key: 'SEC' }, issuetype: { name: 'Bug' }, summary: 'Second' } }] }), 201],
    ['POST', `${R}/issue/bulk`, () => ({ issueUpdates: [{ fields: { project: { key: 'NOPE' } } }] }), 400],
    ['POST', `${R}/issue`, () => vulnerability({ summary: '' }), 400],
    ['DELETE', `${R}/issue/{key}/properties/backline`, undefined, 204],
  ];

  it.each(cases)('%s %s', async (method, path, body, status) => {
    const res = await call(sim, method, path.replace('{key}', key), body?.());
    expect({ status: res.status, problems: res.responseProblems }).toEqual({ status, problems: [] });
  });

  it('DELETE issue answers 204 and the issue is gone', async () => {
    const res = await call(sim, 'DELETE', `${R}/issue/${key}`);
    expect(res.status).toBe(204);
    expect((await call(sim, 'GET', `${R}/issue/${key}`)).status).toBe(404);
  });

  it('none of these requests broke the contract', async () => {
    expect((await control(sim, 'GET', 'violations')).body).toEqual([]);
  });
});

describeWithContract('requests the document refuses', () => {
  beforeEach(async () => {
    await control(sim, 'POST', 'stats/reset');
  });

  it('unknown path → 404 with errorMessages, recorded', async () => {
    const res = await call(sim, 'GET', `${R}/issues/SEC-1`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ errorMessages: [expect.any(String)], errors: {} });
    const v = (await control(sim, 'GET', 'violations')).body;
    expect(v).toEqual([{ method: 'GET', path: `${R}/issues/SEC-1`, problems: [expect.stringContaining('no operation')] }]);
    expect((await control(sim, 'GET', 'stats')).body.contractViolations).toBe(1);
  });

  it('wrong method → 405, recorded', async () => {
    const res = await call(sim, 'PATCH', `${R}/issue/SEC-1`, {});
    expect(res.status).toBe(405);
    expect((await control(sim, 'GET', 'stats')).body.contractViolations).toBe(1);
  });

  it('body against the schema → 400 {errorMessages, errors}, recorded', async () => {
    const res = await call(sim, 'POST', `${R}/search/jql`, { jql: 'project = SEC', startAt: 0 });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual({});
    expect(res.body.errorMessages.join(' ')).toMatch(/startAt/);
    const [v] = (await control(sim, 'GET', 'violations')).body;
    expect(v.method).toBe('POST');
    expect(v.path).toBe(`${R}/search/jql`);
  });

  it('wrong types in a body → 400, recorded', async () => {
    const res = await call(sim, 'POST', `${R}/issue`, { fields: 'summary' });
    expect(res.status).toBe(400);
    expect((await control(sim, 'GET', 'stats')).body.contractViolations).toBe(1);
  });

  it('bad query parameter values → 400, recorded', async () => {
    const res = await call(sim, 'GET', `${R}/project/search?maxResults=lots`);
    expect(res.status).toBe(400);
    expect((await control(sim, 'GET', 'violations')).body[0].problems.join(' ')).toMatch(/maxResults/);
  });

  it('a body that is not JSON → 400, recorded', async () => {
    const res = await call(sim, 'POST', `${R}/issue`, undefined, { raw: '{"fields":' });
    expect(res.status).toBe(400);
    expect((await control(sim, 'GET', 'stats')).body.contractViolations).toBe(1);
  });

  it('unknown query parameters are answered normally (Jira ignores them) but recorded', async () => {
    const res = await call(sim, 'GET', `${R}/project/search?maxResult=5`);
    expect(res.status).toBe(200);
    expect((await control(sim, 'GET', 'violations')).body[0].problems).toEqual([expect.stringContaining("'maxResult'")]);
  });

  it('semantic refusals are not violations', async () => {
    const refusals = [
      await call(sim, 'POST', `${R}/issue`, vulnerability({ priority: { name: 'Urgent' } })),
      await call(sim, 'POST', `${R}/issue`, vulnerability({ environment: 'prod' })),
      await call(sim, 'POST', `${R}/issue`, vulnerability({ description: 'plain text' })),
      await call(sim, 'GET', `${R}/issue/SEC-999`),
      await call(sim, 'POST', `${R}/search/jql`, { jql: 'project = ' }),
    ];
    expect(refusals.map((r) => r.status)).toEqual([400, 400, 400, 404, 400]);
    expect((await control(sim, 'GET', 'stats')).body.contractViolations).toBe(0);
    expect((await control(sim, 'GET', 'violations')).body).toEqual([]);
  });
});

describe('without the OpenAPI document', () => {
  it('keeps semantic validation and says once that the contract check is off', async () => {
    const lines: string[] = [];
    const prev = process.env.JIRA_OPENAPI;
    delete process.env.JIRA_OPENAPI;
    // The notice is printed once per process; a fresh module registry gives a fresh "once".
    await jest.isolateModulesAsync(async () => {
      const { createJiraSimulator } = await import('../../../dev/jira-sim');
      // Without JIRA_OPENAPI the simulator looks for a copy beside the repository: name one that is not there.
      const missing = '/nonexistent/jira-platform-openapi.json';
      const s1 = createJiraSimulator({ baseUrl: 'http://x.test/jira', openapiPath: missing, log: (l) => lines.push(l) });
      createJiraSimulator({ baseUrl: 'http://x.test/jira', openapiPath: missing, log: (l) => lines.push(l) });
      const res = await s1.handle(new Request('http://x.test/jira/rest/api/3/issue', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(vulnerability({ labels: ['a b'] })) }));
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ errorMessages: [], errors: { labels: "The label 'a b' contains spaces which is invalid." } });
      const unknown = await s1.handle(new Request('http://x.test/jira/rest/api/3/nothing-here'));
      expect(unknown.status).toBe(404);
    });
    if (prev !== undefined) process.env.JIRA_OPENAPI = prev;
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/OpenAPI contract check is OFF \(\/nonexistent\/jira-platform-openapi.json not found\)/);
  });

  it('finds the copy in ../shared when JIRA_OPENAPI is unset', async () => {
    const lines: string[] = [];
    const prev = process.env.JIRA_OPENAPI;
    delete process.env.JIRA_OPENAPI;
    await jest.isolateModulesAsync(async () => {
      const { createJiraSimulator } = await import('../../../dev/jira-sim');
      const sim = createJiraSimulator({ baseUrl: 'http://x.test/jira', violationsExpected: true, log: (l) => lines.push(l) });
      // A route the OpenAPI document does not have is a contract violation only when the check is on.
      await sim.handle(new Request('http://x.test/jira/rest/api/3/nothing-here'));
      expect(sim.violations.length).toBeGreaterThan(0);
    });
    if (prev !== undefined) process.env.JIRA_OPENAPI = prev;
    expect(lines).toEqual([]);
  });
});
