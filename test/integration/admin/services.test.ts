/** What the admin resolvers do for an allowed caller, against the simulator's demo site. */
import { SIM_FIELDS, SIM_ISSUE_TYPES } from '../../../dev/jira-sim';
import { SAMPLE_FINDING } from '../../../src/shared/backline-fields';
import { adminHarness, appConfig, WEBTRIGGER_URL, type AdminHarness } from './helpers';

describe('admin services', () => {
  let h: AdminHarness;
  beforeEach(async () => {
    h = await adminHarness();
  });

  test('saving a mapping that misses a required field is refused with the problem at that field, and nothing is saved', async () => {
    const config = appConfig();
    config.fields = config.fields.filter((f) => f.fieldId !== SIM_FIELDS.Team);
    const result = await h.call('siteAdmin', 'projects/save', { config });
    expect(result).toMatchObject({ ok: false, error: { code: 'MAPPING_INVALID' } });
    if (!result.ok) expect(result.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: `fields.${SIM_FIELDS.Team}`, message: expect.stringContaining('Team is required') })]));
    const stored = await h.call('siteAdmin', 'projects/get', { projectKey: 'APP' });
    expect(stored).toMatchObject({ ok: true, data: { config: null, project: { key: 'APP', name: 'Applications' } } });
  });

  test('saving takes the project id and name from Jira, not from the browser', async () => {
    const result = await h.call('siteAdmin', 'projects/save', { config: appConfig({ projectId: '99999', projectName: 'Forged' }) });
    expect(result).toMatchObject({ ok: true, data: { config: { projectId: '10001', projectName: 'Applications' } } });
  });

  test('adding a project that is already connected is refused with CONFLICT and leaves its mapping as it was', async () => {
    const before = await h.call('siteAdmin', 'projects/get', { projectKey: 'SEC' });
    const secBefore = before.ok ? before.data.config : null;
    expect(secBefore).not.toBeNull();
    const result = await h.call('siteAdmin', 'projects/save', { config: appConfig({ projectKey: 'SEC', projectId: '10000' }), create: true });
    expect(result).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringContaining('SEC is already connected'), details: [{ path: 'project' }] } });
    expect(await h.call('siteAdmin', 'projects/get', { projectKey: 'SEC' })).toMatchObject({ ok: true, data: { config: secBefore } });
    // Adding a project that is not connected yet works as before.
    expect(await h.call('siteAdmin', 'projects/save', { config: appConfig(), create: true })).toMatchObject({ ok: true, data: { config: { projectKey: 'APP' } } });
  });

  test('the project list shows each connected project and whether its mapping still fits Jira', async () => {
    await h.call('siteAdmin', 'projects/save', { config: appConfig() });
    const list = await h.call('siteAdmin', 'projects/list', {});
    expect(list.ok && list.data.map((p) => [p.projectKey, p.issueTypeName, p.status])).toEqual([
      ['APP', 'Bug', 'valid'],
      ['SEC', 'Vulnerability', 'valid'],
    ]);
  });

  test('deleting a project says existing issues and links are kept; deleting it again is NOT_FOUND', async () => {
    const result = await h.call('siteAdmin', 'projects/delete', { projectKey: 'SEC' });
    expect(result).toMatchObject({ ok: true, data: { projectKey: 'SEC', message: expect.stringContaining('existing issues and their links to Backline findings are kept') } });
    expect(await h.call('siteAdmin', 'projects/delete', { projectKey: 'SEC' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  test('the preview renders the sample finding with the mapping', async () => {
    const result = await h.call('appAdmin', 'mapping/preview', { config: appConfig() });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const byId = Object.fromEntries(result.data.fields.map((f) => [f.fieldId, f.display]));
    expect(byId.summary).toBe(`[high] ${SAMPLE_FINDING.title}`);
    expect(byId.priority).toBe('High');
    expect(byId[SIM_FIELDS.Team]).toBe('Payments');
    expect(result.data.problems).toEqual([]);
  });

  test('create metadata for the editor puts the required Team field with its options', async () => {
    const result = await h.call('appAdmin', 'jira/fields', { projectKey: 'APP', issueTypeId: SIM_ISSUE_TYPES.Bug });
    const team = result.ok ? result.data.find((f) => f.fieldId === SIM_FIELDS.Team) : undefined;
    expect(team).toMatchObject({ name: 'Team', required: true, allowedValues: expect.arrayContaining([{ id: expect.any(String), label: 'Payments' }]) });
  });

  test('routing: rules are saved in order and the tester names the rule that matches', async () => {
    await h.call('siteAdmin', 'projects/save', { config: appConfig() });
    const saved = await h.call('siteAdmin', 'routing/save', {
      settings: {
        version: 1,
        routingRules: [{ id: 'payments', name: 'Payments repos', projectKey: 'APP', enabled: true, match: { repository: 'acme/payments-*' } }],
        defaultProjectKey: 'SEC',
      },
    });
    expect(saved.ok).toBe(true);
    const hit = await h.call('siteAdmin', 'routing/test', { finding: SAMPLE_FINDING });
    expect(hit).toMatchObject({ ok: true, data: { projectKey: 'APP', ruleId: 'payments', ruleName: 'Payments repos' } });
    const miss = await h.call('siteAdmin', 'routing/test', { finding: { ...SAMPLE_FINDING, repository: { name: 'acme/web' } } });
    expect(miss).toMatchObject({ ok: true, data: { projectKey: 'SEC', ruleId: null, explanation: expect.stringContaining('default project') } });
    // The tester tests rules as edited, before they are saved; the saved rules stay as they were.
    const unsaved = { version: 1 as const, routingRules: [{ id: 'web', name: 'Web repos', projectKey: 'APP', enabled: true, match: { repository: 'acme/web' } }], defaultProjectKey: 'SEC' };
    const draft = await h.call('siteAdmin', 'routing/test', { finding: { ...SAMPLE_FINDING, repository: { name: 'acme/web' } }, settings: unsaved });
    expect(draft).toMatchObject({ ok: true, data: { projectKey: 'APP', ruleId: 'web', ruleName: 'Web repos' } });
    expect(await h.call('siteAdmin', 'routing/test', { finding: { ...SAMPLE_FINDING, repository: { name: 'acme/web' } } })).toMatchObject({ ok: true, data: { ruleId: null } });
  });

  test('routing rules to a project that is not connected are refused', async () => {
    const result = await h.call('siteAdmin', 'routing/save', {
      settings: { version: 1, routingRules: [{ id: 'r1', name: 'x', projectKey: 'APP', enabled: true, match: { repository: 'a/*' } }] },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', details: [expect.objectContaining({ path: 'routingRules[0].projectKey' })] } });
  });

  test('connection: the URL, the secret status, and rotation keeps the old secret for 24 hours', async () => {
    const before = await h.call('siteAdmin', 'connection/get', {});
    expect(before).toMatchObject({ ok: true, data: { webTriggerUrl: WEBTRIGGER_URL, secret: { configured: false }, lastEvent: null } });
    const first = await h.call('siteAdmin', 'secret/rotate', {});
    expect(first.ok && first.data.secret).toMatch(/^whsec_/);
    expect(first.ok && first.data.previousValidUntil).toBeUndefined();
    const second = await h.call('siteAdmin', 'secret/rotate', {});
    expect(second.ok && second.data.previousValidUntil).toBe(new Date(h.platform.clock.now() + 24 * 3600 * 1000).toISOString());
    const after = await h.call('siteAdmin', 'connection/get', {});
    expect(after.ok && after.data.secret).toMatchObject({ configured: true, previousValidUntil: expect.any(String) });
    expect(JSON.stringify(after)).not.toContain(second.ok ? second.data.secret : 'x');
  });

  test('invalid payloads are INVALID_INPUT with details', async () => {
    const result = await h.call('siteAdmin', 'jira/fields', { projectKey: 'APP' });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', details: [expect.objectContaining({ path: 'issueTypeId' })] } });
  });
});
