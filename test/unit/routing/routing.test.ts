import type { GlobalSettings, ProjectConfig, RoutingRule } from '../../../src/core/config/model';
import { routeFinding } from '../../../src/core/routing';
import { demoSecProjectConfig } from '../../../dev/demo-config';
import { lodashFinding, SEC_STATUSES, secVulnerabilityMeta } from '../mapping/fixtures';

const sec = demoSecProjectConfig(secVulnerabilityMeta(), SEC_STATUSES);
const project = (projectKey: string, enabled = true): ProjectConfig => ({ ...sec, projectKey, enabled });
const rule = (id: string, projectKey: string, match: RoutingRule['match'], enabled = true): RoutingRule => ({ id, name: `Rule ${id}`, projectKey, enabled, match });
const settings = (routingRules: RoutingRule[], defaultProjectKey?: string): GlobalSettings => ({ version: 1, routingRules, ...(defaultProjectKey ? { defaultProjectKey } : {}) });

const connected = [project('SEC'), project('APP'), project('OPS')];

describe('routeFinding', () => {
  it('uses the finding’s project hint when that project is connected and enabled', () => {
    const finding = lodashFinding({ jira: { projectKey: 'APP' } });
    expect(routeFinding(finding, settings([rule('r1', 'SEC', {})], 'OPS'), connected)).toEqual({ ok: true, projectKey: 'APP', via: 'hint' });
  });

  it('ignores a hint for a project that is not connected or is disabled', () => {
    const s = settings([], 'OPS');
    expect(routeFinding(lodashFinding({ jira: { projectKey: 'NOPE' } }), s, connected)).toEqual({ ok: true, projectKey: 'OPS', via: 'default' });
    expect(routeFinding(lodashFinding({ jira: { projectKey: 'APP' } }), s, [project('SEC'), project('APP', false), project('OPS')])).toEqual({ ok: true, projectKey: 'OPS', via: 'default' });
  });

  it('takes the first matching rule, in order', () => {
    const s = settings([rule('payments', 'APP', { repository: 'acme/payments-*' }), rule('all-acme', 'SEC', { repository: 'acme/*' })], 'OPS');
    expect(routeFinding(lodashFinding(), s, connected)).toEqual({ ok: true, projectKey: 'APP', via: 'rule', rule: { id: 'payments', name: 'Rule payments' } });
    expect(routeFinding(lodashFinding({ repository: { name: 'acme/web' } }), s, connected)).toMatchObject({ projectKey: 'SEC', rule: { id: 'all-acme' } });
    expect(routeFinding(lodashFinding({ repository: { name: 'other/web' } }), s, connected)).toEqual({ ok: true, projectKey: 'OPS', via: 'default' });
  });

  it('matches repository globs ignoring case; a finding without a repository does not match a repository rule', () => {
    const s = settings([rule('r', 'APP', { repository: 'ACME/Payments-*' })]);
    expect(routeFinding(lodashFinding(), s, connected)).toMatchObject({ projectKey: 'APP' });
    const { repository: _r, ...noRepo } = lodashFinding();
    expect(routeFinding(noRepo, s, connected)).toMatchObject({ ok: false });
  });

  it('requires every given condition: categories, minimum severity, scanners, tags', () => {
    const r = rule('strict', 'APP', { categories: ['sca', 'container'], minimumSeverity: 'high', scanners: ['Snyk'], tags: ['pci'] });
    const s = settings([r], 'OPS');
    const base = lodashFinding({ tags: ['PCI', 'prod'] });
    expect(routeFinding(base, s, connected)).toMatchObject({ projectKey: 'APP', via: 'rule' });
    expect(routeFinding({ ...base, severity: 'critical' }, s, connected)).toMatchObject({ projectKey: 'APP' });
    expect(routeFinding({ ...base, severity: 'medium' }, s, connected)).toMatchObject({ projectKey: 'OPS' });
    expect(routeFinding({ ...base, category: 'sast' }, s, connected)).toMatchObject({ projectKey: 'OPS' });
    expect(routeFinding({ ...base, scanner: 'wiz' }, s, connected)).toMatchObject({ projectKey: 'OPS' });
    expect(routeFinding({ ...base, tags: ['prod'] }, s, connected)).toMatchObject({ projectKey: 'OPS' });
  });

  it('skips disabled rules', () => {
    const s = settings([rule('off', 'APP', {}, false), rule('ok', 'SEC', {})]);
    expect(routeFinding(lodashFinding(), s, [project('SEC'), project('APP')])).toMatchObject({ projectKey: 'SEC', rule: { id: 'ok' } });
  });

  it('a matching rule whose project was deleted or paused gives no route instead of another project', () => {
    const deleted = settings([rule('gone', 'NOPE', {}), rule('ok', 'SEC', {})], 'SEC');
    expect(routeFinding(lodashFinding(), deleted, [project('SEC')])).toEqual({ ok: false, reason: expect.stringContaining('sends this finding to NOPE, which is not connected') });
    const paused = settings([rule('paused', 'OPS', {}), rule('ok', 'SEC', {})]);
    expect(routeFinding(lodashFinding(), paused, [project('SEC'), project('OPS', false)])).toEqual({ ok: false, reason: expect.stringContaining('OPS, which is paused') });
  });

  it('with one connected project and no rules or default, uses it', () => {
    expect(routeFinding(lodashFinding(), settings([]), [project('SEC')])).toEqual({ ok: true, projectKey: 'SEC', via: 'only-project' });
  });

  it('no route: says what to configure', () => {
    const none = routeFinding(lodashFinding(), settings([rule('r', 'APP', { repository: 'other/*' })]), connected);
    expect(none).toEqual({ ok: false, reason: expect.stringContaining('add a routing rule that matches it or choose a default project') });
    expect(routeFinding(lodashFinding(), settings([]), [])).toEqual({ ok: false, reason: expect.stringContaining('No Jira project is connected') });
    expect(routeFinding(lodashFinding(), settings([]), [project('SEC', false)])).toEqual({ ok: false, reason: expect.stringContaining('disabled') });
    const staleDefault = routeFinding(lodashFinding({ jira: { projectKey: 'XYZ' } }), settings([], 'GONE'), connected);
    expect(staleDefault).toEqual({ ok: false, reason: expect.stringMatching(/default project GONE is not connected.*hint XYZ/) });
  });

  it('routes a finding reference (only id) by default or only project', () => {
    expect(routeFinding({ id: 'f1' }, settings([rule('r', 'APP', { repository: 'acme/*' })], 'SEC'), connected)).toEqual({ ok: true, projectKey: 'SEC', via: 'default' });
  });
});
