/**
 * Forge scheduled trigger `backline-housekeeping` → core housekeeping.
 *
 * Forge expects a scheduled trigger function to answer in the web trigger's
 * response shape (`statusCode`, `headers` as string arrays, string `body`);
 * anything else, `undefined` included, is recorded as a failed invocation with
 * 424 Failed dependency (docs/platform-limits.md "Runtime and manifest"). The
 * status says whether every job succeeded (Forge does not retry either way);
 * the body lists each job's summary, which never holds secrets.
 */
import { runHousekeeping } from '../../core/housekeeping';
import { forgePlatform } from '../adapters/platform';

export interface ScheduledTriggerResponse {
  statusCode: number;
  headers: Record<string, string[]>;
  body: string;
}

export const housekeeping = async (): Promise<ScheduledTriggerResponse> => {
  const reports = await runHousekeeping(forgePlatform());
  const failed = reports.filter((report) => !report.ok).length;
  return {
    statusCode: failed === 0 ? 200 : 500,
    headers: { 'Content-Type': ['application/json'] },
    body: JSON.stringify({ jobs: reports, failed }),
  };
};
