/**
 * The demo site of `../shared/spec/local-runtime.md` ("The demo site"), plus an
 * empty site. Ids are stable so tests, fixtures and the local runtime's default
 * configuration can name them.
 */
import type { IssueTypeScreens, ScreenField, SimData, SimField, SimOption, SimTransition, SimUser, SimWorkflow } from './types';

/** Demo users. `x-sim-account-id: <accountId>` makes a request act as one of them. */
export const SIM_USERS = {
  /** Jira administrator (global ADMINISTER), administers every project. */
  siteAdmin: { accountId: '557058:sim-site-admin', displayName: 'Ada Admin', emailAddress: 'ada.admin@example.com' },
  /** Project administrator of SEC only. */
  secAdmin: { accountId: '557058:sim-sec-admin', displayName: 'Sam Security', emailAddress: 'sam.security@example.com' },
  /** Project administrator of APP only. */
  appAdmin: { accountId: '557058:sim-app-admin', displayName: 'Alex Apps', emailAddress: 'alex.apps@example.com' },
  /** Can browse both projects, nothing else. */
  plainUser: { accountId: '557058:sim-plain-user', displayName: 'Pat Plain', emailAddress: 'pat.plain@example.com' },
  /** The app's own account: requests without `x-sim-account-id` act as it (Forge `asApp`). */
  app: { accountId: '557058:sim-app-backline', displayName: 'Backline for Jira', emailAddress: '' },
} as const;

export const SIM_PROJECTS = {
  SEC: { id: '10000', key: 'SEC', name: 'Security' },
  APP: { id: '10001', key: 'APP', name: 'Applications' },
} as const;

export const SIM_ISSUE_TYPES = { Task: '10001', Bug: '10002', Vulnerability: '10003' } as const;

export const SIM_STATUSES = { ToDo: '10000', InProgress: '3', InReview: '10002', Done: '10001' } as const;

/** Transition ids of the demo workflow (same ids in SEC's and APP's copies). */
export const SIM_TRANSITIONS = {
  StartProgress: '11', // To Do → In Progress
  RequestReview: '21', // In Progress → In Review
  Done: '31', // In Review → Done (screen: resolution required)
  Reopen: '41', // Done → To Do
  StopProgress: '51', // In Progress → To Do
} as const;

export const SIM_PRIORITIES = { Highest: '1', High: '2', Medium: '3', Low: '4', Lowest: '5' } as const;

export const SIM_RESOLUTIONS = { Fixed: '10000', WontFix: '10001', Duplicate: '10002', Done: '10003' } as const;

export const SIM_COMPONENTS = { API: '10000', Web: '10001', Mobile: '10002' } as const;

/** Custom field ids of the demo site. */
export const SIM_FIELDS = {
  Severity: 'customfield_10010',
  CVE: 'customfield_10011',
  Repository: 'customfield_10012',
  CVSS: 'customfield_10013',
  Team: 'customfield_10014',
  // On SEC/Task only, to exercise the other field types Jira has.
  Notes: 'customfield_10015', // multi-line text (ADF)
  Platforms: 'customfield_10016', // multi select
  Area: 'customfield_10017', // cascading select
  DetectedAt: 'customfield_10018', // date-time
  Reviewer: 'customfield_10019', // user picker
} as const;

export const SIM_OPTIONS = {
  Severity: { Critical: '10020', High: '10021', Medium: '10022', Low: '10023', Info: '10024' },
  Team: { Payments: '10030', Identity: '10031', Platform: '10032' },
  Platforms: { Linux: '10040', Windows: '10041', macOS: '10042' },
  Area: { Backend: '10050', 'Backend/Database': '10051', 'Backend/Queue': '10052', Frontend: '10053', 'Frontend/Web': '10054' },
} as const;

export const SIM_WORKFLOW_IDS = {
  SEC: '5c9e6a10-0000-4000-8000-000000000001',
  APP: '5c9e6a10-0000-4000-8000-000000000002',
} as const;

const PROJECT_PERMISSIONS_ALL = [
  'ADMINISTER_PROJECTS', 'BROWSE_PROJECTS', 'CREATE_ISSUES', 'EDIT_ISSUES', 'TRANSITION_ISSUES', 'RESOLVE_ISSUES',
  'CLOSE_ISSUES', 'ADD_COMMENTS', 'EDIT_ALL_COMMENTS', 'DELETE_ISSUES', 'ASSIGN_ISSUES', 'ASSIGNABLE_USER',
  'LINK_ISSUES', 'SCHEDULE_ISSUES', 'MODIFY_REPORTER', 'WORK_ON_ISSUES', 'VIEW_READONLY_WORKFLOW',
];
const PROJECT_PERMISSIONS_MEMBER = PROJECT_PERMISSIONS_ALL.filter((p) => p !== 'ADMINISTER_PROJECTS' && p !== 'DELETE_ISSUES');

