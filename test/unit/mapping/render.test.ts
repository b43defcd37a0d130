import { demoSecProjectConfig } from '../../../dev/demo-config';
import type { ProjectConfig } from '../../../src/core/config/model';
import { previewIssue } from '../../../src/core/mapping/preview';
import { renderIssueFields, valueFingerprint } from '../../../src/core/mapping';
import { SIM_FIELDS, SIM_ISSUE_TYPES, SIM_OPTIONS } from '../../../dev/jira-sim/seed';
import { appBugMeta, lodashFinding, SEC_STATUSES, secTaskMeta, secVulnerabilityMeta } from './fixtures';

const meta = secVulnerabilityMeta();
const config = demoSecProjectConfig(meta, SEC_STATUSES);

describe('renderIssueFields with the demo SEC configuration', () => {
  it('renders the create body the demo promises', () => {
    const result = renderIssueFields({ config, meta, context: { finding: lodashFinding() }, mode: 'create' });
    expect(result.problems).toEqual([]);
    expect(result.fields).toEqual({
      project: { id: '10000' },
      issuetype: { id: SIM_ISSUE_TYPES.Vulnerability },
      summary: '[high] Prototype Pollution in lodash',
      description: expect.objectContaining({ type: 'doc', version: 1 }),
      priority: { id: '2' },
      labels: ['backline', 'sca'],
      [SIM_FIELDS.Severity]: { id: SIM_OPTIONS.Severity.High },
      [SIM_FIELDS.CVE]: 'CVE-2020-8203',
      [SIM_FIELDS.Repository]: 'acme/payments-api',
      [SIM_FIELDS.CVSS]: 7.4,
      duedate: '2026-12-28',
    });
  });

  it('maps every severity to its priority and Severity option', () => {
    const expected = { critical: ['1', 'Critical'], high: ['2', 'High'], medium: ['3', 'Medium'], low: ['4', 'Low'], info: ['5', 'Info'] } as const;
    for (const [severity, [priorityId, option]] of Object.entries(expected)) {
      const { fields } = renderIssueFields({ config, meta, context: { finding: lodashFinding({ severity: severity as never }) }, mode: 'create' });
      expect(fields.priority).toEqual({ id: priorityId });
      expect(fields[SIM_FIELDS.Severity]).toEqual({ id: SIM_OPTIONS.Severity[option] });
    }
  });

  it('joins several CVE ids with commas', () => {
    const { fields } = renderIssueFields({ config, meta, context: { finding: lodashFinding({ cveIds: ['CVE-1', 'CVE-2'] }) }, mode: 'create' });
    expect(fields[SIM_FIELDS.CVE]).toBe('CVE-1, CVE-2');
  });

  it('leaves out fields whose Backline value is missing (nothing to write)', () => {
    const finding = { id: 'f1', title: 'Hard-coded secret', severity: 'critical' as const };
    const result = renderIssueFields({ config, meta, context: { finding }, mode: 'create' });
    expect(result.problems).toEqual([]);
    expect(Object.keys(result.fields).sort()).toEqual(['issuetype', 'labels', 'priority', 'project', SIM_FIELDS.Severity, 'summary'].sort());
    expect(result.byField.find((f) => f.fieldId === 'duedate')).toEqual({ fieldId: 'duedate', fieldName: 'Due date', policy: 'sync', value: undefined });
  });

  it('update mode: no project/issue type, create-only fields have nothing to write', () => {
    const result = renderIssueFields({ config, meta, context: { finding: lodashFinding() }, mode: 'update' });
    expect(result.fields.project).toBeUndefined();
    expect(result.fields.issuetype).toBeUndefined();
    expect(result.fields.labels).toBeUndefined();
    expect(result.byField.find((f) => f.fieldId === 'labels')).toMatchObject({ policy: 'create-only', value: undefined });
    expect(result.byField.find((f) => f.fieldId === 'summary')).toMatchObject({ policy: 'sync', value: '[high] Prototype Pollution in lodash' });
  });

  it('write-policy inputs: fingerprints change exactly when the value changes', () => {
    const a = renderIssueFields({ config, meta, context: { finding: lodashFinding() }, mode: 'update' });
    const b = renderIssueFields({ config, meta, context: { finding: lodashFinding({ description: 'changed' }) }, mode: 'update' });
    const fp = (r: typeof a, id: string) => valueFingerprint(r.byField.find((f) => f.fieldId === id)?.value);
    expect(fp(a, 'summary')).toBe(fp(b, 'summary'));
    expect(fp(a, 'description')).not.toBe(fp(b, 'description'));
  });
});

