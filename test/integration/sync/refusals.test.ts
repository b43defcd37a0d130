/**
 * Refusals that must not block the rest of an event (issue 13 item 7): a
 * remote link Jira refuses with 403 (no Link Issues permission, or issue
 * linking switched off), and a transition a workflow validator refuses with
 * 400 and its message in `errorMessages` (the transition metadata does not
 * show validators, so the app meets it only on the POST). Both come from the
 * simulator's own controls (`_sim/linking`, `_sim/workflow` `addValidator`),
 * whose answers follow Jira's documented ones (dev/jira-sim/README.md).
 */
import { ACTIVITY_ENTITY, type ActivityEntry } from '../../../src/core/sync/activity';
import { adfPlainText } from '../../../src/core/jira/issue-types';
import { Notifier } from '../../../src/core/failures/notifications';
import { event, finding, pr, setup } from './harness';

type Harness = Awaited<ReturnType<typeof setup>>;

const at = (minute: number) => `2026-11-28T12:${String(minute).padStart(2, '0')}:00Z`;

/** How many requests the simulator saw on routes ending in `suffix` (e.g. `POST …/remotelink`). */
async function sent(h: Harness, method: string, suffix: string): Promise<number> {
  const { byRoute } = await h.stats();
  return Object.entries(byRoute).filter(([route]) => route.startsWith(`${method} `) && route.endsWith(suffix)).reduce((sum, [, n]) => sum + n, 0);
}

async function issueState(h: Harness, key: string) {
  const issue = await h.issue(key);
  return {
    status: issue.fields.status.name as string,
    comments: issue.fields.comment.comments.map((c: { body: unknown }) => adfPlainText(c.body)) as string[],
    commentBodies: issue.fields.comment.comments.map((c: { body: unknown }) => JSON.stringify(c.body)) as string[],
  };
}

async function activityOf(h: Harness, eventId: string): Promise<ActivityEntry | undefined> {
  const page = await h.platform.store.entityQuery<ActivityEntry>(ACTIVITY_ENTITY, { index: 'at', range: { op: 'greaterThan', value: 0 }, sort: 'DESC', limit: 50 });
  return page.items.map((item) => item.value).find((entry) => entry.details.eventId === eventId);
}

describe('a refused remote link does not block the rest', () => {
  // The simulator's own control: issue linking switched off, so remote links answer 403 as Jira does (dev/jira-sim/README.md).
  const linkingOff = async () => {
    const h = await setup();
    await h.control('POST', '/_sim/linking', { enabled: false });
    return h;
  };

  it('403 on the PR link: the transition and the comment with the PR link still happen; activity shows the refusal; the next PR event tries the link again', async () => {
    const h = await linkingOff();
    const [created] = await h.run(event('finding.created', { finding: finding('fnd_nolink') }, at(1)));
    const key = created.issues![0].key;

    const opened = event('remediation.pr_opened', { ...pr(501), findings: [{ id: 'fnd_nolink' }] }, at(2));
    const [result] = await h.run(opened);
    expect(await sent(h, 'POST', '/remotelink')).toBe(1);
    expect(result.status).toBe('updated');
    expect(result.error).toBeUndefined();
    const after = await issueState(h, key);
    expect(after.status).toBe('In Progress');
    expect(after.comments.at(-1)).toContain('Backline opened pull request #501');
    expect(after.commentBodies.at(-1)).toContain('https://github.com/acme/payments-api/pull/501');
    const entry = await activityOf(h, opened.id);
    expect(entry?.details.done).toEqual(['remotelink refused (403)', 'transition→In Progress+comment+property']);

    // Not marked linked: the PR's next event asks again (and, refused again, still moves the issue).
    await h.run(event('remediation.pr_merged', { ...pr(501), findings: [{ id: 'fnd_nolink' }] }, at(3)));
    expect(await sent(h, 'POST', '/remotelink')).toBe(2);
    expect((await issueState(h, key)).status).toBe('In Review');
    expect(await h.control('GET', '/_sim/violations')).toEqual([]);
  });

  it('403 on the link of a PR that creates the issue: the issue, its transition and the comment all happen', async () => {
    const h = await linkingOff();
    const [result] = await h.run(event('remediation.pr_opened', { ...pr(502), findings: [finding('fnd_nolink_new')] }, at(1)));
    expect(result.status).toBe('created');
    const after = await issueState(h, result.issues![0].key);
    expect(after.status).toBe('In Progress');
    expect(after.comments.at(-1)).toContain('#502');
  });
});

