/**
 * Everything the editor reads from Jira for the draft's project and issue
 * type, one load each: whether a picked project is connected already, its
 * issue types, the chosen type's create screen (fields) and statuses, the
 * priorities and resolutions. Choosing an issue type fetches its fields once:
 * the same load both shows the fields and seeds the new mapping.
 */
import { useEffect, useRef, type Dispatch } from 'react';
import type { ProjectConfig } from '../../../../src/core/config/model';
import type { CreateField, JiraIssueTypeSummary, JiraNamed, JiraStatusSummary } from '../../../../src/shared/contracts/admin';
import { api } from '../api';
import { useLoad, type Load } from '../ui';
import type { Draft, EditorAction } from './state';

type Loaded<T> = Load<T> & { reload: () => void };

export interface EditorData {
  /** The picked project's saved mapping when "Add project" picked a project that is connected already. */
  existing: Loaded<ProjectConfig | null>;
  alreadyConnected: ProjectConfig | null;
  issueTypes: Loaded<JiraIssueTypeSummary[]>;
  fields: Loaded<CreateField[] | undefined>;
  /** The chosen issue type's create screen once loaded. */
  createFields: CreateField[] | undefined;
  statuses: Loaded<JiraStatusSummary[]>;
  priorities: Loaded<JiraNamed[]>;
  resolutions: Loaded<JiraNamed[]>;
  chooseIssueType: (type: { id: string; name: string }) => void;
  /**
   * When adding a project ends the one-project fallback (docs/admin.md "Routing"): the
   * project that today receives every finding no rule routes, because it is the only one.
   */
  endsOnlyProject: string | null;
}

export function useEditorData({
  draft,
  dispatch,
  pickProject,
  connected,
}: {
  draft: Draft;
  dispatch: Dispatch<EditorAction>;
  pickProject: boolean;
  connected: boolean;
}): EditorData {
  const key = draft.projectKey;
  const typeId = draft.issueTypeId;
  // Asked per pick; the server refuses a second "create" too.
  const existing = useLoad(async () => (pickProject && key && !connected ? (await api.getProject(key)).config : null), [pickProject, key]);
  const alreadyConnected = pickProject && !connected && existing.state === 'ready' && existing.data ? existing.data : null;
  const issueTypes = useLoad(async () => (key ? api.issueTypes(key) : []), [key]);
  const fields = useLoad(async () => (key && typeId ? api.fields(key, typeId) : undefined), [key, typeId]);
  const statuses = useLoad(async () => (key && typeId ? api.statuses(key, typeId) : []), [key, typeId]);
  const priorities = useLoad(async () => (key ? api.priorities(key) : []), [key]);
  const resolutions = useLoad(async () => (key ? api.resolutions(key) : []), [key]);
  // Storage only (no Jira call): read once when adding a project.
  const routing = useLoad(async () => (pickProject ? api.routing() : null), [pickProject]);
  const routed = routing.state === 'ready' ? routing.data : null;
  const endsOnlyProject =
    routed && key && routed.connectedProjects.length === 1 && routed.connectedProjects[0] !== key && !routed.settings.defaultProjectKey ? (routed.connectedProjects[0] ?? null) : null;
  const createFields = fields.state === 'ready' ? fields.data : undefined;

  // The type just chosen waits for its create screen (the `fields` load above), which then seeds its mapping.
  const seedFor = useRef<string | null>(null);
  const chooseIssueType = (type: { id: string; name: string }) => {
    if (type.id === draft.issueTypeId) return; // chosen already (e.g. preselected as the only one)
    seedFor.current = type.id;
    dispatch({ type: 'setIssueType', issueType: type, fields: [] });
  };
  useEffect(() => {
    if (!seedFor.current || seedFor.current !== typeId || fields.state !== 'ready' || !fields.data) return;
    seedFor.current = null;
    dispatch({ type: 'seedFields', issueTypeId: typeId, fields: fields.data });
  }, [fields.state, fields.data, typeId, dispatch]);

  // A project with one issue type: it is chosen (nothing to decide).
  const onlyType = issueTypes.state === 'ready' && issueTypes.data.length === 1 ? issueTypes.data[0] : undefined;
  useEffect(() => {
    if (onlyType && !draft.issueTypeId && !connected) chooseIssueType(onlyType);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [onlyType?.id, draft.issueTypeId, connected]);

  return { existing, alreadyConnected, issueTypes, fields, createFields, statuses, priorities, resolutions, chooseIssueType, endsOnlyProject };
}
