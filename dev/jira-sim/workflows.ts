/**
 * Workflow graph: which transitions an issue can take from its status, and the
 * representations of the current (non-deprecated) workflow read API:
 * `GET /workflowscheme/project?projectId=` then `POST /workflows`.
 */
import { CATEGORY_ENUM, type Repr } from './repr';
import { jiraTime, type SimStore } from './store';
import type { SimProject, SimTransition, SimWorkflow } from './types';

export function availableTransitions(workflow: SimWorkflow, statusId: string): SimTransition[] {
  return workflow.transitions.filter((t) => t.global || t.from.includes(statusId));
}

export function findTransition(workflow: SimWorkflow, statusId: string, id: string): SimTransition | undefined {
  return availableTransitions(workflow, statusId).find((t) => t.id === id);
}

/** One entry of `GET /workflowscheme/project` (ContainerOfWorkflowSchemeAssociations.values[]). */
export function schemeAssociation(store: SimStore, repr: Repr, projects: SimProject[]): Record<string, unknown> {
  const p = projects[0];
  const scheme = p.workflowScheme;
  const mappings: Record<string, string> = {};
  for (const [issueTypeId, wfId] of Object.entries(scheme.mappings)) mappings[issueTypeId] = store.workflow(wfId).name;
  return {
    projectIds: projects.map((x) => x.id),
    workflowScheme: {
      id: scheme.id,
      name: scheme.name,
      description: `Workflow scheme of ${p.name}.`,
      defaultWorkflow: store.workflow(scheme.defaultWorkflowId).name,
      issueTypeMappings: mappings,
      self: `${repr.rest}/workflowscheme/${scheme.id}`,
    },
  };
}

/** `POST /workflows` response: the workflows and the statuses they reference. */
export function workflowReadResponse(store: SimStore, workflows: SimWorkflow[]): Record<string, unknown> {
  const statusIds = new Set(workflows.flatMap((w) => w.statuses));
  const statuses = [...statusIds].map((id) => {
    const s = store.status(id);
    return { id: s.id, name: s.name, description: s.description, statusCategory: CATEGORY_ENUM[s.categoryKey], statusReference: s.id, scope: { type: 'GLOBAL' } };
  });
  return {
    statuses,
    workflows: workflows.map((w) => ({
      id: w.id,
      name: w.name,
      description: w.description,
      isEditable: true,
      scope: { type: 'GLOBAL' },
      startPointLayout: { x: 0, y: 0 },
      statuses: w.statuses.map((id, i) => ({ statusReference: id, deprecated: false, layout: { x: 120 * i, y: 0 }, properties: {} })),
      transitions: [
        { id: '1', name: 'Create', type: 'INITIAL', toStatusReference: w.initialStatus, links: [], actions: [], validators: [], triggers: [], properties: {}, description: '' },
        ...w.transitions.map((t) => ({
          id: t.id,
          name: t.name,
          description: '',
          type: t.global ? 'GLOBAL' : 'DIRECTED',
          toStatusReference: t.to,
          links: t.global ? [] : t.from.map((from) => ({ fromStatusReference: from, fromPort: 0, toPort: 1 })),
          actions: [],
          validators: [],
          triggers: [],
          properties: {},
          ...(t.screen ? { transitionScreen: { ruleKey: 'system:transition-screen', parameters: { screenId: `screen-${t.id}` } } } : {}),
        })),
      ],
      updated: w.updated,
      version: { id: `${w.id.slice(0, 24)}${String(w.versionNumber).padStart(12, '0')}`, versionNumber: w.versionNumber },
    })),
  };
}

/** Marks a workflow as changed (tests change workflows behind the app's back). */
export function bumpWorkflow(w: SimWorkflow, now: number): void {
  w.versionNumber += 1;
  w.updated = jiraTime(now);
}
