/**
 * People win (docs/sync.md): a person moves or closes the issue between
 * Backline's events, at every step of the lifecycle, acting through the
 * simulator's `x-sim-account-id` header. The app moves issues only forward
 * along the configured steps, never undoes a person's move or closure, and
 * `finding.reopened` reopens a closed issue. Asserted on Jira's own answer.
 */
import { SIM_TRANSITIONS, SIM_USERS } from '../../../dev/jira-sim/seed';
import { JiraClient } from '../../../src/core/jira/client';
import { adfPlainText } from '../../../src/core/jira/issue-types';
import { simTransport } from '../../fakes';
import { event, finding, pr, setup } from './harness';

type Harness = Awaited<ReturnType<typeof setup>>;

const at = (minute: number) => `2026-11-28T11:${String(minute).padStart(2, '0')}:00Z`;

/** The demo workflow's transitions, as a person clicks them (the Done screen asks for a resolution). */
const MOVES = {
  start: SIM_TRANSITIONS.StartProgress,
  review: SIM_TRANSITIONS.RequestReview,
  done: SIM_TRANSITIONS.Done,
  reopen: SIM_TRANSITIONS.Reopen,
  stop: SIM_TRANSITIONS.StopProgress,
} as const;

/** A team member with every SEC permission, acting in Jira between Backline's events. */
function person(h: Harness) {
  const jira = new JiraClient(simTransport(h.sim, SIM_USERS.secAdmin.accountId));
  return {
    async move(key: string, ...moves: Array<keyof typeof MOVES>) {
      for (const move of moves) await this.moveBy(key, MOVES[move]);
    },
    async moveBy(key: string, transitionId: string) {
      await jira.transitionIssue(key, { transitionId, ...(transitionId === MOVES.done ? { fields: { resolution: { name: "Won't Fix" } } } : {}) });
    },
  };
}

/** One finding's lifecycle, one event a step, each answered for its issue. */
function lifecycle(h: Harness, findingId: string) {
  const ref = [{ id: findingId }];
  let minute = 0;
  const send = async (type: string, data: unknown) => {
    const [result] = await h.run(event(type, data, at(++minute)));
    return result;
  };
  return {
    created: () => send('finding.created', { finding: finding(findingId) }),
    prOpened: (number = 311) => send('remediation.pr_opened', { ...pr(number), findings: ref }),
    prMerged: (number = 311) => send('remediation.pr_merged', { ...pr(number), findings: ref }),
    prClosed: (number = 311) => send('remediation.pr_closed', { ...pr(number), findings: ref }),
    remediationResolved: () => send('remediation.resolved', { remediation: pr().remediation, findings: ref }),
    findingResolved: () => send('finding.resolved', { finding: finding(findingId), reason: 'fixed' }),
    reopened: () => send('finding.reopened', { finding: finding(findingId) }),
  };
}

async function state(h: Harness, key: string) {
  const issue = await h.issue(key);
  const comments: string[] = issue.fields.comment.comments.map((c: { body: unknown }) => adfPlainText(c.body));
  return { status: issue.fields.status.name as string, resolution: (issue.fields.resolution?.name ?? null) as string | null, comments };
}

/** The app never reports a blocked move nor comments that it could not move the issue. */
async function expectNoBlock(h: Harness, key: string, ...results: Array<{ error?: { code: string } }>) {
  for (const result of results) expect(result.error).toBeUndefined();
  expect((await state(h, key)).comments.filter((c) => c.includes('could not move'))).toEqual([]);
  expect(await h.control('GET', '/_sim/violations')).toEqual([]);
}

