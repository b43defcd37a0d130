/**
 * Create metadata of the simulator's demo site (dev/jira-sim/seed.ts), in the
 * shape `GET /issue/createmeta/{project}/issuetypes/{id}` answers (Jira Cloud
 * docs: FieldCreateMetadata), parsed by the app's own parser. Integration
 * tests use the simulator's real responses; these keep unit tests pure.
 */
import { parseCreateMetaField, type CreateMeta, type CreateMetaField } from '../../../src/core/jira/create-meta';
import { demoSite, SIM_ISSUE_TYPES, SIM_PROJECTS, SIM_STATUSES } from '../../../dev/jira-sim/seed';
import type { SimOption } from '../../../dev/jira-sim/types';

function optionJson(option: SimOption): Record<string, unknown> {
  return {
    self: `https://sim.test/rest/api/3/customFieldOption/${option.id}`,
    id: option.id,
    value: option.value,
    ...(option.disabled ? { disabled: true } : {}),
    ...(option.children ? { children: option.children.map(optionJson) } : {}),
  };
}

export function rawCreateMetaFields(projectKey: 'SEC' | 'APP', issueTypeId: string): unknown[] {
  const site = demoSite();
  const project = site.projects.find((p) => p.key === projectKey)!;
  const screen = project.screens[issueTypeId].create;
  return screen.map((sf) => {
    const field = site.fields.find((f) => f.id === sf.fieldId)!;
    let allowedValues: unknown[] | undefined;
    if (field.options) allowedValues = field.options.map(optionJson);
    if (field.id === 'priority') allowedValues = site.priorities.map((p) => ({ self: `https://sim.test/rest/api/3/priority/${p.id}`, id: p.id, name: p.name, iconUrl: '' }));
    if (field.id === 'components') allowedValues = project.components.map((c) => ({ self: `https://sim.test/rest/api/3/component/${c.id}`, id: c.id, name: c.name }));
    if (field.id === 'issuetype') allowedValues = [{ id: issueTypeId, name: 'x' }];
    return {
      required: sf.required ?? false,
      schema: field.schema,
      name: field.name,
      key: field.key,
      fieldId: field.id,
      hasDefaultValue: sf.defaultValue !== undefined,
      operations: field.id === 'labels' ? ['add', 'set', 'remove'] : ['set'],
      ...(allowedValues ? { allowedValues } : {}),
    };
  });
}

export function simMeta(projectKey: 'SEC' | 'APP', issueTypeId: string): CreateMeta {
  return {
    projectKey,
    projectId: SIM_PROJECTS[projectKey].id,
    issueTypeId,
    fields: rawCreateMetaFields(projectKey, issueTypeId).map(parseCreateMetaField).filter((f): f is CreateMetaField => f !== undefined),
  };
}

export const secVulnerabilityMeta = (): CreateMeta => simMeta('SEC', SIM_ISSUE_TYPES.Vulnerability);
export const secTaskMeta = (): CreateMeta => simMeta('SEC', SIM_ISSUE_TYPES.Task);
export const appBugMeta = (): CreateMeta => simMeta('APP', SIM_ISSUE_TYPES.Bug);

export function metaField(meta: CreateMeta, fieldId: string): CreateMetaField {
  const field = meta.fields.find((f) => f.fieldId === fieldId);
  if (!field) throw new Error(`no field ${fieldId}`);
  return field;
}

export const SEC_STATUSES = [
  { id: SIM_STATUSES.ToDo, name: 'To Do' },
  { id: SIM_STATUSES.InProgress, name: 'In Progress' },
  { id: SIM_STATUSES.InReview, name: 'In Review' },
  { id: SIM_STATUSES.Done, name: 'Done' },
];


export const RESOLUTIONS = [
  { id: '10000', name: 'Fixed' },
  { id: '10001', name: "Won't Fix" },
  { id: '10002', name: 'Duplicate' },
  { id: '10003', name: 'Done' },
];

export { lodashFinding } from '../../fakes/findings';