function users(): SimUser[] {
  const base = { active: true, timeZone: 'Europe/Berlin' };
  return [
    { ...SIM_USERS.siteAdmin, ...base, accountType: 'atlassian', globalPermissions: ['ADMINISTER', 'USER_PICKER', 'CREATE_SHARED_OBJECTS'], projectPermissions: { '*': PROJECT_PERMISSIONS_ALL } },
    { ...SIM_USERS.secAdmin, ...base, accountType: 'atlassian', globalPermissions: ['USER_PICKER'], projectPermissions: { SEC: PROJECT_PERMISSIONS_ALL, APP: ['BROWSE_PROJECTS'] } },
    { ...SIM_USERS.appAdmin, ...base, accountType: 'atlassian', globalPermissions: ['USER_PICKER'], projectPermissions: { APP: PROJECT_PERMISSIONS_ALL, SEC: ['BROWSE_PROJECTS'] } },
    { ...SIM_USERS.plainUser, ...base, accountType: 'atlassian', globalPermissions: [], projectPermissions: { '*': ['BROWSE_PROJECTS'] } },
    { ...SIM_USERS.app, ...base, accountType: 'app', globalPermissions: ['ADMINISTER', 'USER_PICKER'], projectPermissions: { '*': PROJECT_PERMISSIONS_ALL } },
  ];
}

export { PROJECT_PERMISSIONS_MEMBER };

/**
 * Jira Cloud's per-issue caps: 5,000 comments and 2,000 remote links on one
 * issue; past them Jira answers 413 (OpenAPI: "413 Returned if the per-issue
 * limit has been breached"). The numbers: Atlassian's announcement of issue
 * limits, as summarised in dev/jira-sim/README.md.
 */
export const PER_ISSUE_CAPS = { commentsPerIssue: 5000, remoteLinksPerIssue: 2000 } as const;

const CF = 'com.atlassian.jira.plugin.system.customfieldtypes:';

function opts(map: Record<string, string>): SimOption[] {
  return Object.entries(map).map(([value, id]) => ({ id, value }));
}

/** Cascading children are written "Parent/Child" in SIM_OPTIONS. */
function cascading(map: Record<string, string>): SimOption[] {
  const top: SimOption[] = [];
  for (const [value, id] of Object.entries(map)) {
    const [parent, child] = value.split('/');
    if (child === undefined) top.push({ id, value, children: [] });
    else top.find((o) => o.value === parent)?.children?.push({ id, value: child });
  }
  return top;
}

function customField(id: string, name: string, kind: SimField['kind'], type: string, customType: string, items?: string): SimField {
  const customId = Number(id.replace('customfield_', ''));
  return {
    id, key: id, name, custom: true, kind,
    schema: { type, ...(items ? { items } : {}), custom: CF + customType, customId },
    clauseNames: [`cf[${customId}]`, name],
  };
}

function fields(): SimField[] {
  const sys = (id: string, name: string, kind: SimField['kind'], schema: SimField['schema'], clauseNames: string[] = [id]): SimField =>
    ({ id, key: id, name, custom: false, kind, schema, clauseNames });
  return [
    sys('summary', 'Summary', 'summary', { type: 'string', system: 'summary' }),
    sys('description', 'Description', 'adf', { type: 'string', system: 'description' }),
    sys('project', 'Project', 'project', { type: 'project', system: 'project' }),
    sys('issuetype', 'Issue Type', 'issuetype', { type: 'issuetype', system: 'issuetype' }, ['issuetype', 'type']),
    sys('priority', 'Priority', 'priority', { type: 'priority', system: 'priority' }),
    sys('labels', 'Labels', 'labels', { type: 'array', items: 'string', system: 'labels' }),
    sys('duedate', 'Due date', 'date', { type: 'date', system: 'duedate' }, ['due', 'duedate']),
    sys('components', 'Components', 'components', { type: 'array', items: 'component', system: 'components' }, ['component']),
    sys('fixVersions', 'Fix versions', 'versions', { type: 'array', items: 'version', system: 'fixVersions' }, ['fixVersion']),
    sys('assignee', 'Assignee', 'user', { type: 'user', system: 'assignee' }),
    sys('reporter', 'Reporter', 'user', { type: 'user', system: 'reporter' }),
    sys('resolution', 'Resolution', 'resolution', { type: 'resolution', system: 'resolution' }),
    { ...customField(SIM_FIELDS.Severity, 'Severity', 'option', 'option', 'select'), options: opts(SIM_OPTIONS.Severity) },
    customField(SIM_FIELDS.CVE, 'CVE', 'text', 'string', 'textfield'),
    customField(SIM_FIELDS.Repository, 'Repository', 'text', 'string', 'textfield'),
    customField(SIM_FIELDS.CVSS, 'CVSS', 'number', 'number', 'float'),
    { ...customField(SIM_FIELDS.Team, 'Team', 'option', 'option', 'select'), options: opts(SIM_OPTIONS.Team) },
    customField(SIM_FIELDS.Notes, 'Notes', 'adf', 'string', 'textarea'),
    { ...customField(SIM_FIELDS.Platforms, 'Platforms', 'options', 'array', 'multiselect', 'option'), options: opts(SIM_OPTIONS.Platforms) },
    { ...customField(SIM_FIELDS.Area, 'Area', 'cascading', 'option-with-child', 'cascadingselect'), options: cascading(SIM_OPTIONS.Area) },
    customField(SIM_FIELDS.DetectedAt, 'Detected at', 'datetime', 'datetime', 'datetime'),
    customField(SIM_FIELDS.Reviewer, 'Reviewer', 'user', 'user', 'userpicker'),
  ];
}

