/**
 * DevopsSender against the simulator: one request per kind per invocation,
 * a workspace linked once, per-project switches, and a site without Jira
 * Software costing one refused request a day.
 */
import { fetchContainers, fetchWorkspaces, searchContainers } from '../../../src/core/devops/actions';
import { DevopsSender, type AppliedEvent, type DevopsSwitches } from '../../../src/core/devops/sender';
import { DEVOPS_REGISTRY_KEY } from '../../../src/core/devops/registry';
import { makeTestPlatform, silentLogger } from '../../fakes';
import { lodashFinding } from '../../fakes/findings';
import { call, makeSim, vulnerability as issueBody } from '../sim/helpers';

const at = (minute: number) => `2026-11-28T10:${String(minute).padStart(2, '0')}:00Z`;
const remediation = { id: 'rem_42', title: 'Upgrade lodash' };
const pullRequest = { url: 'https://github.com/acme/payments-api/pull/311', number: 311, title: 'fix: upgrade lodash', repository: 'acme/payments-api' };

async function setup(switches: Record<string, DevopsSwitches> = {}) {
  const sim = makeSim();
  for (let i = 0; i < 3; i++) await call(sim, 'POST', '/rest/api/3/issue', issueBody());
  await call(sim, 'POST', '/_sim/stats/reset');
  const platform = makeTestPlatform({ sim });
  const sender = () => new DevopsSender({ jira: platform.jira, store: platform.store, clock: platform.clock, logger: silentLogger, switches: async (key) => switches[key] ?? { securityTab: true, developmentPanel: true } });
  const routes = async () => (await call(sim, 'GET', '/_sim/stats')).body.byRoute as Record<string, number>;
  return { sim, platform, sender, routes };
}

const applied = (id: string, key: string, extra: Partial<ReturnType<typeof lodashFinding>> = {}, projectKey = 'SEC') => ({
  finding: lodashFinding({ id, ...extra }), projectKey, issue: { key, url: `https://acme.atlassian.net/browse/${key}` },
});

