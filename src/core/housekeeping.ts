/**
 * The hourly scheduled trigger's work: a list of independent jobs. Each runs
 * in isolation (one failing never stops the others), because a Forge scheduled
 * trigger is not retried on error (docs/platform-limits.md "Runtime and manifest") and
 * may run twice: every job must be idempotent and cheap to repeat.
 */
import type { Platform } from './ports';
import { pruneExpiredSecret } from './secrets/signing-secret';
import { DEVOPS_HOUSEKEEPING_JOBS } from './devops/jobs';
import { FAILURE_HOUSEKEEPING_JOBS } from './failures/jobs';
import type { HousekeepingJob } from './housekeeping-job';
import { sweepDuplicatesJob } from './sync/duplicates';
import { releaseWaitingFindingsJob } from './waiting-findings-job';

export type { HousekeepingJob } from './housekeeping-job';

export interface HousekeepingReport {
  job: string;
  ok: boolean;
  summary: string;
}

/** Jobs in run order. Other features add theirs here (activity retention, drift checks …). */
export const HOUSEKEEPING_JOBS: HousekeepingJob[] = [
  {
    name: 'prune-expired-signing-secret',
    run: async (platform) => ((await pruneExpiredSecret(platform.secrets, platform.clock)) ? 'previous secret removed' : 'nothing to prune'),
  },
  // Activity retention (30 days), mapping drift check, failure digest: src/core/failures/jobs.ts.
  ...FAILURE_HOUSEKEEPING_JOBS,
  // At most one open issue per finding, even after Jira saved a write and answered an error (docs/sync.md "Duplicates").
  { name: 'heal-duplicate-issues', run: sweepDuplicatesJob },
  // One issue per remediation: a finding no remediation named within a day gets its own issue (docs/sync.md "Grouping").
  { name: 'release-waiting-findings', run: releaseWaitingFindingsJob },
  // Security tab and development panel sends kept after a failure (docs/security-tab.md).
  ...DEVOPS_HOUSEKEEPING_JOBS,
];

export async function runHousekeeping(platform: Platform, jobs: HousekeepingJob[] = HOUSEKEEPING_JOBS): Promise<HousekeepingReport[]> {
  const reports: HousekeepingReport[] = [];
  for (const job of jobs) {
    try {
      const summary = await job.run(platform);
      reports.push({ job: job.name, ok: true, summary });
      platform.logger.info('housekeeping: job done', { job: job.name, summary });
    } catch (error) {
      const summary = error instanceof Error ? `${error.name}: ${error.message}` : 'failed';
      reports.push({ job: job.name, ok: false, summary });
      platform.logger.error('housekeeping: job failed', { job: job.name, error: summary });
    }
  }
  return reports;
}
