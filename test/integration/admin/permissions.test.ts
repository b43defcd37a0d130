/**
 * Every admin resolver refuses callers who may not act, checked as the user
 * against Jira (the simulator's users and permissions), before the app does
 * anything as itself.
 */
import { RESOLVER_KEYS, RESOLVER_SCOPES, type ResolverKey } from '../../../src/shared/contracts/admin';
import { SAMPLE_FINDING } from '../../../src/shared/backline-fields';
import { adminHarness, appConfig, type AdminHarness } from './helpers';

/** A well-formed payload for every key, about project `projectKey` where the key is project-scoped. */
function payloadFor(key: ResolverKey, projectKey: string): Record<string, unknown> {
  const config = appConfig({ projectKey, projectId: projectKey === 'SEC' ? '10000' : '10001' });
  switch (key) {
    case 'projects/get':
    case 'projects/delete':
    case 'jira/issueTypes':
    case 'jira/priorities':
    case 'jira/resolutions':
      return { projectKey };
    case 'jira/users':
      return { projectKey, query: 'a', assignable: true };
    case 'jira/fields':
    case 'jira/statuses':
      return { projectKey, issueTypeId: '10002' };
    case 'projects/save':
    case 'mapping/preview':
      return { config };
    case 'routing/save':
      return { settings: { version: 1, routingRules: [] } };
    case 'routing/test':
      return { finding: SAMPLE_FINDING };
    default:
      return {};
  }
}

const GLOBAL_KEYS = RESOLVER_KEYS.filter((k) => RESOLVER_SCOPES[k] === 'global');
const PROJECT_KEYS = RESOLVER_KEYS.filter((k) => RESOLVER_SCOPES[k] === 'project');
/** Keys every signed-in user may call: they read Jira only as the user. */
const GUARDED_KEYS = RESOLVER_KEYS.filter((k) => RESOLVER_SCOPES[k] !== 'self');

describe('admin resolver permissions', () => {
  let h: AdminHarness;
  beforeEach(async () => {
    h = await adminHarness();
  });

  test.each(RESOLVER_KEYS)('a Jira administrator may call %s', async (key) => {
    const result = await h.call('siteAdmin', key, payloadFor(key, key === 'projects/delete' ? 'SEC' : 'APP'));
    expect(result.ok ? 'ok' : `${result.error.code}: ${result.error.message}`).toBe('ok');
  });

  test.each(GUARDED_KEYS)('a plain user is refused %s, and the app asks Jira nothing', async (key) => {
    const result = await h.call('plainUser', key, payloadFor(key, 'SEC'));
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(h.appJira.requests).toEqual([]);
  });

  test.each(GLOBAL_KEYS)('a project administrator is refused the global %s', async (key) => {
    const result = await h.call('secAdmin', key, payloadFor(key, 'SEC'));
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(result.ok ? '' : result.error.message).toMatch(/Jira administrators/);
  });

  test('access/me tells a Jira administrator, a project administrator and a plain user apart, asking Jira only as the user', async () => {
    expect(await h.call('siteAdmin', 'access/me', {})).toEqual({ ok: true, data: { jiraAdmin: true, administeredProjects: [] } });
    expect(await h.call('secAdmin', 'access/me', {})).toEqual({ ok: true, data: { jiraAdmin: false, administeredProjects: [{ id: '10000', key: 'SEC', name: 'Security' }] } });
    expect(await h.call('plainUser', 'access/me', {})).toEqual({ ok: true, data: { jiraAdmin: false, administeredProjects: [] } });
    expect(h.appJira.requests).toEqual([]);
    expect(await h.call('plainUser', 'access/me', { projectKey: 'SEC' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  test.each(PROJECT_KEYS)('the administrator of SEC may call %s for SEC', async (key) => {
    const result = await h.call('secAdmin', key, payloadFor(key, 'SEC'));
    // The APP-shaped config sent for SEC is invalid there: refused on its merits, never for permissions.
    if (key === 'projects/save') expect(result).toMatchObject({ ok: false, error: { code: 'MAPPING_INVALID' } });
    else expect(result.ok ? 'ok' : `${result.error.code}: ${result.error.message}`).toBe('ok');
  });

  test.each(PROJECT_KEYS)('the administrator of SEC is refused %s for APP (another project)', async (key) => {
    const result = await h.call('secAdmin', key, payloadFor(key, 'APP'));
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(result.ok ? '' : result.error.message).toContain('APP');
    expect(h.appJira.requests).toEqual([]);
  });

  test('the administrator of APP connects APP but cannot delete SEC', async () => {
    const saved = await h.call('appAdmin', 'projects/save', { config: appConfig() });
    expect(saved).toMatchObject({ ok: true, data: { config: { projectKey: 'APP', updatedBy: '557058:sim-app-admin' } } });
    const deleted = await h.call('appAdmin', 'projects/delete', { projectKey: 'SEC' });
    expect(deleted).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const sec = await h.call('siteAdmin', 'projects/get', { projectKey: 'SEC' });
    expect(sec.ok && sec.data.config?.projectKey).toBe('SEC');
  });

  test('the permission check comes before payload validation: a refused caller learns nothing about the payload', async () => {
    const result = await h.call('plainUser', 'projects/save', { config: { ...appConfig(), fields: 'not a list' } });
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  test('a caller without an account is refused', async () => {
    const { dispatchAdminCall } = await import('../../../src/core/admin/dispatch');
    const result = await dispatchAdminCall('connection/get', {}, h.platform, { accountId: '', jiraAsUser: h.as('siteAdmin').jiraAsUser }, { webTriggerUrl: async () => '' });
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  test('a project-scoped call without a project key is invalid: the project is never taken from anywhere else', async () => {
    const result = await h.call('siteAdmin', 'projects/get', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', details: [{ path: 'projectKey' }] } });
  });

  test('a project that does not exist is refused like one the user does not administer', async () => {
    const result = await h.call('secAdmin', 'projects/get', { projectKey: 'NOPE' });
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});
