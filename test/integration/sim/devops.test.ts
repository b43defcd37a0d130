/**
 * The simulator's Jira Software DevOps APIs (dev/jira-sim/routes/devops.ts):
 * shapes from the evidence named in dev/jira-sim/README.md, stricter where it
 * leaves room, ordering by sequence numbers, associations, and the browse page.
 */
import { manifestScopes } from '../../../dev/jira-sim/manifest';
import { call, control, makeSim, vulnerability as issueBody } from './helpers';

const vuln = (extra: Record<string, unknown> = {}) => ({
  schemaVersion: '1.0', id: 'fnd_1', updateSequenceNumber: 100, containerId: 'acme/payments-api', displayName: 'Prototype Pollution in lodash',
  description: 'lodash before 4.17.19', url: 'https://app.backline.ai/findings/fnd_1', type: 'sca', introducedDate: '2026-11-28T10:00:00Z',
  lastUpdated: '2026-11-28T10:00:00Z', severity: { level: 'high' }, status: 'open',
  identifiers: [{ displayName: 'CVE-2020-8203', url: 'https://www.cve.org/CVERecord?id=CVE-2020-8203' }],
  addAssociations: [{ associationType: 'issueIdOrKeys', values: ['SEC-1'] }],
  ...extra,
});

const pr = (extra: Record<string, unknown> = {}) => ({
  id: '311', associations: [{ associationType: 'issueIdOrKeys', values: ['SEC-1'] }], updateSequenceId: 100, status: 'OPEN',
  title: 'fix: upgrade lodash', author: { name: 'backline-bot' }, commentCount: 0, sourceBranch: 'backline/lodash',
  lastUpdate: '2026-11-28T10:00:00Z', url: 'https://github.com/acme/payments-api/pull/311', displayId: '#311', ...extra,
});
const repo = (pullRequests: unknown[], extra: Record<string, unknown> = {}) => ({ id: 'acme~payments-api', name: 'acme/payments-api', url: 'https://github.com/acme/payments-api', updateSequenceId: 100, pullRequests, ...extra });

async function withIssue() {
  // The app only writes; these tests also read back what was stored, which needs the read scopes.
  const sim = makeSim({ scopes: [...(manifestScopes() ?? []), 'read:security:jira', 'read:dev-info:jira'] });
  const created = await call(sim, 'POST', '/rest/api/3/issue', issueBody());
  expect(created.body.key).toBe('SEC-1');
  return sim;
}

describe('security information', () => {
  it('stores a vulnerability with its association; an older update is accepted but changes nothing', async () => {
    const sim = await withIssue();
    const first = await call(sim, 'POST', '/rest/security/1.0/bulk', { vulnerabilities: [vuln()] });
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ acceptedVulnerabilities: ['fnd_1'] });
    const stale = await call(sim, 'POST', '/rest/security/1.0/bulk', { vulnerabilities: [vuln({ updateSequenceNumber: 50, status: 'closed' })] });
    expect(stale.body.acceptedVulnerabilities).toEqual(['fnd_1']);
    const closed = await call(sim, 'POST', '/rest/security/1.0/bulk', { vulnerabilities: [vuln({ updateSequenceNumber: 200, status: 'closed' })] });
    expect(closed.status).toBe(202);
    const stored = sim.devops.vulnerabilities.get('fnd_1');
    expect(stored).toMatchObject({ status: 'closed', issueKeys: ['SEC-1'], updates: 2 });
    const read = await call(sim, 'GET', '/rest/security/1.0/vulnerability/fnd_1');
    expect(read.body).toMatchObject({ id: 'fnd_1', status: 'closed', addAssociations: [{ associationType: 'issueIdOrKeys', values: ['SEC-1'] }] });
    // Not in the platform OpenAPI document, and not a contract violation either.
    expect((await control(sim, 'GET', 'violations')).body).toEqual([]);
  });

  it('removeAssociations drops an issue; a vulnerability only about unknown issues is not stored', async () => {
    const sim = await withIssue();
    await call(sim, 'POST', '/rest/api/3/issue', issueBody());
    await call(sim, 'POST', '/rest/security/1.0/bulk', { vulnerabilities: [vuln()] });
    await call(sim, 'POST', '/rest/security/1.0/bulk', { vulnerabilities: [vuln({ updateSequenceNumber: 101, addAssociations: [{ associationType: 'issueIdOrKeys', values: ['SEC-2'] }], removeAssociations: [{ associationType: 'issueIdOrKeys', values: ['SEC-1'] }] })] });
    expect(sim.devops.vulnerabilities.get('fnd_1')?.issueKeys).toEqual(['SEC-2']);
    const orphan = await call(sim, 'POST', '/rest/security/1.0/bulk', { vulnerabilities: [vuln({ id: 'fnd_x', addAssociations: [{ associationType: 'issueIdOrKeys', values: ['NOPE-9'] }] })] });
    expect(orphan.body.acceptedVulnerabilities).toEqual([]);
    expect(Object.keys(orphan.body.failedVulnerabilities)).toEqual(['fnd_x']);
    expect(orphan.body.unknownAssociations).toEqual([{ associationType: 'issueIdOrKeys', values: ['NOPE-9'] }]);
  });

  it('refuses what the evidence does not allow: bad container id, unknown property, over 1000, bad workspace id', async () => {
    const sim = await withIssue();
    const bad = await call(sim, 'POST', '/rest/security/1.0/bulk', { vulnerabilities: [vuln({ containerId: 'acme payments' }), vuln({ id: 'fnd_2', colour: 'red' })] });
    expect(bad.status).toBe(202);
    expect(Object.keys(bad.body.failedVulnerabilities).sort()).toEqual(['fnd_1', 'fnd_2']);
    const many = await call(sim, 'POST', '/rest/security/1.0/bulk', { vulnerabilities: Array.from({ length: 1001 }, (_, i) => vuln({ id: `f${i}` })) });
    expect(many.status).toBe(400);
    const ws = await call(sim, 'POST', '/rest/security/1.0/linkedWorkspaces/bulk', { workspaceIds: ['acme corp'] });
    expect(ws.status).toBe(400);
    expect((await call(sim, 'POST', '/rest/security/1.0/linkedWorkspaces/bulk', { workspaceIds: ['acme', 'acme'] })).status).toBe(202);
    expect((await call(sim, 'GET', '/rest/security/1.0/linkedWorkspaces')).body).toEqual({ workspaceIds: ['acme'] });
  });

  it('a site without Jira Software answers 404', async () => {
    const sim = await withIssue();
    sim.devops.jiraSoftware = false;
    expect((await call(sim, 'POST', '/rest/security/1.0/bulk', { vulnerabilities: [vuln()] })).status).toBe(404);
    expect((await call(sim, 'POST', '/rest/devinfo/0.10/bulk', { repositories: [repo([pr()])] })).status).toBe(404);
  });
});

