/**
 * The simulator's data model. It is deliberately closer to Jira's own
 * configuration model (fields with contexts, screens per operation, workflows
 * with directed and global transitions) than to the REST shapes, so the REST
 * handlers can derive every representation (create metadata, transitions,
 * issue JSON) from one source of truth and tests can change configuration
 * behind the app's back.
 */

/** Jira's JsonTypeBean: the `schema` of a field in create metadata and `/field`. */
export interface FieldSchema {
  type: string;
  items?: string;
  system?: string;
  custom?: string;
  customId?: number;
}

export interface SimOption {
  id: string;
  value: string;
  disabled?: boolean;
  /** Children of a cascading select option. */
  children?: SimOption[];
}

/**
 * How the simulator validates and stores a field's value. One kind per Jira
 * schema family; `fields.ts` implements each.
 */
export type FieldKind =
  | 'summary'
  | 'text' // single-line string (custom textfield)
  | 'adf' // description, textarea custom fields: Atlassian Document Format
  | 'number'
  | 'date'
  | 'datetime'
  | 'priority'
  | 'labels'
  | 'components'
  | 'versions'
  | 'option'
  | 'options' // multi select
  | 'cascading'
  | 'user'
  | 'project'
  | 'issuetype'
  | 'resolution';

export interface SimField {
  id: string;
  key: string;
  name: string;
  custom: boolean;
  kind: FieldKind;
  schema: FieldSchema;
  /** JQL clause names (`/field` answers them). */
  clauseNames: string[];
  /** Options of select / multi select / cascading fields (one global context in the simulator). */
  options?: SimOption[];
}

export interface SimStatusCategory {
  id: number;
  key: 'new' | 'indeterminate' | 'done';
  colorName: string;
  name: string;
}

export interface SimStatus {
  id: string;
  name: string;
  description: string;
  categoryKey: SimStatusCategory['key'];
}

export interface SimPriority {
  id: string;
  name: string;
  description: string;
  statusColor: string;
  isDefault?: boolean;
}

export interface SimResolution {
  id: string;
  name: string;
  description: string;
  isDefault?: boolean;
}

export interface SimIssueType {
  id: string;
  name: string;
  description: string;
  iconUrl: string;
  hierarchyLevel: number;
  entityId: string;
}

export interface SimComponent {
  id: string;
  name: string;
  description?: string;
}

export interface SimVersion {
  id: string;
  name: string;
  released: boolean;
}

/** A field on a screen: whether it is required and an optional default. */
export interface ScreenField {
  fieldId: string;
  required?: boolean;
  /** Default applied on create when the caller sends nothing. */
  defaultValue?: unknown;
}

/** Field configuration of one project + issue type. */
export interface IssueTypeScreens {
  create: ScreenField[];
  /** Field ids on the edit screen. Jira's default: everything of the create screen. */
  edit: string[];
}

export interface SimTransition {
  id: string;
  name: string;
  /** Status ids the transition starts from; empty with `global: true` = from any status. */
  from: string[];
  to: string;
  global?: boolean;
  /** Fields on the transition screen; undefined = no screen. */
  screen?: ScreenField[];
  /**
   * Workflow validators that refuse the transition with their message (400,
   * `errorMessages`). Transition metadata does not show them, as in Jira.
   */
  validators?: Array<{ message: string }>;
}

export interface SimWorkflow {
  id: string; // uuid, as the new workflow API answers
  name: string;
  description: string;
  /** Status ids in display order; the first one is the initial status. */
  statuses: string[];
  initialStatus: string;
  transitions: SimTransition[];
  versionNumber: number;
  updated: string;
}

export interface SimProject {
  id: string;
  key: string;
  name: string;
  description: string;
  projectTypeKey: 'software' | 'service_desk' | 'business';
  simplified: boolean;
  leadAccountId: string;
  issueTypeIds: string[];
  components: SimComponent[];
  versions: SimVersion[];
  /** issueTypeId → screens. */
  screens: Record<string, IssueTypeScreens>;
  /** issueTypeId → workflow id (the project's workflow scheme). */
  workflowScheme: { id: number; name: string; defaultWorkflowId: string; mappings: Record<string, string> };
  uuid: string;
}

export interface SimUser {
  accountId: string;
  accountType: 'atlassian' | 'app';
  displayName: string;
  emailAddress: string;
  active: boolean;
  timeZone: string;
  /** Global permission keys, e.g. ADMINISTER. */
  globalPermissions: string[];
  /** projectKey or '*' → project permission keys. */
  projectPermissions: Record<string, string[]>;
}

export interface SimComment {
  id: string;
  authorId: string;
  body: AdfDoc;
  created: number;
  updated: number;
}

export interface SimRemoteLink {
  id: number;
  globalId?: string;
  application?: Record<string, unknown>;
  relationship?: string;
  object: Record<string, unknown>;
}

/** An ADF document as sent by clients (validated in adf.ts). */
export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

export interface AdfNode {
  type: string;
  text?: string;
  attrs?: Record<string, unknown>;
  marks?: Array<{ type: string; attrs?: Record<string, unknown> }>;
  content?: AdfNode[];
}

/**
 * An issue as stored: values in a normalised form (ids for options,
 * priorities, components; strings for dates; ADF docs), rendered to Jira's
 * REST shape by `issue-json.ts`.
 */
export interface SimIssue {
  id: string;
  key: string;
  projectId: string;
  issueTypeId: string;
  statusId: string;
  resolutionId: string | null;
  resolutionDate: number | null;
  created: number;
  updated: number;
  statusChanged: number;
  creatorId: string;
  /** Field id → normalised value (system fields like summary included). */
  fields: Record<string, unknown>;
  properties: Record<string, unknown>;
  comments: SimComment[];
  remoteLinks: SimRemoteLink[];
}

export interface SimData {
  users: SimUser[];
  fields: SimField[];
  statuses: SimStatus[];
  priorities: SimPriority[];
  resolutions: SimResolution[];
  issueTypes: SimIssueType[];
  workflows: SimWorkflow[];
  projects: SimProject[];
  /** id → issue, in creation order. */
  issues: Map<string, SimIssue>;
  /**
   * Site settings: issue linking (Jira admin → Issue features → Issue linking,
   * on by default) and the per-issue caps (`_sim/limits` lowers them for tests).
   */
  settings: { issueLinking: boolean; commentsPerIssue: number; remoteLinksPerIssue: number };
  counters: { issueId: number; commentId: number; remoteLinkId: number; optionId: number; perProject: Record<string, number> };
}
