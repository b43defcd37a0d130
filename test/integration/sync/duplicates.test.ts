/**
 * Duplicates heal (docs/sync.md "Duplicates"): two issues for one finding, made
 * the way Jira makes them (the link lost, the finding created again), end as one
 * open issue, the oldest; the other is resolved as Duplicate, linked to the
 * survivor and no longer found by the finding's searches; the link store points
 * at the survivor; Activity says so.
 */
import { runHousekeeping } from '../../../src/core/housekeeping';
import { ACTIVITY_ENTITY } from '../../../src/core/sync/activity';
import { findingClaimKey } from '../../../src/core/sync/idempotency';
import { LINK_ENTITY, LinkStore } from '../../../src/core/sync/links';
import { SEARCH_LAG_ALLOWANCE_MS } from '../../../src/core/sync/recovery';
import { event, finding, setup } from './harness';

type Harness = Awaited<ReturnType<typeof setup>>;

/**
 * A second issue for `findingId`: the link is lost with its claim (a store restored from before the
 * finding) and the finding arrives again as new. (A link lost alone leaves its claim done at the version
 * the link is back at: the next event then looks the finding up in Jira first: claims.test.ts.)
 */
async function duplicate(h: Harness, findingId: string): Promise<{ first: string; second: string }> {
  const [created] = await h.run(event('finding.created', { finding: finding(findingId) }));
  await h.platform.store.entityDelete(LINK_ENTITY, findingId);
  await h.platform.store.delete(findingClaimKey(findingId, 0));
  const [again] = await h.run(event('finding.updated', { finding: finding(findingId, { severity: 'critical' }) }));
  const first = created?.issues?.[0]?.key ?? '';
  const second = again?.issues?.[0]?.key ?? '';
  expect(first).not.toBe(second);
  return { first, second };
}

const byFinding = async (h: Harness, findingId: string) => (await h.issues()).filter((issue) => issue.properties?.backline?.findingId === findingId);

async function expectHealed(h: Harness, findingId: string, survivor: string, healed: string): Promise<void> {
  expect((await byFinding(h, findingId)).map((issue) => issue.key)).toEqual([survivor]);
  const gone = (await h.issues()).find((issue) => issue.key === healed);
  expect(gone?.properties?.backline).toEqual({ duplicateOf: survivor, duplicateOfFindingId: findingId });
  expect(gone?.remoteLinks).toEqual([expect.objectContaining({ object: expect.objectContaining({ url: `https://acme.atlassian.net/browse/${survivor}` }) })]);
  const fields = (await h.issue(healed)).fields;
  expect(fields.resolution?.name).toBe('Duplicate');
  expect(fields.status.name).toBe('Done');
  expect(JSON.stringify(fields.comment.comments)).toContain(`duplicates ${survivor}`);
  expect((await new LinkStore(h.platform.store).get(findingId))?.issueKey).toBe(survivor);
  const entries = (await h.platform.store.entityQuery<{ findingId: string; details: { type: string; issueKey?: string } }>(ACTIVITY_ENTITY, { index: 'at', range: { op: 'greaterThan', value: 0 }, limit: 100 })).items;
  expect(entries.map((entry) => entry.value)).toContainEqual(expect.objectContaining({ findingId, details: expect.objectContaining({ type: 'duplicates.healed', issueKey: survivor }) }));
}

describe('duplicates heal', () => {
  it('the hourly sweep keeps the oldest issue and resolves the other as Duplicate; a second sweep changes nothing', async () => {
    const h = await setup();
    const { first, second } = await duplicate(h, 'fnd_dup_sweep');
    await h.run(event('finding.created', { finding: finding('fnd_single') }));
    const reports = await runHousekeeping(h.platform);
    expect(reports).toContainEqual({ job: 'heal-duplicate-issues', ok: true, summary: '1 finding(s) with duplicates; 1 duplicate(s) resolved' });
    await expectHealed(h, 'fnd_dup_sweep', first, second);
    expect(await byFinding(h, 'fnd_single')).toHaveLength(1);
    const before = h.sim.log.length;
    expect(await runHousekeeping(h.platform)).toContainEqual({ job: 'heal-duplicate-issues', ok: true, summary: '0 finding(s) with duplicates; 0 duplicate(s) resolved' });
    // The healed duplicate no longer matches the finding's searches: the next sweep writes nothing to Jira.
    const writes = h.sim.log.slice(before).filter((entry) => entry.method !== 'GET' && !entry.path.endsWith('/search/jql'));
    expect(writes).toEqual([]);
  });

  it('recovery that finds two issues heals them at once and applies the event to the survivor', async () => {
    const h = await setup();
    const { first, second } = await duplicate(h, 'fnd_dup_recover');
    // A delivery that may have created an issue without recording it (long ago: the search has caught up).
    await h.platform.store.entityDelete(LINK_ENTITY, 'fnd_dup_recover');
    await h.platform.store.set(findingClaimKey('fnd_dup_recover', 0), { token: 'lost', at: h.platform.clock.now(), recover: true, writtenAt: h.platform.clock.now() - SEARCH_LAG_ALLOWANCE_MS });
    const [result] = await h.run(event('finding.updated', { finding: finding('fnd_dup_recover', { severity: 'low' }) }));
    expect(result).toMatchObject({ status: 'updated', issues: [{ key: first }] });
    await expectHealed(h, 'fnd_dup_recover', first, second);
  });
});
