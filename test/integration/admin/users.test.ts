/**
 * `jira/users`: the user picker of user fields (assignee, user custom fields).
 * The caller's administration of the project is checked as the user first;
 * the search runs as the app and answers id, name and (when visible) e-mail.
 */
import { SIM_USERS } from '../../../dev/jira-sim';
import { adminHarness, type AdminHarness } from './helpers';

describe('jira/users', () => {
  let h: AdminHarness;
  beforeEach(async () => {
    h = await adminHarness();
  });

  test('the assignee picker offers only people Jira lets be assigned issues in the project, by name', async () => {
    const result = await h.call('secAdmin', 'jira/users', { projectKey: 'SEC', query: 'a', assignable: true });
    if (!result.ok) throw new Error(result.error.message);
    const ids = result.data.map((u) => u.accountId);
    expect(ids).toContain(SIM_USERS.secAdmin.accountId);
    expect(ids).not.toContain(SIM_USERS.plainUser.accountId); // not assignable in SEC
    expect(ids).not.toContain(SIM_USERS.app.accountId); // apps are never offered
    expect(result.data.find((u) => u.accountId === SIM_USERS.secAdmin.accountId)).toEqual({
      accountId: SIM_USERS.secAdmin.accountId,
      displayName: SIM_USERS.secAdmin.displayName,
      email: expect.stringContaining('@'),
    });
    expect(h.appJira.requests.map((r) => r.path)).toEqual([expect.stringMatching(/^\/rest\/api\/3\/user\/assignable\/search\?project=SEC&query=a&/)]);
  });

  test('a user custom field searches all users; a stored account id is shown by its name', async () => {
    const any = await h.call('siteAdmin', 'jira/users', { projectKey: 'APP', query: 'a' });
    expect(any.ok && any.data.map((u) => u.accountId)).toEqual(expect.arrayContaining([SIM_USERS.plainUser.accountId, SIM_USERS.secAdmin.accountId]));
    expect(h.appJira.requests[0]?.path).toMatch(/^\/rest\/api\/3\/user\/search\?query=a&/);
    const named = await h.call('siteAdmin', 'jira/users', { projectKey: 'APP', accountId: SIM_USERS.plainUser.accountId });
    expect(named).toMatchObject({ ok: true, data: [{ accountId: SIM_USERS.plainUser.accountId, displayName: SIM_USERS.plainUser.displayName }] });
  });

  test('an empty search of all users costs no Jira call', async () => {
    expect(await h.call('siteAdmin', 'jira/users', { projectKey: 'APP', query: '  ' })).toEqual({ ok: true, data: [] });
    expect(h.appJira.requests).toEqual([]);
  });

  test('the administrator of SEC cannot list the people of APP, and the app asks Jira nothing', async () => {
    const result = await h.call('secAdmin', 'jira/users', { projectKey: 'APP', query: 'a', assignable: true });
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringContaining('APP') } });
    expect(h.appJira.requests).toEqual([]);
  });

  test('a malformed account id is refused before Jira is asked', async () => {
    const result = await h.call('siteAdmin', 'jira/users', { projectKey: 'APP', accountId: '../../myself' });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(h.appJira.requests).toEqual([]);
  });
});
