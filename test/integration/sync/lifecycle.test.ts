import { event, finding, pr, setup } from './harness';

const at = (minute: number) => `2026-11-28T10:${String(minute).padStart(2, '0')}:00Z`;

describe('sync through the processor against the simulator (demo SEC config)', () => {
  it('lifecycle: created → PR opened → merged → remediation resolved → reopened moves one issue through the workflow', async () => {
    const h = await setup();
    // Warm caches with another finding first, so the counts below are steady state.
    await h.run(event('finding.created', { finding: finding('fnd_warm') }, at(0)));
    await h.run(event('remediation.pr_opened', { ...pr(1), findings: [{ id: 'fnd_warm' }] }, at(1)));
    await h.run(event('remediation.pr_merged', { ...pr(1), findings: [{ id: 'fnd_warm' }] }, at(2)));
    await h.run(event('remediation.resolved', { remediation: pr(1).remediation, findings: [{ id: 'fnd_warm' }] }, at(3)));
    await h.run(event('finding.reopened', { finding: finding('fnd_warm') }, at(4)));

    const counts: Record<string, number> = {};
    const step = async (name: string, e: Parameters<typeof h.run>[0]) => {
      const before = h.counting.count;
      const [result] = await h.run(e);
      counts[name] = h.counting.count - before;
      return result;
    };
    const created = await step('created', event('finding.created', { finding: finding() }, at(10)));
    expect(created.status).toBe('created');
    const key = created.issues![0].key;
    expect(created.issues![0].url).toBe(`https://acme.atlassian.net/browse/${key}`);
    expect((await h.issue(key)).fields.status.name).toBe('To Do');

    const opened = await step('pr_opened', event('remediation.pr_opened', { ...pr(), findings: [{ id: 'fnd_lodash_api' }] }, at(11)));
    expect(opened).toMatchObject({ status: 'updated', issues: [{ key }] });
    expect((await h.issue(key)).fields.status.name).toBe('In Progress');

    const merged = await step('pr_merged', event('remediation.pr_merged', { ...pr(), findings: [{ id: 'fnd_lodash_api' }] }, at(12)));
    expect(merged).toMatchObject({ status: 'updated', issues: [{ key }] });
    expect((await h.issue(key)).fields.status.name).toBe('In Review');

    const resolved = await step('resolved', event('remediation.resolved', { remediation: pr().remediation, findings: [{ id: 'fnd_lodash_api' }] }, at(13)));
    expect(resolved).toMatchObject({ status: 'updated', issues: [{ key }] });
    const done = await h.issue(key);
    expect(done.fields.status.name).toBe('Done');
    expect(done.fields.resolution.name).toBe('Fixed');

    const reopened = await step('reopened', event('finding.reopened', { finding: finding() }, at(14)));
    expect(reopened).toMatchObject({ status: 'updated', issues: [{ key }] });
    const back = await h.issue(key);
    expect(back.fields.status.name).toBe('To Do');
    expect(back.fields.comment.comments).toHaveLength(4);

    const all = await h.issues();
    const mine = all.filter((i) => i.properties?.backline?.findingId === 'fnd_lodash_api');
    expect(mine).toHaveLength(1);
    expect(mine[0].remoteLinks).toHaveLength(1);
    expect(mine[0].properties!.backline).toMatchObject({ findingId: 'fnd_lodash_api', severity: 'high', remediationId: 'rem_42' });

    console.log('Jira requests per event (warm caches):', JSON.stringify(counts));
    expect(counts.created + counts.pr_opened + counts.pr_merged + counts.resolved).toBeLessThanOrEqual(6);
    expect(counts.created).toBe(1);

    // Redelivery: duplicate, with the first delivery's issues, and no Jira call.
    const before = h.counting.count;
    const again = await h.processor().process([{ ...(await Promise.resolve(event('remediation.pr_opened', { ...pr(), findings: [{ id: 'fnd_lodash_api' }] }, at(11), opened.eventId))) }], { deadlineAt: h.platform.clock.now() + 25_000 });
    expect(again[0]).toMatchObject({ status: 'duplicate', issues: [{ key }] });
    expect(h.counting.count).toBe(before);
    expect(await h.control('GET', '/_sim/violations')).toEqual([]);
  });

  it('20 parallel deliveries of one event create one issue; the others answer duplicate', async () => {
    const h = await setup();
    const e = event('finding.created', { finding: finding('fnd_par') });
    const results = await Promise.all(Array.from({ length: 20 }, () => h.processor().process([e], { deadlineAt: h.platform.clock.now() + 25_000 })));
    const statuses = results.map((r) => r[0].status).sort();
    expect(statuses.filter((s) => s === 'created')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(19);
    expect((await h.issues()).filter((i) => i.properties?.backline?.findingId === 'fnd_par')).toHaveLength(1);
  });

  it('concurrent different events about one new finding create one issue', async () => {
    const h = await setup();
    const events = [
      event('finding.created', { finding: finding('fnd_c') }, at(1)),
      event('finding.updated', { finding: finding('fnd_c', { severity: 'critical' }) }, at(2)),
      event('remediation.pr_opened', { ...pr(5), findings: [finding('fnd_c')] }, at(3)),
    ];
    const results = await Promise.all(events.map((e) => h.processor().process([e], { deadlineAt: h.platform.clock.now() + 25_000 })));
    expect(results.flat().filter((r) => r.status === 'created')).toHaveLength(1);
    const mine = (await h.issues()).filter((i) => i.properties?.backline?.findingId === 'fnd_c');
    expect(mine).toHaveLength(1);
    expect(mine[0].remoteLinks).toHaveLength(1);
  });

  it('an older event is stale: no field or status change, but a missing PR comment and link are added', async () => {
    const h = await setup();
    const [created] = await h.run(event('finding.created', { finding: finding('fnd_s') }, at(30)));
    const key = created.issues![0].key;
    const [old] = await h.run(event('finding.updated', { finding: finding('fnd_s', { title: 'Old title' }) }, at(20)));
    expect(old.status).toBe('stale');
    const [oldPr] = await h.run(event('remediation.pr_opened', { ...pr(7), findings: [{ id: 'fnd_s' }] }, at(25)));
    expect(oldPr.status).toBe('stale');
    const issue = await h.issue(key);
    expect(issue.fields.summary).toContain('Prototype Pollution');
    expect(issue.fields.status.name).toBe('To Do');
    expect(issue.fields.comment.comments).toHaveLength(1);
    const mine = (await h.issues()).find((i) => i.key === key)!;
    expect(mine.remoteLinks).toHaveLength(1);
  });

  it('finding.updated changes only mapped fields that changed, and an unchanged update costs no Jira call', async () => {
    const h = await setup();
    const [created] = await h.run(event('finding.created', { finding: finding('fnd_u') }, at(1)));
    const key = created.issues![0].key;
    const before = h.counting.count;
    const [same] = await h.run(event('finding.updated', { finding: finding('fnd_u') }, at(2)));
    expect(same.status).toBe('unchanged');
    expect(h.counting.count).toBe(before);
    const [changed] = await h.run(event('finding.updated', { finding: finding('fnd_u', { severity: 'critical' }) }, at(3)));
    expect(changed.status).toBe('updated');
    expect((await h.issue(key)).fields.priority.name).toBe('Highest');
  });

  it('reaches the target over several hops when the workflow has no direct transition', async () => {
    const h = await setup();
    const [created] = await h.run(event('finding.created', { finding: finding('fnd_hop') }, at(1)));
    const key = created.issues![0].key;
    // finding.resolved from To Do: To Do → In Progress → In Review → Done (resolution required on the last hop).
    const [resolved] = await h.run(event('finding.resolved', { finding: finding('fnd_hop'), reason: 'false_positive' }, at(2)));
    expect(resolved.status).toBe('updated');
    const issue = await h.issue(key);
    expect(issue.fields.status.name).toBe('Done');
    expect(issue.fields.resolution.name).toBe("Won't Fix");
    expect(issue.fields.comment.comments).toHaveLength(1);
  });

  it('reports TRANSITION_BLOCKED with a comment when no path exists', async () => {
    const h = await setup();
    const [created] = await h.run(event('finding.created', { finding: finding('fnd_blk') }, at(1)));
    const key = created.issues![0].key;
    await h.control('POST', '/_sim/workflow', { project: 'SEC', issueType: 'Vulnerability', removeTransition: 'Start progress' });
    const [opened] = await h.run(event('remediation.pr_opened', { ...pr(9), findings: [{ id: 'fnd_blk' }] }, at(2)));
    expect(opened.error?.code).toBe('TRANSITION_BLOCKED');
    const issue = await h.issue(key);
    expect(issue.fields.status.name).toBe('To Do');
    expect(JSON.stringify(issue.fields.comment.comments)).toContain('could not move');
  });

  it('re-creates a linked issue deleted in Jira', async () => {
    const h = await setup();
    const [created] = await h.run(event('finding.created', { finding: finding('fnd_del') }, at(1)));
    const key = created.issues![0].key;
    await h.control('POST', `/_sim/issues/${key}/delete`);
    const [updated] = await h.run(event('remediation.pr_opened', { ...pr(3), findings: [{ id: 'fnd_del' }] }, at(2)));
    expect(updated.status).toBe('created');
    expect(updated.issues![0].key).not.toBe(key);
    expect((await h.issues()).filter((i) => i.properties?.backline?.findingId === 'fnd_del')).toHaveLength(1);
  });

  it('recovers links from Jira when the app store is lost (no second issue)', async () => {
    const h = await setup();
    const [created] = await h.run(event('finding.created', { finding: finding('fnd_lost') }, at(1)));
    const key = created.issues![0].key;
    h.platform.store.clear();
    await (await import('../../../dev/demo-config')).seedDemoConfiguration(h.platform);
    const [again] = await h.run(event('finding.updated', { finding: finding('fnd_lost', { severity: 'low' }) }, at(2)));
    expect(again.issues![0].key).toBe(key);
    expect((await h.issues()).filter((i) => i.properties?.backline?.findingId === 'fnd_lost')).toHaveLength(1);
  });

  it('queues what Jira refuses (429 storm), and the consumer path applies it once', async () => {
    const h = await setup();
    await h.control('POST', '/_sim/faults', { status: 429, count: 10, retryAfter: 5 });
    const [queued] = await h.run(event('finding.created', { finding: finding('fnd_429') }, at(1)));
    expect(queued.status).toBe('queued');
    const consumer = (await import('../../../src/core/engine')).createAppConsumer(h.platform, { sleep: async () => undefined });
    const report = await h.platform.queue.drain((body, ctx) => consumer.handle(body, ctx), { clock: h.platform.clock });
    expect(report.failed).toEqual([]);
    const mine = (await h.issues()).filter((i) => i.properties?.backline?.findingId === 'fnd_429');
    expect(mine).toHaveLength(1);
  });

  it('5xx bursts are retried inline; nothing lost, one issue', async () => {
    const h = await setup();
    await h.control('POST', '/_sim/faults', { status: 503, count: 2 });
    const [result] = await h.run(event('finding.created', { finding: finding('fnd_5xx') }, at(1)));
    expect(result.status).toBe('created');
    expect((await h.issues()).filter((i) => i.properties?.backline?.findingId === 'fnd_5xx')).toHaveLength(1);
  });
});
