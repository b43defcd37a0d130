/** The project editor's state logic: what the admin sees and what gets saved. */
import type { CreateField } from '../../../src/shared/contracts/admin';
import { controlFor, orderFields } from '../../../static/admin/src/editor/fields';
import {
  draftFromConfig,
  draftProblems,
  draftToConfig,
  editorReducer,
  emptyDraft,
  hasErrors,
  isDirty,
  problemsAt,
  severityPriorityMap,
  type Draft,
} from '../../../static/admin/src/editor/state';

const TEAM: CreateField = {
  fieldId: 'customfield_10014',
  name: 'Team',
  required: true,
  hasDefaultValue: false,
  schema: { type: 'option', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:select' },
  allowedValues: [
    { id: '10030', label: 'Payments' },
    { id: '10031', label: 'Identity' },
  ],
};
const APP_BUG: CreateField[] = [
  { fieldId: 'project', name: 'Project', required: true, hasDefaultValue: false, schema: { type: 'project', system: 'project' } },
  { fieldId: 'issuetype', name: 'Issue Type', required: true, hasDefaultValue: false, schema: { type: 'issuetype', system: 'issuetype' } },
  { fieldId: 'labels', name: 'Labels', required: false, hasDefaultValue: false, schema: { type: 'array', items: 'string', system: 'labels' } },
  { fieldId: 'summary', name: 'Summary', required: true, hasDefaultValue: false, schema: { type: 'string', system: 'summary' } },
  { fieldId: 'description', name: 'Description', required: false, hasDefaultValue: false, schema: { type: 'string', system: 'description' } },
  { fieldId: 'reporter', name: 'Reporter', required: true, hasDefaultValue: true, schema: { type: 'user', system: 'reporter' } },
  { fieldId: 'priority', name: 'Priority', required: false, hasDefaultValue: true, schema: { type: 'priority', system: 'priority' }, allowedValues: [{ id: '1', label: 'Highest' }] },
  { fieldId: 'duedate', name: 'Due date', required: false, hasDefaultValue: false, schema: { type: 'date', system: 'duedate' } },
  TEAM,
];

function appDraft(): Draft {
  let draft = editorReducer(emptyDraft(), { type: 'setProject', project: { key: 'APP', id: '10001', name: 'Applications' } });
  draft = editorReducer(draft, { type: 'setIssueType', issueType: { id: '10002', name: 'Bug' }, fields: APP_BUG });
  return draft;
}

describe('field presentation', () => {
  test('required fields without a default come first (summary leading); fields the app sets are hidden', () => {
    expect(orderFields(APP_BUG).map((f) => f.fieldId)).toEqual(['summary', 'customfield_10014', 'description', 'duedate', 'labels', 'priority', 'reporter']);
  });

  test('each field gets a control that fits its type', () => {
    const byId = Object.fromEntries(APP_BUG.map((f) => [f.fieldId, controlFor(f)]));
    expect(byId).toMatchObject({ summary: 'text', description: 'textarea', labels: 'labels', priority: 'select', duedate: 'date', reporter: 'user', customfield_10014: 'select' });
  });
});

describe('editing a project mapping', () => {
  test('choosing an issue type maps its required fields and the usual ones, with sensible sources', () => {
    const draft = appDraft();
    const sources = Object.fromEntries(draft.fields.map((f) => [f.fieldId, f.sources[0]]));
    expect(Object.keys(sources).sort()).toEqual(['customfield_10014', 'description', 'duedate', 'labels', 'priority', 'summary']);
    expect(sources.summary).toEqual({ kind: 'template', template: '[{{finding.severity}}] {{finding.title}}' });
    expect(sources.customfield_10014).toEqual({ kind: 'jira', values: [{ id: '10030', label: 'Payments' }] });
    expect(severityPriorityMap(draft)).toEqual({ critical: 'Highest', high: 'High', medium: 'Medium', low: 'Low', info: 'Lowest' });
  });

  test('a required field without a mapping is an error at that field, and blocks saving', () => {
    const draft = editorReducer(appDraft(), { type: 'unmapField', fieldId: 'customfield_10014' });
    const problems = draftProblems(draft, APP_BUG);
    expect(problemsAt(problems, 'fields.customfield_10014')).toEqual([expect.objectContaining({ severity: 'error', message: expect.stringContaining('Team is required') })]);
    expect(hasErrors(problems)).toBe(true);
    expect(hasErrors(draftProblems(appDraft(), APP_BUG))).toBe(false);
  });

  test('malformed values are reported next to their source', () => {
    let draft = editorReducer(appDraft(), { type: 'setSource', fieldId: 'summary', index: 0, source: { kind: 'template', template: '{{finding.title' } });
    draft = editorReducer(draft, { type: 'setSource', fieldId: 'labels', index: 0, source: { kind: 'manual', value: ['two words'] } });
    draft = editorReducer(draft, { type: 'setSource', fieldId: 'duedate', index: 0, source: { kind: 'manual', value: '28.11.2026' } });
    const problems = draftProblems(draft, APP_BUG);
    expect(problems.map((p) => [p.path, p.message]).sort()).toEqual([
      ['fields.duedate.0', 'Enter a date as YYYY-MM-DD.'],
      ['fields.labels.0', 'Labels cannot contain spaces.'],
      ['fields.summary.0', 'A placeholder is not closed: write {{finding.title}}.'],
    ]);
  });

  test('a mapped field that left the create screen is reported with what to do', () => {
    const problems = draftProblems(appDraft(), APP_BUG.filter((f) => f.fieldId !== 'duedate'));
    expect(problemsAt(problems, 'fields.duedate')[0]?.message).toMatch(/no longer on the create screen of Bug/);
  });

  test('severity → priority edits the priority mapping; statuses and resolutions are saved', () => {
    let draft = editorReducer(appDraft(), { type: 'setSeverityPriority', severity: 'low', priorityName: 'Lowest' });
    draft = editorReducer(draft, { type: 'setStatus', stage: 'prOpened', status: { id: '3', name: 'In Progress' } });
    draft = editorReducer(draft, { type: 'setResolution', reason: 'false_positive', name: 'Duplicate' });
    const config = draftToConfig(draft);
    expect(config.fields.find((f) => f.fieldId === 'priority')?.sources[0]).toMatchObject({ valueMap: { low: 'Lowest', high: 'High' } });
    expect(config.statuses).toEqual({ prOpened: { id: '3', name: 'In Progress' } });
    expect(config.resolutions).toEqual({ fixed: 'Fixed', not_detected: 'Fixed', false_positive: 'Duplicate', accepted_risk: "Won't Fix" });
    draft = editorReducer(draft, { type: 'setStatus', stage: 'prOpened', status: null });
    expect(draftToConfig(draft).statuses).toEqual({});
  });

  test('switching project starts afresh; re-choosing the same issue type keeps the mapping', () => {
    const draft = editorReducer(appDraft(), { type: 'setSource', fieldId: 'summary', index: 0, source: { kind: 'backline', path: 'finding.title' } });
    const same = editorReducer(draft, { type: 'setIssueType', issueType: { id: '10002', name: 'Bug' }, fields: APP_BUG });
    expect(same.fields).toBe(draft.fields);
    const other = editorReducer(draft, { type: 'setProject', project: { key: 'SEC', id: '10000', name: 'Security' } });
    expect(other).toMatchObject({ projectKey: 'SEC', issueTypeId: '', fields: [] });
  });

  test('removing the last source of a field unmaps it', () => {
    const draft = editorReducer(appDraft(), { type: 'removeSource', fieldId: 'labels', index: 0 });
    expect(draft.fields.some((f) => f.fieldId === 'labels')).toBe(false);
  });

  test('dirty tracking: a loaded config is clean, any edit makes it dirty, undoing the edit makes it clean again', () => {
    const saved = draftFromConfig(draftToConfig(appDraft()));
    expect(isDirty(saved, saved)).toBe(false);
    const edited = editorReducer(saved, { type: 'setPolicy', fieldId: 'summary', policy: 'create-only' });
    expect(isDirty(saved, edited)).toBe(true);
    expect(isDirty(saved, editorReducer(edited, { type: 'setPolicy', fieldId: 'summary', policy: 'sync' }))).toBe(false);
  });

  test('a new draft without project or issue type says what to choose', () => {
    expect(draftProblems(emptyDraft(), undefined).map((p) => p.path)).toEqual(['project', 'issueType']);
  });
});

describe('mapping back (docs/outbound.md)', () => {
  const ownRules = [
    { statusCategory: 'done' as const, resolution: 'Done', outcome: 'fixed' as const },
    { resolution: 'Not a bug', outcome: 'false_positive' as const },
  ];

  it("keeps a project's own rules through editing and saving: nothing the editor does not show is dropped", () => {
    const saved = draftToConfig({ ...appDraft(), statusBack: ownRules });
    const draft = draftFromConfig(saved);
    expect(draft.statusBack).toEqual(ownRules);
    const edited = editorReducer(draft, { type: 'setMinimumSeverity', severity: 'high' });
    expect(draftToConfig(edited).statusBack).toEqual(ownRules);
  });

  it("saves no rules while the project uses Backline's defaults, and the first change makes them the project's own", () => {
    const draft = appDraft();
    expect(draftToConfig(draft)).not.toHaveProperty('statusBack');
    const changed = editorReducer(draft, { type: 'setStatusBackRule', index: 1, rule: { resolution: "Won't Do", outcome: 'accepted_risk' } });
    expect(draftToConfig(changed).statusBack).toEqual([
      { statusCategory: 'done', resolution: 'Fixed', outcome: 'fixed' },
      { resolution: "Won't Do", outcome: 'accepted_risk' },
      { resolution: 'Duplicate', outcome: 'duplicate' },
      { statusCategory: 'new', outcome: 'reopened' },
    ]);
    expect(isDirty(draft, changed)).toBe(true);
    expect(draftToConfig(editorReducer(changed, { type: 'resetStatusBack' }))).not.toHaveProperty('statusBack');
  });

  it('adds, removes and moves rules, and stops at 20', () => {
    let draft: Draft = { ...appDraft(), statusBack: ownRules };
    draft = editorReducer(draft, { type: 'moveStatusBackRule', index: 1, by: -1 });
    expect(draft.statusBack?.map((r) => r.outcome)).toEqual(['false_positive', 'fixed']);
    expect(editorReducer(draft, { type: 'moveStatusBackRule', index: 0, by: -1 })).toEqual(draft);
    draft = editorReducer(draft, { type: 'removeStatusBackRule', index: 0 });
    expect(draft.statusBack).toEqual([ownRules[0]]);
    for (let i = 0; i < 25; i++) draft = editorReducer(draft, { type: 'addStatusBackRule' });
    expect(draft.statusBack).toHaveLength(20);
  });
});
