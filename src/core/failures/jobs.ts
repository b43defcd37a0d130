/**
 * This feature's housekeeping jobs (src/core/housekeeping.ts runs them on the
 * hourly scheduled trigger). Each is idempotent and bounded: a scheduled
 * trigger is not retried and may run twice (docs/platform-limits.md "Runtime and manifest").
 */
import type { HousekeepingJob } from '../housekeeping-job';
import { pruneActivity } from './activity';
import { checkDrift } from './drift';
import { Notifier } from './notifications';

export const FAILURE_HOUSEKEEPING_JOBS: HousekeepingJob[] = [
  {
    name: 'prune-activity',
    run: async (platform) => `${await pruneActivity(platform.store, platform.clock.now())} activity entries older than 30 days removed`,
  },
  {
    name: 'mapping-drift-check',
    run: async (platform) => {
      const reports = await checkDrift(platform);
      const attention = reports.filter((r) => r.problems.length > 0).map((r) => r.projectKey);
      const failed = reports.filter((r) => r.error).map((r) => r.projectKey);
      return `${reports.length} project(s) checked${attention.length ? `; needs attention: ${attention.join(', ')}` : ''}${failed.length ? `; could not check: ${failed.join(', ')}` : ''}`;
    },
  },
  {
    name: 'failure-digest',
    run: async (platform) => `${await new Notifier(platform).sendDigest()} persisting kind(s) of failure in the digest`,
  },
];
