/**
 * The Jira simulator (dev/jira-sim, owned by the simulator engineer) as the
 * runtime creates it: in process, at `<runtime>/jira`, on the runtime's clock.
 */
import { createJiraSimulator, type JiraSimulator, type JiraSimulatorOptions } from '../jira-sim';

export type { JiraSimulator } from '../jira-sim';
export type SimulatorOptions = JiraSimulatorOptions;

export function createSimulator(options: SimulatorOptions): JiraSimulator {
  return createJiraSimulator(options);
}
