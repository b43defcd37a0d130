/**
 * The Jira Cloud simulator: a stateful in-memory Jira Cloud site for local runs
 * and tests (`../shared/spec/local-runtime.md`, "The Jira Cloud simulator").
 * See `README.md` in this folder.
 */
import { JiraSimulator, type JiraSimulatorOptions } from './simulator';

export { JiraSimulator, SIM_ACCOUNT_HEADER, simulatorsCreated, type JiraSimulatorOptions } from './simulator';
export { startJiraSimulatorServer, toFetchRequest, writeFetchResponse, type JiraSimulatorServer } from './server';
export {
  SIM_USERS, SIM_PROJECTS, SIM_ISSUE_TYPES, SIM_STATUSES, SIM_TRANSITIONS, SIM_PRIORITIES, SIM_RESOLUTIONS,
  SIM_COMPONENTS, SIM_FIELDS, SIM_OPTIONS, SIM_WORKFLOW_IDS,
} from './seed';
export { OpenApiContract } from './openapi';
export type { Stats, Violation, Fault, RequestLogEntry } from './control';
export type { SimIssue, SimData, AdfDoc } from './types';

/** Creates a simulator; mount `handle()` under `options.baseUrl`. */
export function createJiraSimulator(options: JiraSimulatorOptions): JiraSimulator {
  return new JiraSimulator(options);
}
