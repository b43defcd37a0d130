import { demoSecProjectConfig } from '../../../dev/demo-config';
import type { FieldMapping, GlobalSettings, ProjectConfig } from '../../../src/core/config/model';
import { validateProjectConfig, type ValidationExtras } from '../../../src/core/config/validate';
import { validateGlobalSettings } from '../../../src/core/config/validate-routing';
import { SIM_FIELDS, SIM_ISSUE_TYPES, SIM_OPTIONS, SIM_STATUSES } from '../../../dev/jira-sim/seed';
import { appBugMeta, RESOLUTIONS, SEC_STATUSES, secTaskMeta, secVulnerabilityMeta } from '../mapping/fixtures';

const meta = secVulnerabilityMeta();
const extras: ValidationExtras = { statuses: SEC_STATUSES, resolutions: RESOLUTIONS };
const demo = (): ProjectConfig => demoSecProjectConfig(meta, SEC_STATUSES);
const withField = (config: ProjectConfig, mapping: FieldMapping): ProjectConfig => ({ ...config, fields: [...config.fields.filter((f) => f.fieldId !== mapping.fieldId), mapping] });
const messages = (config: ProjectConfig, m = meta, e = extras) => validateProjectConfig(config, m, e).map((p) => `${p.path}: ${p.message}`);

const appConfig = (fields: FieldMapping[]): ProjectConfig => ({
  ...demo(),
  projectKey: 'APP',
  projectId: '10001',
  projectName: 'Applications',
  issueTypeId: SIM_ISSUE_TYPES.Bug,
  issueTypeName: 'Bug',
  fields,
});
const summary: FieldMapping = { fieldId: 'summary', fieldName: 'Summary', sources: [{ kind: 'template', template: '{{finding.title}}' }], writePolicy: 'sync' };
const priority: FieldMapping = { fieldId: 'priority', fieldName: 'Priority', sources: [{ kind: 'backline', path: 'finding.severity', valueMap: { critical: 'Highest', high: 'High', medium: 'Medium', low: 'Low', info: 'Lowest' } }], writePolicy: 'sync' };

