/**
 * This feature's housekeeping job (src/core/housekeeping.ts runs it on the
 * hourly scheduled trigger): the Security tab and development panel sends kept
 * after a failure (outbox.ts) go again, so an outage that no later event
 * follows still ends with Jira showing Backline's state.
 */
import type { HousekeepingJob } from '../housekeeping-job';
import { switchesOf } from './hook';
import { DevopsSender } from './sender';

export const DEVOPS_HOUSEKEEPING_JOBS: HousekeepingJob[] = [
  {
    name: 'devops-retry-kept-sends',
    run: async (platform) => {
      // Retrying sends nothing new, so no project's switches are asked.
      const sender = new DevopsSender({ jira: platform.jira, store: platform.store, clock: platform.clock, logger: platform.logger, switches: async () => switchesOf(undefined) });
      const report = await sender.retryKeptSends();
      if (!report) return 'nothing kept';
      return `${report.sent} kept request(s) sent, ${report.kept} still kept, ${report.givenUp} given up`;
    },
  },
];
