/**
 * One job of the scheduled housekeeping trigger (src/core/housekeeping.ts lists
 * them). Its own file so that features can define jobs without importing the
 * list that includes them.
 */
import type { Platform } from './ports';

export interface HousekeepingJob {
  name: string;
  /** Answers a short summary for the log (never secrets). */
  run(platform: Platform): Promise<string>;
}
