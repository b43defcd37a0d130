/**
 * The mapping against the Jira simulator: create metadata read through the
 * app's JiraMetadata, configurations validated against it, and rendered create
 * bodies sent to POST /rest/api/3/issue, checked against the OpenAPI contract.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createJiraSimulator, SIM_FIELDS, SIM_ISSUE_TYPES, SIM_OPTIONS, SIM_USERS, type JiraSimulator } from '../../../dev/jira-sim';
import { DEMO_PROJECT_KEY, demoSecProjectConfig, seedDemoConfiguration } from '../../../dev/demo-config';
import type { FieldMapping, ProjectConfig } from '../../../src/core/config/model';
import { ConfigRepository } from '../../../src/core/config/repository';
import { validateProjectConfig, type ValidationExtras } from '../../../src/core/config/validate';
import { JiraMetadata } from '../../../src/core/jira/metadata';
import { type CreateMeta } from '../../../src/core/jira/create-meta';
import { renderIssueFields, UserDirectory } from '../../../src/core/mapping';
import { previewIssue } from '../../../src/core/mapping/preview';
import type { JiraTransport } from '../../../src/core/ports';
import { CountingTransport } from '../../../src/core/jira/http';
import { FakeClock, MemoryStore, makeTestPlatform, simControl, simTransport, SIM_BASE_URL } from '../../fakes';
import { lodashFinding } from '../../unit/mapping/fixtures';

const OPENAPI = [process.env.JIRA_OPENAPI, join(__dirname, '../../../../shared/jira/jira-platform-openapi.json')].find((p) => p && existsSync(p));

let sim: JiraSimulator;
let jira: CountingTransport;
let metadata: JiraMetadata;
let store: MemoryStore;
let clock: FakeClock;

beforeEach(() => {
  sim = createJiraSimulator({ baseUrl: SIM_BASE_URL, openapiPath: OPENAPI, log: () => undefined });
  jira = new CountingTransport(simTransport(sim));
  clock = new FakeClock();
  store = new MemoryStore({ clock });
  metadata = new JiraMetadata(jira, store, clock);
});

afterEach(async () => {
  expect(await simControl(sim, 'GET', '/_sim/violations')).toEqual([]);
});

async function extrasFor(projectKey: string, issueTypeId: string): Promise<ValidationExtras> {
  return {
    statuses: await metadata.getProjectStatuses(projectKey, issueTypeId),
    resolutions: await metadata.getResolutions(),
  };
}

async function create(transport: JiraTransport, fields: Record<string, unknown>) {
  return transport.request({ method: 'POST', path: '/rest/api/3/issue', body: { fields } });
}

describe('JiraMetadata over the simulator', () => {
  it('reads create metadata (paginated) with field types and allowed values, then serves it from cache', async () => {
    const meta = await metadata.getCreateMeta('SEC', SIM_ISSUE_TYPES.Vulnerability);
    expect(meta.projectId).toBe('10000');
    const severity = meta.fields.find((f) => f.fieldId === SIM_FIELDS.Severity)!;
    expect(severity).toMatchObject({ name: 'Severity', required: false, schema: { type: 'option', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:select' } });
    expect(severity.allowedValues?.map((v) => v.value)).toEqual(['Critical', 'High', 'Medium', 'Low', 'Info']);
    expect(meta.fields.find((f) => f.fieldId === 'summary')?.required).toBe(true);
    const calls = jira.count;
    await metadata.getCreateMeta('SEC', SIM_ISSUE_TYPES.Vulnerability);
    expect(jira.count).toBe(calls);
    // Another invocation (new object, same store) reads KVS, not Jira.
    await new JiraMetadata(jira, store, clock).getCreateMeta('SEC', SIM_ISSUE_TYPES.Vulnerability);
    expect(jira.count).toBe(calls);
    // After the TTL, or after invalidate, Jira is read again.
    clock.advance(25 * 60 * 60 * 1000);
    await new JiraMetadata(jira, store, clock).getCreateMeta('SEC', SIM_ISSUE_TYPES.Vulnerability);
    expect(jira.count).toBeGreaterThan(calls);
    const again = jira.count;
    await metadata.invalidate('SEC');
    await metadata.getCreateMeta('SEC', SIM_ISSUE_TYPES.Vulnerability);
    expect(jira.count).toBeGreaterThan(again);
  });

  it('lists issue types, projects, priorities, resolutions and statuses', async () => {
    expect((await metadata.listIssueTypes('SEC')).map((t) => t.name)).toEqual(['Task', 'Bug', 'Vulnerability']);
    expect((await metadata.listProjects()).map((p) => p.key)).toEqual(['APP', 'SEC']);
    // From create metadata (the priority field's allowed values): GET /priority/search needs a scope the app lacks.
    expect((await metadata.getPriorities('SEC')).map((p) => p.name)).toEqual(['Highest', 'High', 'Medium', 'Low', 'Lowest']);
    expect((await metadata.getPriorities('SEC', SIM_ISSUE_TYPES.Vulnerability)).map((p) => p.id)).toEqual(['1', '2', '3', '4', '5']);
    expect((await metadata.getResolutions()).map((r) => r.name)).toEqual(['Fixed', "Won't Fix", 'Duplicate', 'Done']);
    expect((await metadata.getProjectStatuses('SEC', SIM_ISSUE_TYPES.Vulnerability)).map((s) => s.name)).toEqual(['To Do', 'In Progress', 'In Review', 'Done']);
  });
});

describe('APP: a required field without a Backline source', () => {
  const appConfig = (meta: CreateMeta, team: FieldMapping | undefined): ProjectConfig => ({
    version: 1,
    projectKey: 'APP',
    projectId: meta.projectId,
    projectName: 'Applications',
    issueTypeId: SIM_ISSUE_TYPES.Bug,
    issueTypeName: 'Bug',
    enabled: true,
    fields: [
      { fieldId: 'summary', fieldName: 'Summary', sources: [{ kind: 'template', template: '[{{finding.severity}}] {{finding.title}}' }], writePolicy: 'sync' },
      { fieldId: 'description', fieldName: 'Description', sources: [{ kind: 'backline', path: 'finding.description' }], writePolicy: 'sync' },
      { fieldId: 'priority', fieldName: 'Priority', sources: [{ kind: 'backline', path: 'finding.severity', valueMap: { critical: 'Highest', high: 'High', medium: 'Medium', low: 'Low', info: 'Lowest' } }], writePolicy: 'sync' },
      ...(team ? [team] : []),
    ],
    statuses: {},
    resolutions: { fixed: 'Fixed', not_detected: 'Fixed', false_positive: "Won't Fix", accepted_risk: "Won't Fix" },
    minimumSeverity: 'info',
    recreateDeletedIssues: true,
    commentOnLifecycle: true,
  });
  const team: FieldMapping = { fieldId: SIM_FIELDS.Team, fieldName: 'Team', sources: [{ kind: 'jira', values: [{ id: SIM_OPTIONS.Team.Payments, label: 'Payments' }] }], writePolicy: 'create-only' };

  it('Team mapped to a value from Jira: validates, and the rendered body is accepted (201)', async () => {
    const meta = await metadata.getCreateMeta('APP', SIM_ISSUE_TYPES.Bug);
    const config = appConfig(meta, team);
    expect(validateProjectConfig(config, meta, await extrasFor('APP', SIM_ISSUE_TYPES.Bug))).toEqual([]);
    const rendered = renderIssueFields({ config, meta, context: { finding: lodashFinding() }, mode: 'create' });
    expect(rendered.problems).toEqual([]);
    const response = await create(jira, rendered.fields);
    expect(response.status).toBe(201);
    const key = (response.body as { key: string }).key;
    const issue = await jira.request({ method: 'GET', path: `/rest/api/3/issue/${key}?fields=${SIM_FIELDS.Team},priority` });
    expect(issue.body).toMatchObject({ fields: { [SIM_FIELDS.Team]: { id: SIM_OPTIONS.Team.Payments, value: 'Payments' }, priority: { name: 'High' } } });
  });

  it('without the Team mapping: validation names Team, and Jira would refuse the body', async () => {
    const meta = await metadata.getCreateMeta('APP', SIM_ISSUE_TYPES.Bug);
    const config = appConfig(meta, undefined);
    const problems = validateProjectConfig(config, meta, await extrasFor('APP', SIM_ISSUE_TYPES.Bug));
    expect(problems).toEqual([{ path: `fields.${SIM_FIELDS.Team}`, fieldId: SIM_FIELDS.Team, message: 'Team is required in APP/Bug: map it to a value from Jira, a Backline field or a manual value' }]);
    const rendered = renderIssueFields({ config, meta, context: { finding: lodashFinding() }, mode: 'create' });
    expect(rendered.problems.map((p) => p.fieldName)).toEqual(['Team']);
    const response = await create(jira, rendered.fields);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('Team');
  });
});

describe('the demo SEC configuration', () => {
  it('validates, and its rendered body is accepted with every mapped value stored', async () => {
    const meta = await metadata.getCreateMeta('SEC', SIM_ISSUE_TYPES.Vulnerability);
    const extras = await extrasFor('SEC', SIM_ISSUE_TYPES.Vulnerability);
    const config = demoSecProjectConfig(meta, extras.statuses);
    expect(validateProjectConfig(config, meta, extras)).toEqual([]);
    for (const severity of ['critical', 'high', 'medium', 'low', 'info'] as const) {
      const preview = previewIssue(config, meta, { finding: lodashFinding({ id: `fnd_${severity}`, severity, description: `# ${severity}\n\n[evil](javascript:alert(1)) and [ok](https://x.test)` }) });
      expect(preview.problems).toEqual([]);
      const response = await create(jira, preview.request.fields);
      expect(response.status).toBe(201);
    }
    const key = 'SEC-2'; // the second issue: severity high
    const issue = await jira.request({ method: 'GET', path: `/rest/api/3/issue/${key}` });
    expect(issue.body).toMatchObject({
      fields: {
        summary: '[high] Prototype Pollution in lodash',
        priority: { name: 'High' },
        labels: ['backline', 'sca'],
        duedate: '2026-12-28',
        [SIM_FIELDS.Severity]: { value: 'High' },
        [SIM_FIELDS.CVE]: 'CVE-2020-8203',
        [SIM_FIELDS.Repository]: 'acme/payments-api',
        [SIM_FIELDS.CVSS]: 7.4,
      },
    });
    expect(JSON.stringify(issue.body)).not.toContain('javascript:');
  });

  it('accepts a description over Jira’s limit once shortened', async () => {
    const meta = await metadata.getCreateMeta('SEC', SIM_ISSUE_TYPES.Vulnerability);
    const config = demoSecProjectConfig(meta, await metadata.getProjectStatuses('SEC', SIM_ISSUE_TYPES.Vulnerability));
    const long = Array.from({ length: 600 }, (_, i) => `Line ${i}: ${'details '.repeat(12)}`).join('\n\n');
    const rendered = renderIssueFields({ config, meta, context: { finding: lodashFinding({ description: long }) }, mode: 'create' });
    expect((await create(jira, rendered.fields)).status).toBe(201);
  });

  it('seedDemoConfiguration connects SEC once and never overwrites later changes', async () => {
    const platform = makeTestPlatform({ sim, clock, store });
    await seedDemoConfiguration(platform);
    const repo = new ConfigRepository(store, clock);
    const saved = await repo.getProject(DEMO_PROJECT_KEY);
    expect(saved).toMatchObject({ projectKey: 'SEC', projectName: 'Security', issueTypeName: 'Vulnerability', enabled: true });
    expect(saved!.fields).toHaveLength(9);
    await repo.saveProject({ ...saved!, minimumSeverity: 'high' });
    await seedDemoConfiguration(platform);
    expect((await new ConfigRepository(store, clock).getProject('SEC'))?.minimumSeverity).toBe('high');
  });

  it('seedDemoConfiguration does nothing on a site without SEC', async () => {
    const empty = createJiraSimulator({ baseUrl: SIM_BASE_URL, openapiPath: OPENAPI, log: () => undefined, seed: 'empty' });
    const platform = makeTestPlatform({ sim: empty, clock, store });
    await seedDemoConfiguration(platform);
    expect(await new ConfigRepository(store, clock).hasAnyProject()).toBe(false);
  });
});

describe('users from an email', () => {
  it('resolves finding.owner.email to an accountId with one cached search, and the issue is accepted', async () => {
    const meta = await metadata.getCreateMeta('SEC', SIM_ISSUE_TYPES.Task);
    const config: ProjectConfig = {
      ...demoSecProjectConfig(meta, []),
      issueTypeId: SIM_ISSUE_TYPES.Task,
      issueTypeName: 'Task',
      fields: [
        { fieldId: 'summary', fieldName: 'Summary', sources: [{ kind: 'backline', path: 'finding.title' }], writePolicy: 'sync' },
        { fieldId: SIM_FIELDS.Reviewer, fieldName: 'Reviewer', sources: [{ kind: 'backline', path: 'finding.owner.email' }], writePolicy: 'fill-if-empty' },
        { fieldId: SIM_FIELDS.Area, fieldName: 'Area', sources: [{ kind: 'manual', value: 'Backend/Queue' }], writePolicy: 'create-only' },
        { fieldId: SIM_FIELDS.Platforms, fieldName: 'Platforms', sources: [{ kind: 'manual', value: ['Linux', 'macOS'] }], writePolicy: 'sync' },
        { fieldId: SIM_FIELDS.DetectedAt, fieldName: 'Detected at', sources: [{ kind: 'backline', path: 'finding.firstSeenAt' }], writePolicy: 'create-only' },
        { fieldId: SIM_FIELDS.Notes, fieldName: 'Notes', sources: [{ kind: 'template', template: 'Fixed in **{{finding.package.fixedVersion}}**' }], writePolicy: 'sync' },
        { fieldId: 'components', fieldName: 'Components', sources: [{ kind: 'manual', value: ['API'] }], writePolicy: 'fill-if-empty' },
      ],
    };
    const context = { finding: lodashFinding({ owner: { email: SIM_USERS.secAdmin.emailAddress.toUpperCase() }, firstSeenAt: '2026-11-27T08:00:00Z' }) };
    const users = new UserDirectory(jira, store, clock);
    const resolved = await users.resolveFor(config, meta, context);
    expect(resolved).toEqual({ [SIM_USERS.secAdmin.emailAddress]: SIM_USERS.secAdmin.accountId });
    const before = jira.count;
    await new UserDirectory(jira, store, clock).resolveFor(config, meta, context);
    expect(jira.count).toBe(before);
    const rendered = renderIssueFields({ config, meta, context, mode: 'create', users: resolved });
    expect(rendered.problems).toEqual([]);
    const response = await create(jira, rendered.fields);
    expect(response.status).toBe(201);
  });
});