describe('development information', () => {
  it('stores the PR per repository; a newer update replaces it, an older one does not', async () => {
    const sim = await withIssue();
    const opened = await call(sim, 'POST', '/rest/devinfo/0.10/bulk', { repositories: [repo([pr()])], preventTransitions: true });
    expect(opened.status).toBe(202);
    expect(opened.body).toEqual({ acceptedDevinfoEntities: { 'acme~payments-api': { pullRequests: ['311'] } } });
    await call(sim, 'POST', '/rest/devinfo/0.10/bulk', { repositories: [repo([pr({ updateSequenceId: 200, status: 'MERGED' })], { updateSequenceId: 200 })] });
    await call(sim, 'POST', '/rest/devinfo/0.10/bulk', { repositories: [repo([pr({ updateSequenceId: 150, status: 'DECLINED' })])] });
    const read = await call(sim, 'GET', '/rest/devinfo/0.10/repository/acme~payments-api');
    expect(read.body.pullRequests).toEqual([expect.objectContaining({ id: '311', status: 'MERGED', issueKeys: ['SEC-1'] })]);
    expect(sim.devops.repositories.get('acme~payments-api')?.pullRequests.get('311')?.updates).toBe(2);
  });

  it('refuses ids with other characters, commits it does not model, and PRs only about unknown issues', async () => {
    const sim = await withIssue();
    expect((await call(sim, 'POST', '/rest/devinfo/0.10/bulk', { repositories: [repo([pr()], { id: 'acme/payments-api' })] })).status).toBe(400);
    expect((await call(sim, 'POST', '/rest/devinfo/0.10/bulk', { repositories: [repo([pr()], { commits: [] })] })).status).toBe(400);
    const unknown = await call(sim, 'POST', '/rest/devinfo/0.10/bulk', { repositories: [repo([pr({ associations: [{ associationType: 'issueIdOrKeys', values: ['NOPE-1'] }] })])] });
    expect(unknown.body).toEqual({ acceptedDevinfoEntities: { 'acme~payments-api': { pullRequests: [] } }, unknownIssueKeys: ['NOPE-1'] });
  });
});

it("the browse page shows the issue's vulnerabilities and PRs as Jira's development panel", async () => {
  const sim = await withIssue();
  await call(sim, 'POST', '/rest/security/1.0/bulk', { vulnerabilities: [vuln({ displayName: '<script>x</script>' })] });
  await call(sim, 'POST', '/rest/devinfo/0.10/bulk', { repositories: [repo([pr()])] });
  const page = await (await sim.handle(new Request('http://sim.test/jira/browse/SEC-1'))).text();
  expect(page).toContain('<h2>Development</h2>');
  expect(page).toContain('Security (1 vulnerability)');
  expect(page).toContain('data-vulnerability="fnd_1"');
  expect(page).toContain('&lt;script&gt;x&lt;/script&gt;');
  expect(page).not.toContain('<script>x</script>');
  expect(page).toContain('Pull requests (1)');
  expect(page).toMatch(/OPEN<\/span> <a href="https:\/\/github.com\/acme\/payments-api\/pull\/311"[^>]*>#311 fix: upgrade lodash<\/a>/);
});