describe('a transition refused by a workflow validator', () => {
  const VALIDATOR = 'Only the security lead may send findings to review.';
  // The simulator's own control: a validator on "Request review" (21), answered 400 with its message as Jira does.
  const withValidator = async () => {
    const h = await setup();
    await h.control('POST', '/_sim/workflow', { project: 'SEC', addValidator: { transition: '21', message: VALIDATOR } });
    return h;
  };

  it('400 with errorMessages: a comment with Jira\'s message, TRANSITION_BLOCKED, the status unchanged, the event comment kept', async () => {
    const h = await withValidator();
    const [created] = await h.run(event('finding.created', { finding: finding('fnd_validator') }, at(1)));
    const key = created.issues![0].key;
    await h.run(event('remediation.pr_opened', { ...pr(601), findings: [{ id: 'fnd_validator' }] }, at(2)));

    const merged = event('remediation.pr_merged', { ...pr(601), findings: [{ id: 'fnd_validator' }] }, at(3));
    const transitionsBefore = await sent(h, 'POST', '/transitions');
    const [result] = await h.run(merged);
    expect(result.status).toBe('updated');
    expect(result.error?.code).toBe('TRANSITION_BLOCKED');
    expect(result.error?.message).toContain(VALIDATOR);
    // Refused once; read to tell a validator from a person's move; not retried against the validator.
    expect((await sent(h, 'POST', '/transitions')) - transitionsBefore).toBe(1);
    const after = await issueState(h, key);
    expect(after.status).toBe('In Progress');
    expect(after.comments.at(-1)).toContain('was merged');
    expect(after.comments.at(-1)).toContain(`could not move ${key} to "In Review"`);
    expect(after.comments.at(-1)).toContain(VALIDATOR);
    expect((await activityOf(h, merged.id))?.details.error?.code).toBe('TRANSITION_BLOCKED');
  });

  it('a validator refusal sends one Slack notification, not one per blocked event', async () => {
    const h = await withValidator();
    const posts: Array<{ url: string; body: unknown }> = [];
    h.platform.http = { postJson: async (url, body) => (posts.push({ url, body }), 200) };
    await new Notifier(h.platform).setWebhookUrl('https://hooks.slack.com/services/T1/B1/blocked');
    for (const id of ['fnd_block_1', 'fnd_block_2']) {
      await h.run(event('finding.created', { finding: finding(id) }, at(1)));
      await h.run(event('remediation.pr_opened', { ...pr(700), findings: [{ id }] }, at(2)));
      const [merged] = await h.run(event('remediation.pr_merged', { ...pr(700), findings: [{ id }] }, at(3)));
      expect(merged.error?.code).toBe('TRANSITION_BLOCKED');
    }
    expect(posts).toHaveLength(1);
    expect(JSON.stringify(posts[0]?.body)).toContain('TRANSITION_BLOCKED');
    expect(JSON.stringify(posts[0]?.body)).toContain('move them by hand');
    // Other events succeed meanwhile; the blocked move lasts until a day passes without one.
    const day = 24 * 60 * 60 * 1000;
    h.platform.clock.advance(day + 1);
    await new Notifier(h.platform).sendDigest();
    expect(JSON.stringify(posts[1]?.body)).toMatch(/TRANSITION_BLOCKED/);
    expect(JSON.stringify(posts[1]?.body)).not.toMatch(/recovered/);
    h.platform.clock.advance(day + 1);
    await new Notifier(h.platform).sendDigest();
    expect(posts).toHaveLength(3);
    expect(JSON.stringify(posts[2]?.body)).toMatch(/recovered from TRANSITION_BLOCKED/);
  });
});
