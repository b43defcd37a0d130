/**
 * Security tab and development panel sends that Jira does not take for a
 * reason that may pass (5xx, 429, no answer, or saved and then answered 5xx)
 * are kept in storage and sent again: by the next invocation whose send gets
 * through, or by the hourly housekeeping job. Nothing ends up missing or twice
 * in the simulator's stores; a refusal for good (400) is reported, not kept.
 */
import { DEVOPS_HOUSEKEEPING_JOBS } from '../../../src/core/devops/jobs';
import { DEVOPS_OUTBOX_PREFIX, KEPT_SEND_GIVE_UP_MS, MAX_KEPT_BODY_CHARS, splitToFit } from '../../../src/core/devops/outbox';
import { DEVOPS_REGISTRY_KEY, parseRegistry } from '../../../src/core/devops/registry';
import { DevopsSender, type AppliedEvent } from '../../../src/core/devops/sender';
import { runHousekeeping } from '../../../src/core/housekeeping';
import { makeTestPlatform, silentLogger } from '../../fakes';
import { lodashFinding } from '../../fakes/findings';
import { call, makeSim, vulnerability as issueBody } from '../sim/helpers';

const at = (minute: number) => `2026-11-28T10:${String(minute).padStart(2, '0')}:00Z`;
const remediation = { id: 'rem_42', title: 'Upgrade lodash' };
const pullRequest = { url: 'https://github.com/acme/payments-api/pull/311', number: 311, title: 'fix: upgrade lodash', repository: 'acme/payments-api' };
const SECURITY_BULK = '/rest/security/1.0/bulk';
const DEVINFO_BULK = '/rest/devinfo/0.10/bulk';

async function setup() {
  const sim = makeSim();
  for (let i = 0; i < 2; i++) await call(sim, 'POST', '/rest/api/3/issue', issueBody());
  await call(sim, 'POST', '/_sim/stats/reset');
  const platform = makeTestPlatform({ sim });
  const sender = () => new DevopsSender({ jira: platform.jira, store: platform.store, clock: platform.clock, logger: silentLogger, switches: async () => ({ securityTab: true, developmentPanel: true }) });
  const kept = async () => (await platform.store.list(DEVOPS_OUTBOX_PREFIX)).items;
  const fault = (body: Record<string, unknown>) => call(sim, 'POST', '/_sim/faults', body);
  const route = async (key: string) => ((await call(sim, 'GET', '/_sim/stats')).body.byRoute as Record<string, number>)[key] ?? 0;
  return { sim, platform, sender, kept, fault, route };
}

const applied = (id: string, key: string) => ({ finding: lodashFinding({ id }), projectKey: 'SEC', issue: { key, url: `https://acme.atlassian.net/browse/${key}` } });
const created = (id: string, key: string, minute: number): AppliedEvent => ({ type: 'finding.created', occurredAt: at(minute), findings: [applied(id, key)] });
const prOpened = (minute: number): AppliedEvent => ({ type: 'remediation.pr_opened', occurredAt: at(minute), remediation, pullRequest, findings: [applied('fnd_a', 'SEC-1')] });

async function flushOne(sender: DevopsSender, ...events: AppliedEvent[]) {
  for (const event of events) await sender.collect(event);
  return sender.flush();
}

