/**
 * The drift check against the simulator: each kind of change Jira can make
 * under a saved mapping is found by the scheduled job before events fail,
 * stored as "needs attention" for the Projects list, and notified once.
 */
import { SIM_STATUSES, SIM_TRANSITIONS } from '../../../dev/jira-sim';
import { Notifier } from '../../../src/core/failures/notifications';
import { checkDrift, getDriftState } from '../../../src/core/failures/drift';
import { runHousekeeping } from '../../../src/core/housekeeping';
import { event, finding, prData, setup } from './harness';

async function withSlack() {
  const h = await setup();
  await new Notifier(h.platform).setWebhookUrl('https://hooks.slack.com/services/T1/B1/drift');
  return h;
}

async function secProblems(h: Awaited<ReturnType<typeof setup>>): Promise<string[]> {
  const reports = await checkDrift(h.platform);
  const sec = reports.find((r) => r.projectKey === 'SEC');
  expect(sec?.error).toBeUndefined();
  return (sec?.problems ?? []).map((p) => `${p.path}: ${p.message}`);
}

describe('drift check', () => {
  it('finds nothing on an unchanged site, and sends nothing', async () => {
    const h = await withSlack();
    await h.run(event('finding.created', { finding: finding('fnd_ok') }));
    expect(await secProblems(h)).toEqual([]);
    expect(h.slack.posts).toEqual([]);
  });

  it('a field removed from the create screen', async () => {
    const h = await withSlack();
    await h.control('POST', '/_sim/fields', { project: 'SEC', issueType: 'Vulnerability', removeFromScreen: 'CVE' });
    const problems = await secProblems(h);
    expect(problems.join('\n')).toMatch(/CVE is not on the create screen/);
    expect(await getDriftState(h.platform.store, 'SEC')).toMatchObject({ problems: expect.arrayContaining([expect.objectContaining({ message: expect.stringMatching(/CVE/) })]) });
  });

  it('an option removed', async () => {
    const h = await withSlack();
    await h.control('POST', '/_sim/fields', { field: 'Severity', removeOption: 'High' });
    expect((await secProblems(h)).join('\n')).toMatch(/Severity has no value for high/);
  });

  it('an option renamed', async () => {
    const h = await withSlack();
    await h.control('POST', '/_sim/fields', { field: 'Severity', renameOption: { from: 'Critical', to: 'Sev 1' } });
    expect((await secProblems(h)).join('\n')).toMatch(/critical/i);
  });

  it('a status gone from the workflow', async () => {
    const h = await withSlack();
    const wf = h.sim.store.workflowFor(h.sim.store.project('SEC')!, h.sim.store.data.issueTypes.find((t) => t.name === 'Vulnerability')!.id);
    wf.statuses = wf.statuses.filter((s) => s !== SIM_STATUSES.InReview);
    wf.transitions = wf.transitions.filter((t) => t.to !== SIM_STATUSES.InReview && !t.from.includes(SIM_STATUSES.InReview));
    expect((await secProblems(h)).join('\n')).toMatch(/statuses.prMerged: .*In Review does not exist/);
  });

  it('a workflow transition removed, so a mapped status can no longer be reached', async () => {
    const h = await withSlack();
    // Issues standing in every status, so the app has seen (and can re-read) each status's transitions.
    await h.run(event('finding.created', { finding: finding('fnd_w1') }), event('finding.created', { finding: finding('fnd_w2') }), event('finding.created', { finding: finding('fnd_w3') }), event('finding.created', { finding: finding('fnd_w4') }));
    await h.run(event('remediation.pr_opened', prData(['fnd_w2', 'fnd_w3', 'fnd_w4'])));
    await h.run(event('remediation.pr_merged', prData(['fnd_w3', 'fnd_w4'])));
    await h.run(event('finding.resolved', { finding: finding('fnd_w4'), reason: 'fixed' }));
    expect(await secProblems(h)).toEqual([]);
    await h.control('POST', '/_sim/workflow', { project: 'SEC', issueType: 'Vulnerability', removeTransition: SIM_TRANSITIONS.RequestReview });
    expect((await secProblems(h)).join('\n')).toMatch(/statuses.prMerged: .*In Review cannot be reached/);
  });

  it('the project deleted', async () => {
    const h = await withSlack();
    h.sim.store.data.projects = h.sim.store.data.projects.filter((p) => p.key !== 'SEC');
    expect((await secProblems(h)).join('\n')).toMatch(/^project: Project SEC no longer exists/);
  });

  it('notifies once per new set of problems, and again when the set changes', async () => {
    const h = await withSlack();
    await h.control('POST', '/_sim/fields', { field: 'Severity', removeOption: 'High' });
    await runHousekeeping(h.platform);
    await runHousekeeping(h.platform);
    expect(h.slack.posts.filter((p) => p.text.includes('needs attention'))).toHaveLength(1);
    await h.control('POST', '/_sim/fields', { project: 'SEC', issueType: 'Vulnerability', removeFromScreen: 'CVE' });
    await runHousekeeping(h.platform);
    expect(h.slack.posts.filter((p) => p.text.includes('needs attention'))).toHaveLength(2);
    expect(h.slack.posts.every((p) => p.url === 'https://hooks.slack.com/services/T1/B1/drift')).toBe(true);
    // Three full housekeeping runs (every job, the duplicate sweep included) on a busy machine.
  }, 20_000);
});
