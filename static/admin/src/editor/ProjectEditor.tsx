/**
 * The project editor (lazy-loaded): project and issue type, the create
 * screen's fields with their sources (required first), severity → priority,
 * target status per lifecycle stage and resolution per reason, write policies,
 * and a live preview rendered by the server from a sample finding. Problems
 * are shown next to the control that fixes them; Save stays disabled while
 * any error remains. One component per section (./sections/, each taking the
 * draft and dispatch); Jira data comes from useEditorData, the editing
 * session (draft, saving) from useEditorSession, pure state logic from
 * ./state.ts (unit-tested).
 */
import { useEffect, useMemo } from 'react';
import type { IssuePreview } from '../../../../src/shared/contracts/admin';
import { api } from '../api';
import { Banner, ErrorBanner, Lozenge, Spinner, useLoad } from '../ui';
import { useDebounced } from './debounce';
import { FieldsSection } from './sections/FieldsSection';
import { MappingBackSection } from './sections/MappingBackSection';
import { GroupingSection } from './sections/GroupingSection';
import { OptionsSection } from './sections/OptionsSection';
import { PreviewPanel } from './sections/PreviewPanel';
import { PrioritySection } from './sections/PrioritySection';
import { SaveBar } from './sections/SaveBar';
import { TargetSection } from './sections/TargetSection';
import { WorkflowSection } from './sections/WorkflowSection';
import { draftFromConfig, draftProblems, draftToConfig, emptyDraft, hasErrors, isDirty, mergeProblems, type Draft } from './state';
import { useEditorData } from './useEditorData';
import { useEditorSession } from './useEditorSession';

export interface ProjectEditorProps {
  /** Edit this project (connected or not); absent = pick a project (admin page "Add project"). */
  projectKey?: string | undefined;
  /** The project settings page: the project is given by the page, not chosen. */
  fixedProject: boolean;
  onClose: ((saved: boolean) => void) | undefined;
  onDirtyChange: (dirty: boolean) => void;
  /** "Add project" picked a project that is already connected: open its mapping instead. */
  onEditExisting?: ((projectKey: string) => void) | undefined;
}

export default function ProjectEditor({ projectKey, fixedProject, onClose, onDirtyChange, onEditExisting }: ProjectEditorProps) {
  const initial = useLoad(async () => {
    if (!projectKey) return { draft: emptyDraft(), connected: false };
    const { config, project } = await api.getProject(projectKey);
    return config ? { draft: draftFromConfig(config), connected: true } : { draft: emptyDraft(project), connected: false };
  }, [projectKey]);

  if (initial.state === 'loading') return <Spinner label="Loading the project mapping…" />;
  if (initial.state === 'error') return <ErrorBanner title="The project could not be loaded" error={initial.error} onRetry={initial.reload} />;
  return (
    <EditorForm
      key={projectKey ?? 'new'}
      initialDraft={initial.data.draft}
      connected={initial.data.connected}
      pickProject={!projectKey && !fixedProject}
      onClose={onClose}
      onDirtyChange={onDirtyChange}
      onEditExisting={onEditExisting}
    />
  );
}

/** The editor once its project's saved mapping (if any) is loaded: composes the sections. */
function EditorForm({
  initialDraft,
  connected: initiallyConnected,
  pickProject,
  onClose,
  onDirtyChange,
  onEditExisting,
}: {
  initialDraft: Draft;
  connected: boolean;
  pickProject: boolean;
  onClose: ((saved: boolean) => void) | undefined;
  onDirtyChange: (dirty: boolean) => void;
  onEditExisting: ((projectKey: string) => void) | undefined;
}) {
  const session = useEditorSession(initialDraft, initiallyConnected, onDirtyChange);
  const { draft, dispatch, connected, serverProblems, setServerProblems } = session;
  const data = useEditorData({ draft, dispatch, pickProject, connected });
  const { createFields, alreadyConnected } = data;

  const localProblems = useMemo(() => draftProblems(draft, createFields), [draft, createFields]);
  const problems = useMemo(() => mergeProblems(localProblems, serverProblems), [localProblems, serverProblems]);
  const errorCount = problems.filter((p) => p.severity === 'error').length;
  const canSave = errorCount === 0 && !!createFields && !alreadyConnected;
  // Problems show once the admin has changed something (or at once for a saved mapping):
  // a new mapping does not open covered in errors for fields nobody has touched yet.
  const shown = connected || session.touched ? problems : [];

  // Live preview: the server renders the issue the sample finding would create (debounced).
  const config = useMemo(() => draftToConfig(draft), [draft]);
  const previewConfig = useDebounced(config, 400);
  const previewable = !!previewConfig.projectKey && !!previewConfig.issueTypeId && !hasErrors(localProblems);
  const preview = useLoad<IssuePreview | null>(async () => (previewable ? api.preview(previewConfig) : null), [previewConfig, previewable]);
  useEffect(() => {
    if (preview.state === 'ready') setServerProblems(preview.data?.problems ?? []);
  }, [preview.state, preview.data, setServerProblems]);

  const unsaved = isDirty(session.saved, draft);
  const sectionProps = { draft, dispatch, problems: shown };
  const typeChosen = !!draft.issueTypeId && !alreadyConnected;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (canSave && !session.saving) void session.save(data.existing.reload);
      }}
      aria-label="Project mapping"
    >
      <div className="spread">
        <h2>{draft.projectName ? `${draft.projectName} (${draft.projectKey})` : 'Connect a project'}</h2>
        {connected ? <Lozenge kind="success">Connected</Lozenge> : <Lozenge kind="neutral">Not connected</Lozenge>}
      </div>
      {!connected && !pickProject ? <Banner kind="info">This project is not connected to Backline yet. Choose an issue type and map its fields, then save.</Banner> : null}
      <div className="editor-grid">
        <div>
          <TargetSection {...sectionProps} data={data} pickProject={pickProject} onEditExisting={onEditExisting} />
          {typeChosen ? <FieldsSection {...sectionProps} fields={data.fields} /> : null}
          {typeChosen ? <PrioritySection {...sectionProps} priorities={data.priorities} /> : null}
          {typeChosen ? <WorkflowSection {...sectionProps} statuses={data.statuses} resolutions={data.resolutions} /> : null}
          {typeChosen ? <MappingBackSection {...sectionProps} resolutions={data.resolutions} /> : null}
          {typeChosen ? <GroupingSection draft={draft} dispatch={dispatch} savedGroupBy={connected ? session.saved.groupBy : undefined} /> : null}
          {typeChosen ? <OptionsSection draft={draft} dispatch={dispatch} /> : null}
        </div>
        <PreviewPanel previewable={previewable} preview={preview} />
      </div>
      <SaveBar
        connected={connected}
        saving={session.saving}
        canSave={canSave}
        dirty={unsaved || !connected}
        unsaved={unsaved}
        savedNotice={session.savedNotice}
        errorCount={createFields && errorCount > 0 ? errorCount : undefined}
        onClose={onClose}
      />
      {session.saveError ? <ErrorBanner title="Not saved" error={session.saveError} /> : null}
    </form>
  );
}