describe('validateProjectConfig', () => {
  it('the demo SEC configuration is valid', () => {
    expect(messages(demo())).toEqual([]);
  });

  it('a required field without a mapping is named, with what to do', () => {
    const problems = validateProjectConfig(appConfig([summary, priority]), appBugMeta(), extras);
    expect(problems).toEqual([
      { path: `fields.${SIM_FIELDS.Team}`, fieldId: SIM_FIELDS.Team, message: 'Team is required in APP/Bug: map it to a value from Jira, a Backline field or a manual value' },
    ]);
    const mapped = appConfig([summary, priority, { fieldId: SIM_FIELDS.Team, fieldName: 'Team', sources: [{ kind: 'jira', values: [{ id: SIM_OPTIONS.Team.Platform, label: 'Platform' }] }], writePolicy: 'create-only' }]);
    expect(validateProjectConfig(mapped, appBugMeta(), extras)).toEqual([]);
  });

  it('a misspelt placeholder or path is an error with the field it probably meant; a finding property of its own is not', () => {
    const titel: FieldMapping = { ...summary, sources: [{ kind: 'template', template: '[{{finding.severity}}] {{finding.titel}}' }] };
    expect(messages(withField(demo(), titel))).toEqual(['fields.summary: The template of Summary uses {{finding.titel}}: finding.titel is not a Backline field: did you mean {{finding.title}}?']);
    const repo: FieldMapping = { fieldId: SIM_FIELDS.Repository, fieldName: 'Repository', sources: [{ kind: 'backline', path: 'finding.repository.nmae' }], writePolicy: 'sync' };
    expect(messages(withField(demo(), repo))).toEqual([`fields.${SIM_FIELDS.Repository}: Repository: finding.repository.nmae is not a Backline field: did you mean finding.repository.name?`]);
    const closed: FieldMapping = { ...repo, sources: [{ kind: 'backline', path: 'finding.package.licenseFamily' }] };
    expect(messages(withField(demo(), closed))).toEqual([`fields.${SIM_FIELDS.Repository}: Repository: finding.package.licenseFamily is not a Backline field: see the fields Backline sends in docs/events.md`]);
    const own: FieldMapping = { ...repo, sources: [{ kind: 'backline', path: 'finding.businessUnit' }] };
    expect(messages(withField(demo(), own))).toEqual([]);
  });

  it('a required field mapped only from an optional Backline field needs a fallback', () => {
    const config = appConfig([summary, priority, { fieldId: SIM_FIELDS.Team, fieldName: 'Team', sources: [{ kind: 'backline', path: 'finding.owner.team' }], writePolicy: 'sync' }]);
    expect(messages(config, appBugMeta())).toEqual([`fields.${SIM_FIELDS.Team}: Team is required in APP/Bug, but its Backline field can be missing on a finding: add a fallback source (a value from Jira or a manual value)`]);
  });

  it('Priority and Severity must follow Backline', () => {
    const noPriority = { ...demo(), fields: demo().fields.filter((f) => f.fieldId !== 'priority') };
    expect(messages(noPriority)).toEqual(['fields.priority: Priority is not mapped: map it from the Backline field finding.severity so it follows the finding']);
    const fixedSeverity = withField(demo(), { fieldId: SIM_FIELDS.Severity, fieldName: 'Severity', sources: [{ kind: 'jira', values: [{ id: SIM_OPTIONS.Severity.High, label: 'High' }] }], writePolicy: 'sync' });
    expect(messages(fixedSeverity)).toEqual([`fields.${SIM_FIELDS.Severity}: Severity is set to a fixed value: map it from the Backline field finding.severity so it follows the finding`]);
  });

  it('incompatible sources: wrong path type, template into a number, unmapped enum values, bad value map, bad manual value', () => {
    const config = [
      { fieldId: SIM_FIELDS.CVSS, fieldName: 'CVSS', sources: [{ kind: 'backline', path: 'finding.title' }], writePolicy: 'sync' },
      { fieldId: 'duedate', fieldName: 'Due date', sources: [{ kind: 'template', template: '{{finding.slaDueDate}}' }], writePolicy: 'sync' },
      { ...priority, sources: [{ kind: 'backline', path: 'finding.severity', valueMap: { critical: 'Blocker' } }] },
      { fieldId: SIM_FIELDS.Severity, fieldName: 'Severity', sources: [{ kind: 'backline', path: 'finding.category' }], writePolicy: 'sync' },
      { fieldId: 'components', fieldName: 'Components', sources: [{ kind: 'manual', value: ['API', 'Backend'] }], writePolicy: 'fill-if-empty' },
    ] satisfies FieldMapping[];
    const problems = messages(config.reduce(withField, demo()));
    expect(problems).toEqual([
      `fields.${SIM_FIELDS.CVSS}: finding.title (Title) cannot fill CVSS, which is a number field: choose a compatible Backline field`,
      'fields.duedate: Due date is a date field; a template produces text: map a Backline field or choose a value from Jira instead',
      'fields.priority: Priority has no value for critical → Blocker, info from finding.severity: add them to the value map',
      `fields.${SIM_FIELDS.Severity}: Severity has no value for sca, sast, secrets, container, iac, cloud, dast, other from finding.category: add them to the value map`,
      expect.stringContaining('fields.components: The manual value of Components does not fit: "Backend" is not an allowed value of Components'),
    ]);
  });

  it('a chosen Jira value that is no longer allowed, and too many values for a single-select', () => {
    const config = withField(demo(), {
      fieldId: SIM_FIELDS.Severity,
      fieldName: 'Severity',
      sources: [{ kind: 'backline', path: 'finding.severity' }, { kind: 'jira', values: [{ id: '99999', label: 'Extreme' }, { id: SIM_OPTIONS.Severity.Low, label: 'Low' }] }],
      writePolicy: 'sync',
    });
    expect(messages(config)).toEqual([
      `fields.${SIM_FIELDS.Severity}: Severity takes one value, but 2 are chosen: keep one (source 2)`,
      `fields.${SIM_FIELDS.Severity}: Severity: option Extreme no longer exists in Jira; choose another value (allowed: Critical, High, Medium, Low, Info) (source 2)`,
    ]);
  });

  it('fields not on the create screen, unsupported field types, fields the app sets, duplicates', () => {
    const taskOnly = withField(demo(), { fieldId: SIM_FIELDS.Notes, fieldName: 'Notes', sources: [{ kind: 'backline', path: 'finding.description' }], writePolicy: 'sync' });
    expect(messages(taskOnly)).toEqual([`fields.${SIM_FIELDS.Notes}: Notes is not on the create screen of SEC/Vulnerability (or no longer exists): add it to the screen in Jira or remove its mapping`]);
    const withProject = { ...demo(), fields: [...demo().fields, { fieldId: 'project', fieldName: 'Project', sources: [{ kind: 'manual' as const, value: 'SEC' }], writePolicy: 'sync' as const }, demo().fields[0]] };
    expect(messages(withProject)).toEqual(['fields.project: Project is set by the app itself: remove its mapping', 'fields.summary: Summary is mapped twice: remove one of the mappings']);
    const teamMeta = { ...meta, fields: [...meta.fields, { fieldId: 'customfield_20000', key: 'customfield_20000', name: 'Owning team', required: true, schema: { type: 'team', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:atlassian-team' } }] };
    expect(messages(demo(), teamMeta)).toEqual([
      'fields.customfield_20000: Owning team is required in SEC/Vulnerability and is a field type Backline cannot fill (com.atlassian.jira.plugin.system.customfieldtypes:atlassian-team): give it a default value in Jira or make it optional',
    ]);
  });

  it('target statuses must exist (and be reachable when the workflow is known); resolutions must exist', () => {
    const config: ProjectConfig = { ...demo(), statuses: { ...demo().statuses, prMerged: { id: '99', name: 'Verified' } }, resolutions: { ...demo().resolutions, accepted_risk: 'Risk Accepted' } };
    expect(messages(config)).toEqual([
      'statuses.prMerged: The "PR merged" status Verified does not exist in the workflow of SEC/Vulnerability: choose another status',
      'resolutions.accepted_risk: The resolution Risk Accepted (for accepted risk) does not exist in Jira: choose another resolution',
    ]);
    const mappingBack: ProjectConfig = { ...demo(), statusBack: [{ statusCategory: 'done', outcome: 'fixed' }, { resolution: 'Not Our Problem', outcome: 'accepted_risk' }] };
    expect(messages(mappingBack)).toEqual([
      'statusBack.1: Mapping back rule 2: the resolution Not Our Problem does not exist in Jira, so the rule would never match: choose another resolution',
    ]);
    const workflow = {
      initialStatusId: SIM_STATUSES.ToDo,
      transitions: [
        { from: [SIM_STATUSES.ToDo], to: SIM_STATUSES.InProgress },
        { from: [SIM_STATUSES.InProgress], to: SIM_STATUSES.Done },
      ],
    };
    expect(messages(demo(), meta, { ...extras, workflow })).toEqual([
      'statuses.prMerged: The "PR merged" status In Review cannot be reached in the workflow of SEC/Vulnerability: add a transition into it or choose another status',
    ]);
  });

  it('the Task screen with every field type validates when mapped sensibly', () => {
    const task = secTaskMeta();
    const config: ProjectConfig = {
      ...demo(),
      issueTypeId: SIM_ISSUE_TYPES.Task,
      issueTypeName: 'Task',
      fields: [
        summary,
        priority,
        { fieldId: SIM_FIELDS.Notes, fieldName: 'Notes', sources: [{ kind: 'backline', path: 'finding.description' }], writePolicy: 'sync' },
        { fieldId: SIM_FIELDS.Platforms, fieldName: 'Platforms', sources: [{ kind: 'jira', values: [{ id: SIM_OPTIONS.Platforms.Linux, label: 'Linux' }, { id: SIM_OPTIONS.Platforms.macOS, label: 'macOS' }] }], writePolicy: 'sync' },
        { fieldId: SIM_FIELDS.Area, fieldName: 'Area', sources: [{ kind: 'manual', value: 'Backend/Database' }], writePolicy: 'create-only' },
        { fieldId: SIM_FIELDS.DetectedAt, fieldName: 'Detected at', sources: [{ kind: 'backline', path: 'finding.firstSeenAt' }], writePolicy: 'create-only' },
        { fieldId: SIM_FIELDS.Reviewer, fieldName: 'Reviewer', sources: [{ kind: 'backline', path: 'finding.owner.email' }], writePolicy: 'fill-if-empty' },
      ],
    };
    expect(messages(config, task)).toEqual([]);
  });
});

describe('validateGlobalSettings', () => {
  const rule = (id: string, projectKey: string, match: GlobalSettings['routingRules'][number]['match'] = { repository: 'acme/*' }) => ({ id, name: `Rule ${id}`, projectKey, enabled: true, match });

  it('accepts rules and a default for connected projects', () => {
    expect(validateGlobalSettings({ version: 1, routingRules: [rule('r1', 'SEC')], defaultProjectKey: 'SEC' }, ['SEC'])).toEqual([]);
  });

  it('names rules for unconnected projects, duplicate ids, catch-all rules that hide later ones, and an unconnected default', () => {
    const problems = validateGlobalSettings(
      { version: 1, routingRules: [rule('r1', 'APP'), rule('r2', 'SEC', {}), rule('r2', 'SEC')], defaultProjectKey: 'OPS' },
      ['SEC'],
    );
    expect(problems.map((p) => p.path)).toEqual(['routingRules[0].projectKey', 'routingRules[1]', 'routingRules[2].id', 'defaultProjectKey']);
    expect(problems[0].message).toBe('The rule "Rule r1" routes to APP, which is not connected: connect APP or choose another project');
    expect(problems[1].message).toContain('matches every finding');
  });
});