/** Fields every create screen has (Jira always lists project and issue type as required). */
const BASE: ScreenField[] = [
  { fieldId: 'project', required: true },
  { fieldId: 'issuetype', required: true },
  { fieldId: 'summary', required: true },
  { fieldId: 'description' },
  { fieldId: 'reporter', required: true, defaultValue: '__caller__' },
  { fieldId: 'assignee' },
  { fieldId: 'priority', defaultValue: SIM_PRIORITIES.Medium },
  { fieldId: 'labels' },
];

function screens(create: ScreenField[]): IssueTypeScreens {
  return { create, edit: create.map((f) => f.fieldId).filter((id) => id !== 'project') };
}

const RESOLUTION_SCREEN: ScreenField[] = [{ fieldId: 'resolution', required: true }];

function workflow(id: string, name: string, updated: string): SimWorkflow {
  const S = SIM_STATUSES;
  const T = SIM_TRANSITIONS;
  const transitions: SimTransition[] = [
    { id: T.StartProgress, name: 'Start progress', from: [S.ToDo], to: S.InProgress },
    { id: T.RequestReview, name: 'Request review', from: [S.InProgress], to: S.InReview },
    { id: T.Done, name: 'Done', from: [S.InReview], to: S.Done, screen: RESOLUTION_SCREEN },
    { id: T.Reopen, name: 'Reopen', from: [S.Done], to: S.ToDo },
    { id: T.StopProgress, name: 'Stop progress', from: [S.InProgress], to: S.ToDo },
  ];
  return { id, name, description: 'To Do → In Progress → In Review → Done, with Reopen and Stop progress.', statuses: [S.ToDo, S.InProgress, S.InReview, S.Done], initialStatus: S.ToDo, transitions, versionNumber: 1, updated };
}

const SEEDED_AT = '2026-01-05T09:00:00.000+0000';

