/** Set-up for the admin resolver tests: the simulator's demo site, a test platform, and callers as the simulator's users. */
import { createJiraSimulator, SIM_ISSUE_TYPES, SIM_OPTIONS, SIM_FIELDS, SIM_USERS, type JiraSimulator } from '../../../dev/jira-sim';
import { seedDemoConfiguration } from '../../../dev/demo-config';
import { DEFAULT_RESOLUTIONS, type ProjectConfig } from '../../../src/core/config/model';
import type { AdminCaller } from '../../../src/core/admin/access';
import { dispatchAdminCall } from '../../../src/core/admin/dispatch';
import type { JiraRequest, JiraTransport } from '../../../src/core/ports';
import type { PayloadOf, ResolverKey } from '../../../src/shared/contracts/admin';
import { SIM_BASE_URL, makeTestPlatform, simTransport, type TestPlatform } from '../../fakes';

export const WEBTRIGGER_URL = 'https://example.test/x/backline-events';

/** Records what the app asks Jira *as the app*: a refused caller must cause none of it. */
export class RecordingTransport implements JiraTransport {
  readonly requests: JiraRequest[] = [];
  constructor(private readonly inner: JiraTransport) {}
  request(request: JiraRequest) {
    this.requests.push(request);
    return this.inner.request(request);
  }
}

export interface AdminHarness {
  sim: JiraSimulator;
  platform: TestPlatform;
  appJira: RecordingTransport;
  as(user: keyof typeof SIM_USERS): AdminCaller;
  call<K extends ResolverKey>(user: keyof typeof SIM_USERS, key: K, payload: PayloadOf<K> | Record<string, unknown>): ReturnType<typeof dispatchAdminCall<K>>;
}

export async function adminHarness(): Promise<AdminHarness> {
  const sim = createJiraSimulator({ baseUrl: SIM_BASE_URL, log: () => undefined });
  const appJira = new RecordingTransport(simTransport(sim));
  const platform = makeTestPlatform({ jira: appJira, siteUrl: SIM_BASE_URL });
  await seedDemoConfiguration(platform);
  appJira.requests.length = 0;
  const as = (user: keyof typeof SIM_USERS): AdminCaller => ({ accountId: SIM_USERS[user].accountId, jiraAsUser: simTransport(sim, SIM_USERS[user].accountId) });
  return {
    sim,
    platform,
    appJira,
    as,
    call: (user, key, payload) => dispatchAdminCall(key, payload, platform, as(user), { webTriggerUrl: async () => WEBTRIGGER_URL }),
  };
}

/** A valid configuration of APP/Bug, including its required "Team" field (a value from Jira). */
export function appConfig(overrides: Partial<ProjectConfig> = {}): ProjectConfig {
  return {
    version: 1,
    projectKey: 'APP',
    projectId: '10001',
    projectName: 'Applications',
    issueTypeId: SIM_ISSUE_TYPES.Bug,
    issueTypeName: 'Bug',
    enabled: true,
    fields: [
      { fieldId: 'summary', fieldName: 'Summary', sources: [{ kind: 'template', template: '[{{finding.severity}}] {{finding.title}}' }], writePolicy: 'sync' },
      { fieldId: 'description', fieldName: 'Description', sources: [{ kind: 'backline', path: 'finding.description' }], writePolicy: 'sync' },
      {
        fieldId: 'priority',
        fieldName: 'Priority',
        sources: [{ kind: 'backline', path: 'finding.severity', valueMap: { critical: 'Highest', high: 'High', medium: 'Medium', low: 'Low', info: 'Lowest' } }],
        writePolicy: 'fill-if-empty',
      },
      { fieldId: SIM_FIELDS.Team, fieldName: 'Team', sources: [{ kind: 'jira', values: [{ id: SIM_OPTIONS.Team.Payments, label: 'Payments' }] }], writePolicy: 'create-only' },
    ],
    statuses: {},
    resolutions: { ...DEFAULT_RESOLUTIONS },
    minimumSeverity: 'info',
    recreateDeletedIssues: true,
    commentOnLifecycle: true,
    ...overrides,
  };
}
