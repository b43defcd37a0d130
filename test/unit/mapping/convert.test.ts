import { convertValues, type SourceValue } from '../../../src/core/mapping/convert';
import { fieldKind } from '../../../src/core/mapping/field-types';
import type { CreateMetaField } from '../../../src/core/jira/create-meta';
import { SIM_FIELDS, SIM_OPTIONS } from '../../../dev/jira-sim/seed';
import { metaField, secTaskMeta, secVulnerabilityMeta } from './fixtures';

const raw = (...values: Array<string | number | boolean>): SourceValue[] => values.map((value) => ({ from: 'raw', value }));
const convert = (field: CreateMetaField, values: SourceValue[], users?: Record<string, string>) =>
  convertValues(field, fieldKind(field), values, users ? { users, findingUrl: 'https://app.backline.ai/findings/f1' } : {});

const vuln = secVulnerabilityMeta();
const task = secTaskMeta();

describe('field kinds from create metadata', () => {
  it('classifies every field of the demo site', () => {
    const kinds = Object.fromEntries([...vuln.fields, ...task.fields].map((f) => [f.fieldId, fieldKind(f)]));
    expect(kinds).toMatchObject({
      summary: 'text',
      description: 'richText',
      priority: 'priority',
      labels: 'labels',
      duedate: 'date',
      components: 'components',
      assignee: 'user',
      project: 'unsupported',
      issuetype: 'unsupported',
      [SIM_FIELDS.Severity]: 'option',
      [SIM_FIELDS.CVE]: 'text',
      [SIM_FIELDS.CVSS]: 'number',
      [SIM_FIELDS.Notes]: 'richText',
      [SIM_FIELDS.Platforms]: 'options',
      [SIM_FIELDS.Area]: 'cascading',
      [SIM_FIELDS.DetectedAt]: 'datetime',
      [SIM_FIELDS.Reviewer]: 'user',
    });
  });

  it('classifies types only real sites have (url, versions, multi-user, custom labels, unknown)', () => {
    const f = (schema: CreateMetaField['schema']): CreateMetaField => ({ fieldId: 'customfield_1', key: 'customfield_1', name: 'X', required: false, schema });
    expect(fieldKind(f({ type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:url' }))).toBe('url');
    expect(fieldKind(f({ type: 'array', items: 'version', system: 'fixVersions' }))).toBe('versions');
    expect(fieldKind(f({ type: 'version', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:version' }))).toBe('version');
    expect(fieldKind(f({ type: 'array', items: 'user', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:multiuserpicker' }))).toBe('users');
    expect(fieldKind(f({ type: 'array', items: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:labels' }))).toBe('labels');
    expect(fieldKind(f({ type: 'team', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:atlassian-team' }))).toBe('unsupported');
    expect(fieldKind(f({ type: 'array', items: 'attachment', system: 'attachment' }))).toBe('unsupported');
  });
});

describe('converting to Jira request values', () => {
  it('string: one line, joined sources, cut to 255 characters at a word', () => {
    const summary = metaField(vuln, 'summary');
    expect(convert(summary, raw('[high]', 'Prototype\nPollution'))).toEqual({ ok: true, value: '[high] Prototype Pollution' });
    const long = convert(summary, raw('word '.repeat(100)));
    expect(long.ok && typeof long.value === 'string' && long.value.length).toBeLessThanOrEqual(255);
    expect(long.ok && String(long.value).endsWith('…')).toBe(true);
    expect(convert(summary, raw('   '))).toMatchObject({ ok: true, value: undefined });
  });

  it('number: numbers and numeric text; anything else is a problem naming the field', () => {
    const cvss = metaField(vuln, SIM_FIELDS.CVSS);
    expect(convert(cvss, raw(7.4))).toEqual({ ok: true, value: 7.4 });
    expect(convert(cvss, raw('9.8'))).toEqual({ ok: true, value: 9.8 });
    const bad = convert(cvss, raw('high'));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problem).toContain('CVSS');
  });

  it('date: YYYY-MM-DD, also from a timestamp; impossible dates are problems', () => {
    const due = metaField(vuln, 'duedate');
    expect(convert(due, raw('2026-12-28'))).toEqual({ ok: true, value: '2026-12-28' });
    expect(convert(due, raw('2026-12-28T10:00:00Z'))).toEqual({ ok: true, value: '2026-12-28' });
    expect(convert(due, raw('2026-02-30')).ok).toBe(false);
    expect(convert(due, raw('next week')).ok).toBe(false);
  });

  it('datetime: Jira format with offset, in UTC', () => {
    const detected = metaField(task, SIM_FIELDS.DetectedAt);
    expect(convert(detected, raw('2026-11-28T11:30:00+01:00'))).toEqual({ ok: true, value: '2026-11-28T10:30:00.000+0000' });
    expect(convert(detected, raw('2026-11-28'))).toEqual({ ok: true, value: '2026-11-28T00:00:00.000+0000' });
    expect(convert(detected, raw('yesterday')).ok).toBe(false);
  });

  it('option: by id or by value ignoring case; unknown values list the allowed ones', () => {
    const severity = metaField(vuln, SIM_FIELDS.Severity);
    expect(convert(severity, raw('critical'))).toEqual({ ok: true, value: { id: SIM_OPTIONS.Severity.Critical } });
    expect(convert(severity, raw(SIM_OPTIONS.Severity.Low))).toEqual({ ok: true, value: { id: SIM_OPTIONS.Severity.Low } });
    expect(convert(severity, [{ from: 'jira', id: SIM_OPTIONS.Severity.Info, label: 'Info' }])).toEqual({ ok: true, value: { id: SIM_OPTIONS.Severity.Info } });
    const bad = convert(severity, raw('urgent'));
    expect(!bad.ok && bad.problem).toMatch(/"urgent" is not an allowed value of Severity.*Critical, High, Medium, Low, Info/);
    const gone = convert(severity, [{ from: 'jira', id: '99999', label: 'Removed' }]);
    expect(!gone.ok && gone.problem).toContain('Severity: option Removed no longer exists in Jira');
  });

  it('array of option (multi select): every value, deduplicated', () => {
    const platforms = metaField(task, SIM_FIELDS.Platforms);
    expect(convert(platforms, raw('linux', 'macOS', 'Linux'))).toEqual({ ok: true, value: [{ id: SIM_OPTIONS.Platforms.Linux }, { id: SIM_OPTIONS.Platforms.macOS }] });
    expect(convert(platforms, raw('BeOS')).ok).toBe(false);
  });

  it('option with child (cascading): "Parent/Child", "Parent > Child", parent alone, or Jira ids', () => {
    const area = metaField(task, SIM_FIELDS.Area);
    const backend = SIM_OPTIONS.Area.Backend;
    expect(convert(area, raw('backend/database'))).toEqual({ ok: true, value: { id: backend, child: { id: SIM_OPTIONS.Area['Backend/Database'] } } });
    expect(convert(area, raw('Backend > Queue'))).toEqual({ ok: true, value: { id: backend, child: { id: SIM_OPTIONS.Area['Backend/Queue'] } } });
    expect(convert(area, raw('Frontend'))).toEqual({ ok: true, value: { id: SIM_OPTIONS.Area.Frontend } });
    expect(convert(area, [{ from: 'jira', id: SIM_OPTIONS.Area.Frontend, label: 'Frontend' }, { from: 'jira', id: SIM_OPTIONS.Area['Frontend/Web'], label: 'Web' }])).toEqual({
      ok: true,
      value: { id: SIM_OPTIONS.Area.Frontend, child: { id: SIM_OPTIONS.Area['Frontend/Web'] } },
    });
    expect(convert(area, raw('Backend/Web')).ok).toBe(false);
  });

  it('labels: whitespace becomes "-", empty and duplicate labels dropped', () => {
    const labels = metaField(vuln, 'labels');
    expect(convert(labels, raw('backline', 'supply chain', 'backline', ' '))).toEqual({ ok: true, value: ['backline', 'supply-chain'] });
  });

  it('priority: by name (after the value map) or by id', () => {
    const priority = metaField(vuln, 'priority');
    expect(convert(priority, raw('Highest'))).toEqual({ ok: true, value: { id: '1' } });
    expect(convert(priority, raw('lowest'))).toEqual({ ok: true, value: { id: '5' } });
    expect(convert(priority, raw('3'))).toEqual({ ok: true, value: { id: '3' } });
    expect(convert(priority, raw('Blocker')).ok).toBe(false);
  });

  it('user: accountId as is, an email through the resolved users, unknown email is a problem', () => {
    const reviewer = metaField(task, SIM_FIELDS.Reviewer);
    expect(convert(reviewer, raw('557058:abc'))).toEqual({ ok: true, value: { accountId: '557058:abc' } });
    expect(convert(reviewer, raw('Sam.Security@example.com'), { 'sam.security@example.com': '557058:sim-sec-admin' })).toEqual({ ok: true, value: { accountId: '557058:sim-sec-admin' } });
    const missing = convert(reviewer, raw('nobody@example.com'), {});
    expect(!missing.ok && missing.problem).toContain('No Jira user with the email nobody@example.com');
  });

  it('components: by name, as ids', () => {
    const components = metaField(vuln, 'components');
    expect(convert(components, raw('api', 'Web'))).toEqual({ ok: true, value: [{ id: '10000' }, { id: '10001' }] });
    expect(convert(components, raw('Backend')).ok).toBe(false);
  });

  it('versions: by name from allowed values, or by name when Jira lists none', () => {
    const versions: CreateMetaField = { fieldId: 'fixVersions', key: 'fixVersions', name: 'Fix versions', required: false, schema: { type: 'array', items: 'version', system: 'fixVersions' }, allowedValues: [{ id: '10100', name: '1.0' }] };
    expect(convert(versions, raw('1.0'))).toEqual({ ok: true, value: [{ id: '10100' }] });
    const { allowedValues: _omit, ...unlisted } = versions;
    expect(convert(unlisted, raw('2.0'))).toEqual({ ok: true, value: [{ name: '2.0' }] });
  });

  it('URL: only http(s)', () => {
    const url: CreateMetaField = { fieldId: 'customfield_2', key: 'customfield_2', name: 'Finding link', required: false, schema: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:url', customId: 2 } };
    expect(convert(url, raw('https://app.backline.ai/f/1'))).toEqual({ ok: true, value: 'https://app.backline.ai/f/1' });
    const bad = convert(url, raw('javascript:alert(1)'));
    expect(!bad.ok && bad.problem).toContain('Finding link');
  });

  it('rich text (description, multi-line text): Markdown as ADF', () => {
    for (const field of [metaField(vuln, 'description'), metaField(task, SIM_FIELDS.Notes)]) {
      const result = convert(field, raw('Use **4.17.21**'));
      expect(result).toEqual({
        ok: true,
        value: { version: 1, type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Use ' }, { type: 'text', text: '4.17.21', marks: [{ type: 'strong' }] }] }] },
      });
    }
  });

  it('unsupported types: a problem that says to remove the mapping', () => {
    const team: CreateMetaField = { fieldId: 'customfield_3', key: 'customfield_3', name: 'Owning team', required: false, schema: { type: 'team', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:atlassian-team' } };
    const result = convert(team, raw('Payments'));
    expect(!result.ok && result.problem).toMatch(/Owning team .*remove its mapping/);
  });

  it('disabled options are not matched', () => {
    const field: CreateMetaField = { fieldId: 'customfield_4', key: 'customfield_4', name: 'Env', required: false, schema: { type: 'option' }, allowedValues: [{ id: '1', value: 'Prod', disabled: true }, { id: '2', value: 'Dev' }] };
    expect(convert(field, raw('prod')).ok).toBe(false);
    expect(convert(field, raw('dev'))).toEqual({ ok: true, value: { id: '2' } });
  });
});