describe('kept devops sends', () => {
  it('a 503 on the security submit keeps it and the dev-info store after it; the next invocation that gets through sends both', async () => {
    const { sim, platform, sender, kept, fault } = await setup();
    await fault({ status: 503, count: 1, match: { method: 'POST', path: SECURITY_BULK } });
    const report = await flushOne(sender(), created('fnd_a', 'SEC-1', 1), prOpened(2));
    expect(report.problems).toEqual(expect.arrayContaining(['kept 2 request(s) for a retry']));
    expect(sim.devops.vulnerabilities.size).toBe(0);
    expect(sim.devops.pullRequestsOf('SEC-1')).toHaveLength(0);
    expect(await kept()).toHaveLength(2);
    expect(parseRegistry(await platform.store.get(DEVOPS_REGISTRY_KEY)).keptSends).toBe(true);

    // A later event about another finding gets through: the kept sends follow it.
    const next = await flushOne(sender(), created('fnd_b', 'SEC-2', 3));
    expect(next).toMatchObject({ vulnerabilities: 1, requests: 3, problems: [] });
    expect(sim.devops.vulnerabilities.get('fnd_a')).toMatchObject({ status: 'open', issueKeys: ['SEC-1'] });
    expect(sim.devops.pullRequestsOf('SEC-1')).toEqual([expect.objectContaining({ id: '311', status: 'OPEN' })]);
    expect(await kept()).toHaveLength(0);
  });

  it('saved, then answered 502: sent again, and the simulator still holds the vulnerability once', async () => {
    const { sim, platform, sender, kept, fault, route } = await setup();
    await fault({ status: 502, count: 1, after: 'commit', match: { method: 'POST', path: SECURITY_BULK } });
    await flushOne(sender(), created('fnd_a', 'SEC-1', 1));
    expect(sim.devops.vulnerabilities.size).toBe(1); // Jira saved it before the 502
    expect(await kept()).toHaveLength(1);

    // No later event: the hourly housekeeping job sends it.
    const reports = await runHousekeeping(platform, DEVOPS_HOUSEKEEPING_JOBS);
    expect(reports).toEqual([{ job: 'devops-retry-kept-sends', ok: true, summary: '1 kept request(s) sent, 0 still kept, 0 given up' }]);
    expect(await route(`POST ${SECURITY_BULK}`)).toBe(2);
    expect([...sim.devops.vulnerabilities.keys()]).toEqual(['fnd_a']);
    expect(await kept()).toHaveLength(0);
    expect(parseRegistry(await platform.store.get(DEVOPS_REGISTRY_KEY)).keptSends).toBeUndefined();
    // Nothing kept: the job costs one storage read and no Jira request.
    expect(await runHousekeeping(platform, DEVOPS_HOUSEKEEPING_JOBS)).toEqual([{ job: 'devops-retry-kept-sends', ok: true, summary: 'nothing kept' }]);
    expect(await route(`POST ${SECURITY_BULK}`)).toBe(2);
  });

  it('no answer at all (timeout) on the dev-info store: kept, while the vulnerability before it is saved', async () => {
    const { sim, sender, kept, fault } = await setup();
    await fault({ status: 0, count: 1, latencyMs: 1, match: { method: 'POST', path: DEVINFO_BULK } });
    const report = await flushOne(sender(), created('fnd_a', 'SEC-1', 1), prOpened(2));
    expect(report.vulnerabilities).toBe(1);
    expect(sim.devops.vulnerabilities.size).toBe(1);
    expect((await kept()).map((entry) => (entry.value as { path: string }).path)).toEqual([DEVINFO_BULK]);
  });

  it('while Jira still fails, the retry stops at the first failure and keeps the rest; after 7 days a kept send is given up and logged', async () => {
    const { platform, sender, kept, fault } = await setup();
    await fault({ status: 500, count: 1, match: { method: 'POST', path: SECURITY_BULK } });
    await flushOne(sender(), created('fnd_a', 'SEC-1', 1), prOpened(2));
    expect(await kept()).toHaveLength(2);

    await fault({ status: 500, count: 1, match: { method: 'POST', path: SECURITY_BULK } });
    const [still] = await runHousekeeping(platform, DEVOPS_HOUSEKEEPING_JOBS);
    expect(still?.summary).toBe('0 kept request(s) sent, 2 still kept, 0 given up');
    expect((await kept()).map((entry) => (entry.value as { attempts: number }).attempts)).toEqual([2, 1]);

    platform.clock.advance(KEPT_SEND_GIVE_UP_MS);
    await fault({ status: 500, count: 5, match: { method: 'POST' } });
    const errors: unknown[] = [];
    const logged = makeTestPlatform({ sim: undefined, store: platform.store, clock: platform.clock, jira: platform.jira, logger: { info: () => undefined, warn: () => undefined, error: (message, fields) => errors.push({ message, fields }) } });
    const [gaveUp] = await runHousekeeping(logged, DEVOPS_HOUSEKEEPING_JOBS);
    expect(gaveUp?.summary).toBe('0 kept request(s) sent, 0 still kept, 2 given up');
    expect(errors).toEqual([
      expect.objectContaining({ message: 'devops: kept send given up', fields: expect.objectContaining({ path: SECURITY_BULK, attempts: 3 }) }),
      expect.objectContaining({ message: 'devops: kept send given up', fields: expect.objectContaining({ path: DEVINFO_BULK, attempts: 2 }) }),
    ]);
    expect(await kept()).toHaveLength(0);
  });

  it('a refusal for good (400) is reported and not kept', async () => {
    const { platform, kept } = await setup();
    const refusing = {
      request: async (request: Parameters<typeof platform.jira.request>[0]) =>
        request.path === SECURITY_BULK ? { status: 400, headers: {}, body: { errorMessages: ['The vulnerability is not valid.'] } } : platform.jira.request(request),
    };
    const sender = new DevopsSender({ jira: refusing, store: platform.store, clock: platform.clock, logger: silentLogger, switches: async () => ({ securityTab: true, developmentPanel: true }) });
    const report = await flushOne(sender, created('fnd_a', 'SEC-1', 1));
    expect(report.problems).toEqual([expect.stringMatching(/400/)]);
    expect(await kept()).toHaveLength(0);
    expect(parseRegistry(await platform.store.get(DEVOPS_REGISTRY_KEY)).keptSends).toBeUndefined();
  });

  it('a send larger than one stored value is kept in pieces that each fit', () => {
    const vulnerabilities = Array.from({ length: 400 }, (_, i) => ({ id: `fnd_${i}`, description: 'x'.repeat(1_000) }));
    const pieces = splitToFit({ path: SECURITY_BULK, body: { operationType: 'NORMAL', vulnerabilities } });
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect(JSON.stringify(piece.body).length).toBeLessThanOrEqual(MAX_KEPT_BODY_CHARS);
    expect(pieces.flatMap((piece) => piece.body.vulnerabilities as unknown[])).toEqual(vulnerabilities);
  });
});

