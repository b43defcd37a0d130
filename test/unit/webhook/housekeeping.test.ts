import { runHousekeeping, type HousekeepingJob } from '../../../src/core/housekeeping';
import { acceptedSigningSecrets, ensureSigningSecret, rotateSigningSecret, ROTATION_GRACE_MS } from '../../../src/core/secrets/signing-secret';
import { makeTestPlatform, RecordingLogger } from '../../fakes';

describe('runHousekeeping', () => {
  it('prunes the expired previous signing secret', async () => {
    const platform = makeTestPlatform();
    await ensureSigningSecret(platform.secrets, platform.clock);
    const fresh = await rotateSigningSecret(platform.secrets, platform.clock);
    platform.clock.advance(ROTATION_GRACE_MS + 1);
    const reports = await runHousekeeping(platform);
    expect(reports).toContainEqual({ job: 'prune-expired-signing-secret', ok: true, summary: 'previous secret removed' });
    expect(await acceptedSigningSecrets(platform.secrets, platform.clock)).toEqual([fresh]);
  });

  it('runs every job even when one fails, and reports which', async () => {
    const logger = new RecordingLogger();
    const platform = makeTestPlatform({ logger });
    const ran: string[] = [];
    const jobs: HousekeepingJob[] = [
      { name: 'a', run: async () => (ran.push('a'), 'done') },
      { name: 'b', run: async () => { throw new Error('KVS unavailable'); } },
      { name: 'c', run: async () => (ran.push('c'), 'done') },
    ];
    const reports = await runHousekeeping(platform, jobs);
    expect(ran).toEqual(['a', 'c']);
    expect(reports.map((r) => [r.job, r.ok])).toEqual([['a', true], ['b', false], ['c', true]]);
    expect(reports[1]?.summary).toContain('KVS unavailable');
  });
});
