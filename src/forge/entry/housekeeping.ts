/** Forge scheduled trigger `backline-housekeeping` → core housekeeping. */
import { runHousekeeping } from '../../core/housekeeping';
import { forgePlatform } from '../adapters/platform';

export const housekeeping = async (): Promise<void> => {
  await runHousekeeping(forgePlatform());
};
