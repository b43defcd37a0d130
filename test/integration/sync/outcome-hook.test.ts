/**
 * The `onOutcome` hook: what other features (dead letters, Slack, the Security
 * tab, the outbound sync) learn about each event. They rely on the issue, the
 * project, the status change and the writes per finding, and on hearing
 * nothing about duplicates.
 */
import type { EventOutcome } from '../../../src/core/sync/processor';
import { SIM_TRANSITIONS, SIM_USERS } from '../../../dev/jira-sim/seed';
import { simTransport } from '../../fakes';
import { JiraClient } from '../../../src/core/jira/client';
import { event, finding, pr, setup } from './harness';

const at = (minute: number) => `2026-11-28T11:${String(minute).padStart(2, '0')}:00Z`;

describe('the onOutcome hook', () => {
  it('hears each applied event once, with per-finding issue, project, status change and writes', async () => {
    const heard: EventOutcome[] = [];
    const h = await setup({ onOutcome: async (outcome) => void heard.push(outcome) });
    const statusName = async (key: string) => ((await h.issue(key)).fields.status as { id: string; name: string });
    // Warm the workflow cache first: a create reports its status once the project's initial status is known.
    await h.run(event('finding.created', { finding: finding('fnd_hook_warm') }, at(0)));
    await h.run(event('remediation.pr_opened', { ...pr(6), findings: [{ id: 'fnd_hook_warm' }] }, at(0)));
    heard.length = 0;

    const [created] = await h.run(event('finding.created', { finding: finding('fnd_hook') }, at(1)));
    const key = created?.issues?.[0]?.key ?? '';
    const todo = await statusName(key);
    const opened = event('remediation.pr_opened', { ...pr(7), findings: [{ id: 'fnd_hook' }, { id: 'fnd_unknown' }] }, at(2));
    await h.run(opened);
    const progress = await statusName(key);
    await h.run(opened); // a redelivery: a duplicate, not an outcome

    expect(heard.map((o) => [o.event.type, o.result.status, o.mode])).toEqual([
      ['finding.created', 'created', 'inline'],
      ['remediation.pr_opened', 'updated', 'inline'],
    ]);
    const [first, second] = heard;
    expect(first).toMatchObject({ projectKey: 'SEC', jiraRequests: expect.any(Number) });
    expect(first?.findings).toEqual([
      expect.objectContaining({ findingId: 'fnd_hook', status: 'created', projectKey: 'SEC', issue: expect.objectContaining({ key, url: `https://acme.atlassian.net/browse/${key}` }), statusChange: { toStatusId: todo.id }, done: ['create'] }),
    ]);
    expect(second?.findings).toEqual([
      expect.objectContaining({ findingId: 'fnd_hook', status: 'updated', issue: expect.objectContaining({ key }), statusChange: { fromStatusId: todo.id, toStatusId: progress.id } }),
      expect.objectContaining({ findingId: 'fnd_unknown', status: 'skipped', reason: 'the finding has no Jira issue and the event does not carry its title and severity' }),
    ]);
    expect(progress.name).toBe('In Progress');
    expect(second?.findings[0]?.done.some((write) => write.startsWith('transition'))).toBe(true);
  });

  it('a status a person set, which the app only read, is not reported as this event\'s move', async () => {
    const heard: EventOutcome[] = [];
    const h = await setup({ onOutcome: async (outcome) => void heard.push(outcome) });
    const [created] = await h.run(event('finding.created', { finding: finding('fnd_hook_person') }, at(4)));
    const key = created?.issues?.[0]?.key ?? '';
    await h.run(event('remediation.pr_opened', { ...pr(8), findings: [{ id: 'fnd_hook_person' }] }, at(5)));
    // A person sends it on to In Review; the app's pr_closed (a move back) finds it there and leaves it.
    await new JiraClient(simTransport(h.sim, SIM_USERS.secAdmin.accountId)).transitionIssue(key, { transitionId: SIM_TRANSITIONS.RequestReview });
    heard.length = 0;
    const [closed] = await h.run(event('remediation.pr_closed', { ...pr(8), findings: [{ id: 'fnd_hook_person' }] }, at(6)));
    expect(closed?.status).toBe('updated');
    expect(((await h.issue(key)).fields.status as { name: string }).name).toBe('In Review');
    expect(heard[0]?.findings[0]?.statusChange).toBeUndefined();
  });

  it('a hook that throws does not fail the event', async () => {
    const h = await setup({ onOutcome: async () => { throw new Error('hook broke'); } });
    const [created] = await h.run(event('finding.created', { finding: finding('fnd_hook_throws') }, at(3)));
    expect(created?.status).toBe('created');
  });
});
