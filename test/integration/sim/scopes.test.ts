/**
 * OAuth scopes: every REST call is checked against the scopes its operation
 * requires in the OpenAPI document and the scopes the app holds (manifest.yml
 * by default). A call outside them is answered 401 as Jira answers it and
 * recorded as a scope violation.
 */
import { SIM_USERS } from '../../../dev/jira-sim';
import { manifestScopes } from '../../../dev/jira-sim/manifest';
import { missingScopes, scopeAlternatives } from '../../../dev/jira-sim/scopes';
import { OpenApiContract } from '../../../dev/jira-sim/openapi';
import { call, control, describeWithContract, makeSim, OPENAPI } from './helpers';

const R = '/rest/api/3';

describeWithContract('scope check against the manifest', () => {
  const sim = makeSim({ violationsExpected: true });

  afterEach(async () => {
    expect((await control(sim, 'GET', 'violations')).body).toEqual([]);
    await control(sim, 'POST', 'stats/reset');
  });

  it('the manifest grants the classic Jira scopes the app uses and not manage:jira-configuration', () => {
    expect(manifestScopes()).toEqual(expect.arrayContaining(['read:jira-work', 'write:jira-work', 'read:jira-user']));
    expect(manifestScopes()).not.toContain('manage:jira-configuration');
  });

  it('GET /priority/search needs manage:jira-configuration: 401 "scope does not match", recorded', async () => {
    const res = await call(sim, 'GET', `${R}/priority/search`);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ code: 401, message: 'Unauthorized; scope does not match' });
    expect((await control(sim, 'GET', 'scope-violations')).body).toEqual([
      { method: 'GET', path: `${R}/priority/search`, problems: [expect.stringContaining('manage:jira-configuration')] },
    ]);
    expect((await control(sim, 'GET', 'stats')).body.scopeViolations).toBe(1);
  });

  it('asUser calls are held to the same scopes', async () => {
    expect((await call(sim, 'GET', `${R}/statuses/search?projectId=10000`, undefined, { as: SIM_USERS.siteAdmin.accountId })).status).toBe(401);
    expect((await control(sim, 'GET', 'stats')).body.scopeViolations).toBe(1);
  });

  it('calls inside the scopes pass: issues, create metadata, users, and permissions/check which needs no scope', async () => {
    for (const path of [`${R}/serverInfo`, `${R}/myself`, `${R}/issue/createmeta/SEC/issuetypes`, `${R}/priority`, `${R}/user/search?query=a`]) {
      expect((await call(sim, 'GET', path)).status).toBe(200);
    }
    expect((await call(sim, 'POST', `${R}/permissions/check`, { globalPermissions: ['ADMINISTER'] })).status).toBe(200);
    expect((await control(sim, 'GET', 'scope-violations')).body).toEqual([]);
  });

  it('a simulator given other scopes checks those (read-only app: no create)', async () => {
    const readOnly = makeSim({ scopes: ['read:jira-work'], violationsExpected: true });
    const res = await call(readOnly, 'POST', `${R}/issue`, { fields: { project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary: 'x' } });
    expect(res.status).toBe(401);
    expect(readOnly.state.issues.size).toBe(0);
    expect(readOnly.scopeViolations[0]?.problems[0]).toContain('write:jira-work');
  });

  it('the DevOps APIs need their own scopes: the manifest grants the writes the app makes; without them, 401 before anything is stored', async () => {
    expect(manifestScopes()).toEqual(expect.arrayContaining(['write:security:jira', 'write:dev-info:jira']));
    expect((await call(sim, 'POST', '/rest/security/1.0/linkedWorkspaces/bulk', { workspaceIds: ['acme'] })).status).toBe(202);
    const noDevops = makeSim({ scopes: ['read:jira-work', 'write:jira-work'], violationsExpected: true });
    const refused = await call(noDevops, 'POST', '/rest/security/1.0/linkedWorkspaces/bulk', { workspaceIds: ['acme'] });
    expect(refused).toMatchObject({ status: 401, body: { code: 401, message: 'Unauthorized; scope does not match' } });
    expect(noDevops.devops.linkedWorkspaces.size).toBe(0);
    expect((await call(noDevops, 'POST', '/rest/devinfo/0.10/bulk', { repositories: [] })).status).toBe(401);
    expect(noDevops.scopeViolations.map((v) => v.problems[0])).toEqual([
      expect.stringContaining('write:security:jira'),
      expect.stringContaining('write:dev-info:jira'),
    ]);
  });

  it('granular scopes are an alternative to the classic set', async () => {
    const granular = makeSim({ scopes: ['read:priority:jira'] });
    expect((await call(granular, 'GET', `${R}/priority`)).status).toBe(200);
  });
});

describeWithContract('scope sets of an operation, from the OpenAPI document', () => {
  const contract = new OpenApiContract(OPENAPI as string);
  const op = (path: string, method: string) => {
    const m = contract.match(path, method);
    if (m.kind !== 'ok') throw new Error(`no operation ${method} ${path}`);
    return m.operation;
  };

  it('classic and granular alternatives; empty set = no scope needed; basic-auth only = not for apps', () => {
    expect(scopeAlternatives(op(`${R}/issue`, 'POST'))).toEqual(expect.arrayContaining([['write:jira-work']]));
    expect(missingScopes(op(`${R}/serverInfo`, 'GET'), new Set())).toBeNull();
    expect(missingScopes(op(`${R}/priority/search`, 'GET'), new Set(['read:jira-work']))).toEqual(['manage:jira-configuration']);
    expect(missingScopes(op(`${R}/user`, 'POST'), new Set(['write:jira-work', 'manage:jira-configuration']))).toEqual([expect.stringContaining('no OAuth2 scope')]);
  });
});