/** A fresh copy of the demo site (no issues). */
export function demoSite(): SimData {
  const IT = SIM_ISSUE_TYPES;
  const F = SIM_FIELDS;
  const vulnerability: ScreenField[] = [
    ...BASE,
    { fieldId: 'duedate' },
    { fieldId: 'components' },
    { fieldId: F.Severity },
    { fieldId: F.CVE },
    { fieldId: F.Repository },
    { fieldId: F.CVSS },
  ];
  const secTask: ScreenField[] = [...BASE, { fieldId: 'duedate' }, { fieldId: 'components' }, { fieldId: F.Notes }, { fieldId: F.Platforms }, { fieldId: F.Area }, { fieldId: F.DetectedAt }, { fieldId: F.Reviewer }];
  const secBug: ScreenField[] = [...BASE, { fieldId: 'duedate' }, { fieldId: 'components' }, { fieldId: F.Severity }];
  const appBug: ScreenField[] = [...BASE, { fieldId: 'duedate' }, { fieldId: F.Team, required: true }];
  return {
    users: users(),
    fields: fields(),
    statuses: [
      { id: SIM_STATUSES.ToDo, name: 'To Do', description: 'Work that has not been started.', categoryKey: 'new' },
      { id: SIM_STATUSES.InProgress, name: 'In Progress', description: 'The issue is currently being worked on.', categoryKey: 'indeterminate' },
      { id: SIM_STATUSES.InReview, name: 'In Review', description: 'The fix is waiting for review.', categoryKey: 'indeterminate' },
      { id: SIM_STATUSES.Done, name: 'Done', description: 'Work has been completed on this issue.', categoryKey: 'done' },
    ],
    priorities: [
      { id: SIM_PRIORITIES.Highest, name: 'Highest', description: 'This problem will block progress.', statusColor: '#d04437' },
      { id: SIM_PRIORITIES.High, name: 'High', description: 'Serious problem that could block progress.', statusColor: '#f15C75' },
      { id: SIM_PRIORITIES.Medium, name: 'Medium', description: 'Has the potential to affect progress.', statusColor: '#f79232', isDefault: true },
      { id: SIM_PRIORITIES.Low, name: 'Low', description: 'Minor problem or easily worked around.', statusColor: '#707070' },
      { id: SIM_PRIORITIES.Lowest, name: 'Lowest', description: 'Trivial problem with little or no impact on progress.', statusColor: '#999999' },
    ],
    resolutions: [
      { id: SIM_RESOLUTIONS.Fixed, name: 'Fixed', description: 'A fix for this issue is checked into the tree and tested.' },
      { id: SIM_RESOLUTIONS.WontFix, name: "Won't Fix", description: 'The problem described is an issue which will never be fixed.' },
      { id: SIM_RESOLUTIONS.Duplicate, name: 'Duplicate', description: 'The problem is a duplicate of an existing issue.' },
      { id: SIM_RESOLUTIONS.Done, name: 'Done', description: 'Work has been completed on this issue.', isDefault: true },
    ],
    issueTypes: [
      { id: IT.Task, name: 'Task', description: 'A small, distinct piece of work.', iconUrl: 'images/icons/issuetypes/task.svg', hierarchyLevel: 0, entityId: '0d3ad0a8-0000-4000-8000-000000010001' },
      { id: IT.Bug, name: 'Bug', description: 'A problem or error.', iconUrl: 'images/icons/issuetypes/bug.svg', hierarchyLevel: 0, entityId: '0d3ad0a8-0000-4000-8000-000000010002' },
      { id: IT.Vulnerability, name: 'Vulnerability', description: 'A security weakness found by a scanner.', iconUrl: 'images/icons/issuetypes/vulnerability.svg', hierarchyLevel: 0, entityId: '0d3ad0a8-0000-4000-8000-000000010003' },
    ],
    workflows: [
      workflow(SIM_WORKFLOW_IDS.SEC, 'SEC: Remediation workflow', SEEDED_AT),
      workflow(SIM_WORKFLOW_IDS.APP, 'APP: Remediation workflow', SEEDED_AT),
    ],
    projects: [
      {
        ...SIM_PROJECTS.SEC, description: 'Security findings from Backline.', projectTypeKey: 'software', simplified: false,
        leadAccountId: SIM_USERS.secAdmin.accountId, issueTypeIds: [IT.Task, IT.Bug, IT.Vulnerability],
        components: [
          { id: SIM_COMPONENTS.API, name: 'API' },
          { id: SIM_COMPONENTS.Web, name: 'Web' },
          { id: SIM_COMPONENTS.Mobile, name: 'Mobile' },
        ],
        versions: [],
        screens: { [IT.Task]: screens(secTask), [IT.Bug]: screens(secBug), [IT.Vulnerability]: screens(vulnerability) },
        workflowScheme: { id: 10100, name: 'SEC: Workflow scheme', defaultWorkflowId: SIM_WORKFLOW_IDS.SEC, mappings: {} },
        uuid: '7c1f0000-0000-4000-8000-000000010000',
      },
      {
        ...SIM_PROJECTS.APP, description: 'Application teams.', projectTypeKey: 'software', simplified: false,
        leadAccountId: SIM_USERS.appAdmin.accountId, issueTypeIds: [IT.Bug],
        components: [], versions: [],
        screens: { [IT.Bug]: screens(appBug) },
        workflowScheme: { id: 10101, name: 'APP: Workflow scheme', defaultWorkflowId: SIM_WORKFLOW_IDS.APP, mappings: {} },
        uuid: '7c1f0000-0000-4000-8000-000000010001',
      },
    ],
    issues: new Map(),
    settings: { issueLinking: true, ...PER_ISSUE_CAPS },
    counters: { issueId: 10000, commentId: 10000, remoteLinkId: 10000, optionId: 10100, perProject: {} },
  };
}

/** A site with the same users and global configuration but no projects. */
export function emptySite(): SimData {
  return { ...demoSite(), projects: [], workflows: [] };
}