describe('ordered sources on a one-value field: the first whose value converts wins', () => {
  const appMeta = appBugMeta();
  const teamConfig: ProjectConfig = {
    ...config,
    projectKey: 'APP',
    projectId: '10001',
    issueTypeId: SIM_ISSUE_TYPES.Bug,
    issueTypeName: 'Bug',
    fields: [
      ...config.fields.filter((f) => f.fieldId === 'summary'),
      {
        fieldId: SIM_FIELDS.Team,
        fieldName: 'Team',
        sources: [
          { kind: 'backline', path: 'finding.owner.team' },
          { kind: 'jira', values: [{ id: SIM_OPTIONS.Team.Payments, label: 'Payments' }] },
        ],
        writePolicy: 'create-only',
      },
    ],
  };
  const team = (owner: Record<string, string> | undefined) =>
    renderIssueFields({ config: teamConfig, meta: appMeta, context: { finding: { ...lodashFinding(), ...(owner ? { owner } : {}) } }, mode: 'create' });

  it('takes the finding’s team when it names an option', () => {
    const result = team({ team: 'identity' });
    expect(result.problems).toEqual([]);
    expect(result.fields[SIM_FIELDS.Team]).toEqual({ id: SIM_OPTIONS.Team.Identity });
  });

  it('falls back to the next source when the finding has no team, or a team Jira has no option for', () => {
    expect(team(undefined).fields[SIM_FIELDS.Team]).toEqual({ id: SIM_OPTIONS.Team.Payments });
    const unknownTeam = team({ team: 'Marketing' });
    expect(unknownTeam.problems).toEqual([]);
    expect(unknownTeam.fields[SIM_FIELDS.Team]).toEqual({ id: SIM_OPTIONS.Team.Payments });
  });

  it('reports the first source’s problem when no source converts', () => {
    const noFallback: ProjectConfig = { ...teamConfig, fields: teamConfig.fields.map((f) => (f.fieldId === SIM_FIELDS.Team ? { ...f, sources: f.sources.slice(0, 1) } : f)) };
    const result = renderIssueFields({ config: noFallback, meta: appMeta, context: { finding: { ...lodashFinding(), owner: { team: 'Marketing' } } }, mode: 'create' });
    expect(result.problems.map((p) => p.message).join('\n')).toContain('"Marketing" is not an allowed value of Team');
  });
});

describe('problems', () => {
  it('a required field without a mapping is named with what to do', () => {
    const appMeta = appBugMeta();
    const appConfig: ProjectConfig = { ...config, projectKey: 'APP', projectId: '10001', issueTypeId: SIM_ISSUE_TYPES.Bug, issueTypeName: 'Bug', fields: config.fields.filter((f) => f.fieldId === 'summary') };
    const result = renderIssueFields({ config: appConfig, meta: appMeta, context: { finding: lodashFinding() }, mode: 'create' });
    expect(result.problems).toEqual([
      { fieldId: SIM_FIELDS.Team, fieldName: 'Team', message: 'Team is required in APP/Bug: map it to a value from Jira, a Backline field or a manual value' },
    ]);
  });

  it('a mapped field no longer on the screen, and a value Jira does not allow, are reported; the rest renders', () => {
    const broken: ProjectConfig = {
      ...config,
      fields: [
        ...config.fields,
        { fieldId: 'customfield_99999', fieldName: 'Old field', sources: [{ kind: 'manual', value: 'x' }], writePolicy: 'sync' },
        { fieldId: 'components', fieldName: 'Components', sources: [{ kind: 'manual', value: 'Backend' }], writePolicy: 'fill-if-empty' },
      ],
    };
    const result = renderIssueFields({ config: broken, meta, context: { finding: lodashFinding() }, mode: 'create' });
    expect(result.problems.map((p) => p.fieldName)).toEqual(['Old field', 'Components']);
    expect(result.problems[0].message).toContain('not on the create screen of SEC/Vulnerability');
    expect(result.problems[1].message).toContain('"Backend" is not an allowed value of Components');
    expect(result.fields.summary).toBeDefined();
    expect(result.fields.components).toBeUndefined();
  });

  it('a required field mapped from a missing Backline value asks for a fallback; a second source is the fallback', () => {
    const appMeta = appBugMeta();
    const base: ProjectConfig = { ...config, projectKey: 'APP', projectId: '10001', issueTypeId: SIM_ISSUE_TYPES.Bug, issueTypeName: 'Bug', fields: [config.fields[0]] };
    const team = (sources: ProjectConfig['fields'][number]['sources']): ProjectConfig => ({ ...base, fields: [...base.fields, { fieldId: SIM_FIELDS.Team, fieldName: 'Team', sources, writePolicy: 'sync' }] });
    const without = renderIssueFields({ config: team([{ kind: 'backline', path: 'finding.owner.team' }]), meta: appMeta, context: { finding: lodashFinding() }, mode: 'create' });
    expect(without.problems[0].message).toContain('Team is required in APP/Bug but its mapping gave no value');
    const withFallback = renderIssueFields({
      config: team([{ kind: 'backline', path: 'finding.owner.team' }, { kind: 'jira', values: [{ id: SIM_OPTIONS.Team.Payments, label: 'Payments' }] }]),
      meta: appMeta,
      context: { finding: lodashFinding() },
      mode: 'create',
    });
    expect(withFallback.problems).toEqual([]);
    expect(withFallback.fields[SIM_FIELDS.Team]).toEqual({ id: SIM_OPTIONS.Team.Payments });
    const fromOwner = renderIssueFields({
      config: team([{ kind: 'backline', path: 'finding.owner.team' }, { kind: 'jira', values: [{ id: SIM_OPTIONS.Team.Payments, label: 'Payments' }] }]),
      meta: appMeta,
      context: { finding: lodashFinding({ owner: { team: 'identity' } }) },
      mode: 'create',
    });
    expect(fromOwner.fields[SIM_FIELDS.Team]).toEqual({ id: SIM_OPTIONS.Team.Identity });
  });
});