describe('sends held while Jira’s hourly points are nearly spent', () => {
  it('are kept, not sent; the first send after the pressure takes them along merged: one security submit for all of them', async () => {
    const { sim, platform, sender, kept, route } = await setup();
    // Three queued events applied under pressure, each in its own invocation (as the queue consumer does).
    for (const [index, id] of ['fnd_a', 'fnd_b', 'fnd_a'].entries()) {
      const held = sender();
      held.holdSends();
      const report = await flushOne(held, created(id, id === 'fnd_a' ? 'SEC-1' : 'SEC-2', index + 1));
      expect(report).toMatchObject({ requests: 0, held: 1, problems: [] });
    }
    expect(await route(`POST ${SECURITY_BULK}`)).toBe(0);
    expect(await kept()).toHaveLength(3);
    expect(parseRegistry(await platform.store.get(DEVOPS_REGISTRY_KEY)).keptSends).toBe(true);

    // The pressure is over: the next event's own submit, then the three held ones as one request.
    const next = await flushOne(sender(), created('fnd_c', 'SEC-1', 9));
    expect(next.problems).toEqual([]);
    expect(await route(`POST ${SECURITY_BULK}`)).toBe(2);
    expect([...sim.devops.vulnerabilities.keys()].sort()).toEqual(['fnd_a', 'fnd_b', 'fnd_c']);
    expect(await kept()).toHaveLength(0);
    expect(parseRegistry(await platform.store.get(DEVOPS_REGISTRY_KEY)).keptSends).toBeUndefined();
  });

  it('a merged submit Jira refuses for now stays kept, each part, and goes with the hourly job', async () => {
    const { sim, platform, sender, kept, fault, route } = await setup();
    for (const [index, id] of ['fnd_a', 'fnd_b'].entries()) {
      const held = sender();
      held.holdSends();
      await flushOne(held, created(id, index === 0 ? 'SEC-1' : 'SEC-2', index + 1));
    }
    await fault({ status: 503, count: 1, match: { method: 'POST', path: SECURITY_BULK } });
    expect(await runHousekeeping(platform, DEVOPS_HOUSEKEEPING_JOBS)).toEqual([{ job: 'devops-retry-kept-sends', ok: true, summary: '0 kept request(s) sent, 2 still kept, 0 given up' }]);
    expect(await kept()).toHaveLength(2);
    expect(await runHousekeeping(platform, DEVOPS_HOUSEKEEPING_JOBS)).toEqual([{ job: 'devops-retry-kept-sends', ok: true, summary: '2 kept request(s) sent, 0 still kept, 0 given up' }]);
    expect(await route(`POST ${SECURITY_BULK}`)).toBe(2); // the refused merged submit, and the one that went through
    expect([...sim.devops.vulnerabilities.keys()].sort()).toEqual(['fnd_a', 'fnd_b']);
    expect(await kept()).toHaveLength(0);
  });
});