describe('people win: a person moves or closes the issue between events', () => {
  it('after create: closed as Won\'t Fix, the PR events and resolve comment but leave it closed; reopened by a new detection', async () => {
    const h = await setup();
    const life = lifecycle(h, 'fnd_people_create');
    const created = await life.created();
    const key = created.issues![0].key;
    await person(h).move(key, 'start', 'review', 'done');

    const opened = await life.prOpened();
    expect(await state(h, key)).toMatchObject({ status: 'Done', resolution: "Won't Fix" });
    const merged = await life.prMerged();
    const resolved = await life.remediationResolved();
    const closed = await state(h, key);
    expect(closed).toMatchObject({ status: 'Done', resolution: "Won't Fix" });
    expect(closed.comments.filter((c) => c.startsWith('Backline'))).toEqual([
      expect.stringContaining('Backline opened pull request #311'),
      expect.stringContaining('was merged'),
      expect.stringContaining('Backline verified the remediation'),
    ]);

    const reopened = await life.reopened();
    expect(reopened.status).toBe('updated');
    const open = await state(h, key);
    expect(open).toMatchObject({ status: 'To Do', resolution: null });
    expect(open.comments.at(-1)).toBe('Backline detected this finding again, so the issue was reopened.');
    await expectNoBlock(h, key, opened, merged, resolved, reopened);
  });

  it('after PR opened: moved to In Review and closed as Won\'t Fix, pr_merged and finding.resolved keep it closed (issue 13 item 6)', async () => {
    const h = await setup();
    // Warm caches (every status's transitions learned), so the costs below are the steady state's.
    const warm = lifecycle(h, 'fnd_people_warm');
    for (const step of [warm.created, warm.prOpened, warm.prMerged, warm.remediationResolved, warm.reopened]) await step();
    const life = lifecycle(h, 'fnd_people_opened');
    const key = (await life.created()).issues![0].key;
    await life.prOpened();
    expect((await state(h, key)).status).toBe('In Progress');
    await person(h).move(key, 'review', 'done');

    const before = h.counting.count;
    const merged = await life.prMerged();
    const mergedCost = h.counting.count - before;
    const resolved = await life.findingResolved();
    const after = await state(h, key);
    expect(after).toMatchObject({ status: 'Done', resolution: "Won't Fix" });
    expect(after.comments.slice(-2)).toEqual([expect.stringContaining('was merged'), expect.stringContaining('Backline resolved this finding: the finding was fixed')]);
    // The refused blind transition, the read that shows the person's closure, the property and the comment.
    expect(mergedCost).toBe(4);
    await expectNoBlock(h, key, merged, resolved);
    // The Activity tab (and Backline's answer) say why the issue did not move.
    expect((merged as { reason?: string }).reason).toBe(`${key} stays in Done (closed), where a person put it: Backline moves issues only forward along the configured steps`);

    // Once the app has seen the closure, a later step costs no refused transition: just its comment.
    const beforeReopen = h.counting.count;
    await life.reopened();
    expect(h.counting.count - beforeReopen).toBe(1);
    expect(await state(h, key)).toMatchObject({ status: 'To Do', resolution: null });
  });

  it('after PR opened: moved ahead to In Review, pr_closed does not move it back', async () => {
    const h = await setup();
    const life = lifecycle(h, 'fnd_people_ahead');
    const key = (await life.created()).issues![0].key;
    await life.prOpened();
    await person(h).move(key, 'review');
    const closedPr = await life.prClosed();
    expect(closedPr.status).toBe('updated');
    const after = await state(h, key);
    expect(after.status).toBe('In Review');
    expect(after.comments.at(-1)).toContain('was closed without merging');
    await expectNoBlock(h, key, closedPr);
  });

  it('after PR opened: moved back to To Do, pr_merged moves it forward to In Review', async () => {
    const h = await setup();
    const life = lifecycle(h, 'fnd_people_behind');
    const key = (await life.created()).issues![0].key;
    await life.prOpened();
    await person(h).move(key, 'stop');
    const merged = await life.prMerged();
    expect(await state(h, key)).toMatchObject({ status: 'In Review', resolution: null });
    await expectNoBlock(h, key, merged);
  });

  it('after PR opened, still where the app put it: pr_closed moves it back', async () => {
    const h = await setup();
    const life = lifecycle(h, 'fnd_people_back');
    const key = (await life.created()).issues![0].key;
    await life.prOpened();
    const closedPr = await life.prClosed();
    expect((await state(h, key)).status).toBe('To Do');
    await expectNoBlock(h, key, closedPr);
  });

  it('after PR merged: closed as Won\'t Fix, remediation.resolved keeps the person\'s resolution', async () => {
    const h = await setup();
    const life = lifecycle(h, 'fnd_people_merged');
    const key = (await life.created()).issues![0].key;
    await life.prOpened();
    await life.prMerged();
    expect((await state(h, key)).status).toBe('In Review');
    await person(h).move(key, 'done');
    const resolved = await life.remediationResolved();
    const after = await state(h, key);
    expect(after).toMatchObject({ status: 'Done', resolution: "Won't Fix" });
    expect(after.comments.at(-1)).toContain('Backline verified the remediation');
    await expectNoBlock(h, key, resolved);
  });

  it('after PR merged: moved back to In Progress, remediation.resolved moves it forward to Done as Fixed', async () => {
    const h = await setup();
    const life = lifecycle(h, 'fnd_people_merged_back');
    const key = (await life.created()).issues![0].key;
    await life.prOpened();
    await life.prMerged();
    await person(h).move(key, 'done', 'reopen', 'start');
    expect((await state(h, key)).status).toBe('In Progress');
    const resolved = await life.remediationResolved();
    expect(await state(h, key)).toMatchObject({ status: 'Done', resolution: 'Fixed' });
    await expectNoBlock(h, key, resolved);
  });

  it('after resolved: reopened by a person, finding.reopened leaves it open where they put it', async () => {
    const h = await setup();
    const life = lifecycle(h, 'fnd_people_resolved');
    const key = (await life.created()).issues![0].key;
    await life.prOpened();
    await life.prMerged();
    await life.remediationResolved();
    expect(await state(h, key)).toMatchObject({ status: 'Done', resolution: 'Fixed' });
    await person(h).move(key, 'reopen', 'start');
    const reopened = await life.reopened();
    const after = await state(h, key);
    expect(after).toMatchObject({ status: 'In Progress', resolution: null });
    expect(after.comments.at(-1)).toContain('Backline detected this finding again');
    await expectNoBlock(h, key, reopened);
  });

  it('after reopened: closed again by a person, finding.resolved keeps it closed; started by a person, a new PR finds it there', async () => {
    const h = await setup();
    const life = lifecycle(h, 'fnd_people_reopened');
    const key = (await life.created()).issues![0].key;
    await life.findingResolved();
    await life.reopened();
    expect(await state(h, key)).toMatchObject({ status: 'To Do', resolution: null });
    await person(h).move(key, 'start', 'review', 'done');
    const resolved = await life.findingResolved();
    expect(await state(h, key)).toMatchObject({ status: 'Done', resolution: "Won't Fix" });

    await life.reopened();
    await person(h).move(key, 'start');
    const opened = await life.prOpened(400);
    const after = await state(h, key);
    expect(after).toMatchObject({ status: 'In Progress', resolution: null });
    expect(after.comments.at(-1)).toContain('Backline opened pull request #400');
    await expectNoBlock(h, key, resolved, opened);
  });

  it('a transition that also leaves from another status is not sent unread: a person\'s closure is seen, not walked out of', async () => {
    const h = await setup();
    // "Send to review" leaves from In Progress and from Done: Jira accepting it would not prove the issue was In Progress.
    await h.control('POST', '/_sim/workflow', { project: 'SEC', issueType: 'Vulnerability', removeTransition: 'Request review' });
    await h.control('POST', '/_sim/workflow', { project: 'SEC', issueType: 'Vulnerability', addTransition: { id: '61', name: 'Send to review', from: ['In Progress', 'Done'], to: 'In Review' } });
    const warm = lifecycle(h, 'fnd_people_common_warm');
    for (const step of [warm.created, warm.prOpened, warm.prMerged, warm.remediationResolved, warm.reopened]) await step();

    const life = lifecycle(h, 'fnd_people_common');
    const key = (await life.created()).issues![0].key;
    await life.prOpened();
    await person(h).moveBy(key, '61');
    await person(h).move(key, 'done');
    const appTransitions = async () =>
      ((await h.control('GET', '/_sim/requests')) as Array<{ method: string; route: string; caller: string }>).filter(
        (r) => r.caller === SIM_USERS.app.accountId && r.method === 'POST' && r.route.endsWith('/transitions'),
      ).length;
    const before = await appTransitions();
    const merged = await life.prMerged();
    expect(await state(h, key)).toMatchObject({ status: 'Done', resolution: "Won't Fix" });
    // Read first, then left alone: no transition request at all.
    expect(await appTransitions()).toBe(before);
    await expectNoBlock(h, key, merged);
  });
});