describe('DevopsSender', () => {
  it('a batch of events: one workspace link, one security submit, one dev-info store', async () => {
    const { sim, sender, routes } = await setup();
    const s = sender();
    await s.collect({ type: 'finding.created', occurredAt: at(1), findings: [applied('fnd_a', 'SEC-1')] });
    await s.collect({ type: 'finding.created', occurredAt: at(2), findings: [applied('fnd_b', 'SEC-2', { repository: { name: 'acme/web', url: 'https://github.com/acme/web' } })] });
    await s.collect({ type: 'remediation.pr_opened', occurredAt: at(3), remediation, pullRequest, findings: [applied('fnd_a', 'SEC-1'), applied('fnd_b', 'SEC-2')] });
    await s.collect({ type: 'remediation.pr_merged', occurredAt: at(4), remediation, pullRequest, findings: [applied('fnd_a', 'SEC-1'), applied('fnd_b', 'SEC-2')] });
    const report = await s.flush();
    expect(report).toEqual({ requests: 3, vulnerabilities: 2, pullRequests: 1, problems: [] });
    expect(await routes()).toEqual({
      'POST /rest/security/1.0/linkedWorkspaces/bulk': 1,
      'POST /rest/security/1.0/bulk': 1,
      'POST /rest/devinfo/0.10/bulk': 1,
    });
    expect([...sim.devops.linkedWorkspaces.keys()]).toEqual(['acme']);
    expect(sim.devops.vulnerabilities.get('fnd_b')).toMatchObject({ containerId: 'acme/web', issueKeys: ['SEC-2'], status: 'open' });
    expect(sim.devops.pullRequestsOf('SEC-2')).toEqual([expect.objectContaining({ id: '311', status: 'MERGED', issueKeys: ['SEC-1', 'SEC-2'] })]);

    // The next invocation: the workspace is linked already, nothing new to link.
    const next = sender();
    await next.collect({ type: 'finding.resolved', reason: 'false_positive', occurredAt: at(5), findings: [applied('fnd_a', 'SEC-1')] });
    expect(await next.flush()).toMatchObject({ requests: 1, vulnerabilities: 1 });
    expect(sim.devops.vulnerabilities.get('fnd_a')?.status).toBe('ignored');
  });

  it('nothing collected: no request, no storage read', async () => {
    const { platform, sender, routes } = await setup();
    const reads = platform.store.stats.reads;
    expect(await sender().flush()).toEqual({ requests: 0, vulnerabilities: 0, pullRequests: 0, problems: [] });
    expect(platform.store.stats.reads).toBe(reads);
    expect(await routes()).toEqual({});
  });

  it('per-project switches: security tab off sends no vulnerability; development panel off leaves the issue out of the PR', async () => {
    const { sim, sender } = await setup({ APP: { securityTab: false, developmentPanel: false }, SEC: { securityTab: true, developmentPanel: true } });
    const s = sender();
    await s.collect({ type: 'finding.created', occurredAt: at(1), findings: [applied('fnd_app', 'SEC-3', {}, 'APP')] });
    await s.collect({ type: 'remediation.pr_opened', occurredAt: at(2), remediation, pullRequest, findings: [applied('fnd_a', 'SEC-1'), applied('fnd_app', 'SEC-3', {}, 'APP')] });
    expect(await s.flush()).toMatchObject({ requests: 1, vulnerabilities: 0, pullRequests: 1 });
    expect(sim.devops.vulnerabilities.size).toBe(0);
    expect(sim.devops.pullRequestsOf('SEC-1')).toHaveLength(1);
    expect(sim.devops.pullRequestsOf('SEC-3')).toHaveLength(0);
  });

  it('a site without Jira Software: one refused request, then none for a day', async () => {
    const { sim, platform, sender, routes } = await setup();
    sim.devops.jiraSoftware = false;
    const event: AppliedEvent = { type: 'finding.created', occurredAt: at(1), findings: [applied('fnd_a', 'SEC-1')] };
    const first = sender();
    await first.collect(event);
    const report = await first.flush();
    expect(report.requests).toBe(1);
    expect(report.problems[0]).toMatch(/404/);
    const later = sender();
    await later.collect(event);
    expect(await later.flush()).toMatchObject({ requests: 0, problems: ['this site has no Jira Software DevOps APIs (checked recently)'] });
    expect(Object.values(await routes()).reduce((a, b) => a + b, 0)).toBe(1);
    platform.clock.advance(25 * 60 * 60 * 1000);
    sim.devops.jiraSoftware = true;
    const tomorrow = sender();
    await tomorrow.collect(event);
    expect(await tomorrow.flush()).toMatchObject({ vulnerabilities: 1, problems: [] });
  });

  it('the module actions answer from what was stored', async () => {
    const { platform, sender } = await setup();
    const s = sender();
    await s.collect({ type: 'finding.created', occurredAt: at(1), findings: [applied('fnd_a', 'SEC-1'), applied('fnd_b', 'SEC-2', { repository: { name: 'acme/web' } })] });
    await s.flush();
    expect(await platform.store.get(DEVOPS_REGISTRY_KEY)).toBeDefined();
    expect(await fetchWorkspaces(platform.store, { ids: ['acme', 'other'] })).toEqual({ ok: true, body: { workspaces: [{ id: 'acme', name: 'acme', url: 'https://app.backline.ai' }] } });
    const containers = await fetchContainers(platform.store, { ids: ['acme/payments-api'] });
    expect(containers).toEqual({ ok: true, body: { containers: [{ id: 'acme/payments-api', name: 'acme/payments-api', url: 'https://github.com/acme/payments-api', lastUpdatedDate: new Date(platform.clock.now()).toISOString() }] } });
    const found = await searchContainers(platform.store, { workspaceId: 'acme', searchQuery: 'WEB' });
    expect(found.ok && found.body.containers.map((c) => c.id)).toEqual(['acme/web']);
    expect(await searchContainers(platform.store, { searchQuery: 'x' })).toMatchObject({ ok: false, status: 400 });
  });
});