describe('other sources', () => {
  it('user fields from an email through resolved users; remediation and pull request paths', () => {
    const taskMeta = secTaskMeta();
    const taskConfig: ProjectConfig = {
      ...config,
      issueTypeId: SIM_ISSUE_TYPES.Task,
      issueTypeName: 'Task',
      fields: [
        { fieldId: 'summary', fieldName: 'Summary', sources: [{ kind: 'template', template: '{{remediation.title}} ({{pullRequest.url}})' }], writePolicy: 'sync' },
        { fieldId: SIM_FIELDS.Reviewer, fieldName: 'Reviewer', sources: [{ kind: 'backline', path: 'finding.owner.email' }], writePolicy: 'fill-if-empty' },
        { fieldId: SIM_FIELDS.Platforms, fieldName: 'Platforms', sources: [{ kind: 'backline', path: 'finding.tags' }], writePolicy: 'sync' },
      ],
    };
    const result = renderIssueFields({
      config: taskConfig,
      meta: taskMeta,
      context: { finding: lodashFinding({ owner: { email: 'Sam.Security@example.com' }, tags: ['linux', 'windows'] }), remediation: { id: 'rem_1', title: 'Upgrade lodash' }, pullRequest: { url: 'https://github.com/acme/p/pull/1' } },
      mode: 'create',
      users: { 'sam.security@example.com': '557058:sim-sec-admin' },
    });
    expect(result.problems).toEqual([]);
    expect(result.fields.summary).toBe('Upgrade lodash (https://github.com/acme/p/pull/1)');
    expect(result.fields[SIM_FIELDS.Reviewer]).toEqual({ accountId: '557058:sim-sec-admin' });
    expect(result.fields[SIM_FIELDS.Platforms]).toEqual([{ id: SIM_OPTIONS.Platforms.Linux }, { id: SIM_OPTIONS.Platforms.Windows }]);
  });
});

describe('valueFingerprint', () => {
  it('is stable across key order and short', () => {
    expect(valueFingerprint({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(valueFingerprint({ b: [1, { d: 3, c: 2 }], a: 1 }));
    expect(valueFingerprint({ id: '1' })).toMatch(/^[0-9a-f]{12}$/);
    expect(valueFingerprint({ id: '1' })).not.toBe(valueFingerprint({ id: '2' }));
    expect(valueFingerprint(['a', 'b'])).not.toBe(valueFingerprint(['b', 'a']));
  });
});

describe('previewIssue', () => {
  it('answers the exact create body and the problems, and adds properties when given', () => {
    const preview = previewIssue(config, meta, { finding: lodashFinding() }, { properties: [{ key: 'backline', value: { findingId: 'fnd_lodash_api' } }] });
    expect(preview.request.fields).toEqual(renderIssueFields({ config, meta, context: { finding: lodashFinding() }, mode: 'create' }).fields);
    expect(preview.request.properties).toEqual([{ key: 'backline', value: { findingId: 'fnd_lodash_api' } }]);
    expect(preview.problems).toEqual([]);
  });
});
