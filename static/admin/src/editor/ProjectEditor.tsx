/**
 * The project editor (lazy-loaded): project and issue type, the create
 * screen's fields with their sources (required first), severity → priority,
 * target status per lifecycle stage and resolution per reason, write policies,
 * and a live preview rendered by the server from a sample finding. Problems
 * are shown next to the control that fixes them; Save stays disabled while
 * any error remains. State logic lives in ./state.ts (unit-tested).
 */
import { useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { useCombobox, useDebounced } from './combobox';
import { ApiError, api } from '../api';
import type { CreateField, IssuePreview, JiraProjectSummary, MappingProblem } from '../../../../src/shared/contracts/admin';
import type { Severity } from '../../../../src/core/events/schema';
import type { FieldSource } from '../../../../src/core/config/model';
import { Banner, Button, ErrorBanner, Lozenge, Spinner, TableHead, plural, useLoad } from '../ui';
import { controlFor, needsMapping, orderFields, sourceKindsFor } from './fields';
import { SourceEditor, defaultSourceOf } from './SourceEditor';
import { DevopsSwitches } from './DevopsSwitches';
import {
  POLICIES,
  REASONS,
  SEVERITY_LIST,
  STAGES,
  draftFromConfig,
  draftProblems,
  draftToConfig,
  editorReducer,
  emptyDraft,
  hasErrors,
  isDirty,
  mergeProblems,
  problemsAt,
  severityPriorityMap,
  type Draft,
} from './state';

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
  const [saved, setSaved] = useState(initialDraft);
  const [draft, rawDispatch] = useReducer(editorReducer, initialDraft);
  // Problems show at the fields once the admin has changed something (or for a saved mapping at once):
  // a new mapping does not open covered in errors for fields nobody has touched yet.
  const [touched, setTouched] = useState(false);
  const dispatch = (action: Parameters<typeof editorReducer>[1]) => {
    if (action.type !== 'setProject' && action.type !== 'setIssueType' && action.type !== 'load') setTouched(true);
    rawDispatch(action);
  };
  const [connected, setConnected] = useState(initiallyConnected);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [savedNotice, setSavedNotice] = useState(false);
  const [serverProblems, setServerProblems] = useState<MappingProblem[]>([]);

  const dirty = isDirty(saved, draft) || !connected;
  useEffect(() => onDirtyChange(isDirty(saved, draft)), [saved, draft, onDirtyChange]);

  const key = draft.projectKey;
  // Add project: is the picked project connected already? (Asked per pick; the server refuses a second "create" too.)
  const existing = useLoad(async () => (pickProject && key && !connected ? (await api.getProject(key)).config : null), [pickProject, key]);
  const alreadyConnected = pickProject && !connected && existing.state === 'ready' && existing.data ? existing.data : null;
  const issueTypes = useLoad(async () => (key ? api.issueTypes(key) : []), [key]);
  const fields = useLoad(async () => (key && draft.issueTypeId ? api.fields(key, draft.issueTypeId) : undefined), [key, draft.issueTypeId]);
  const statuses = useLoad(async () => (key && draft.issueTypeId ? api.statuses(key, draft.issueTypeId) : []), [key, draft.issueTypeId]);
  const priorities = useLoad(async () => (key ? api.priorities(key) : []), [key]);
  const resolutions = useLoad(async () => (key ? api.resolutions(key) : []), [key]);

  const createFields = fields.state === 'ready' ? fields.data : undefined;

  // Choosing an issue type: its create screen is fetched once (the `fields` load above), then seeds the mapping.
  const seedFor = useRef<{ id: string; name: string } | null>(null);
  const chooseIssueType = (type: { id: string; name: string }) => {
    if (type.id === draft.issueTypeId) return; // chosen already (e.g. preselected as the only one)
    seedFor.current = type;
    dispatch({ type: 'setIssueType', issueType: type, fields: [] });
  };
  useEffect(() => {
    const type = seedFor.current;
    if (!type || fields.state !== 'ready' || draft.issueTypeId !== type.id || !fields.data) return;
    seedFor.current = null;
    rawDispatch({ type: 'seedFields', issueTypeId: type.id, fields: fields.data });
  }, [fields.state, fields.data, draft.issueTypeId]);
  // A project with one issue type: choose it (nothing to decide).
  const onlyType = issueTypes.state === 'ready' && issueTypes.data.length === 1 ? issueTypes.data[0] : undefined;
  useEffect(() => {
    if (onlyType && !draft.issueTypeId && !connected) chooseIssueType(onlyType);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [onlyType?.id, draft.issueTypeId, connected]);
  const localProblems = useMemo(() => draftProblems(draft, createFields), [draft, createFields]);
  const problems = useMemo(() => mergeProblems(localProblems, serverProblems), [localProblems, serverProblems]);
  const blocked = hasErrors(problems) || !createFields || !!alreadyConnected;
  const shownProblems = connected || touched ? problems : [];

  // Live preview: the server renders the issue the sample finding would create (debounced).
  const config = useMemo(() => draftToConfig(draft), [draft]);
  const previewConfig = useDebounced(config, 400);
  const previewable = !!previewConfig.projectKey && !!previewConfig.issueTypeId && !hasErrors(localProblems);
  const preview = useLoad<IssuePreview | null>(async () => (previewable ? api.preview(previewConfig) : null), [previewConfig, previewable]);
  useEffect(() => {
    if (preview.state === 'ready') setServerProblems(preview.data?.problems ?? []);
  }, [preview.state, preview.data]);

  const save = async () => {
    setSaving(true);
    setSaveError(null);
    setSavedNotice(false);
    try {
      const result = await api.saveProject(config, !connected);
      const next = draftFromConfig(result.config);
      setSaved(next);
      dispatch({ type: 'load', draft: next });
      setConnected(true);
      setServerProblems([]);
      setSavedNotice(true);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'CONFLICT') existing.reload();
      if (error instanceof ApiError && error.code === 'MAPPING_INVALID') {
        setServerProblems(error.details.map((d) => ({ path: d.path, message: d.message, severity: 'error' as const })));
      }
      setSaveError(error);
    } finally {
      setSaving(false);
    }
  };

  const ordered = createFields ? orderFields(createFields) : [];
  const mappedIds = new Set(draft.fields.map((f) => f.fieldId));
  const mappedFields = ordered.filter((f) => mappedIds.has(f.fieldId) || needsMapping(f));
  const unmappedFields = ordered.filter((f) => !mappedIds.has(f.fieldId) && !needsMapping(f));
  const missingFields = draft.fields.filter((m) => createFields && !createFields.some((f) => f.fieldId === m.fieldId));
  const sevMap = severityPriorityMap(draft);

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (!blocked && !saving) void save();
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
          <section className="card stack" aria-labelledby="target-title">
            <h3 id="target-title">Where issues are created</h3>
            {pickProject ? (
              <ProjectPicker
                value={draft.projectKey ? { key: draft.projectKey, id: draft.projectId, name: draft.projectName } : null}
                problems={problemsAt(shownProblems, 'project')}
                onChange={(project) => dispatch({ type: 'setProject', project })}
              />
            ) : null}
            {alreadyConnected ? (
              <div className="banner warning" role="alert" data-testid="already-connected">
                <p>
                  <strong>{alreadyConnected.projectName} ({alreadyConnected.projectKey}) is already connected</strong> with issue type {alreadyConnected.issueTypeName}. Adding it again
                  would replace that mapping, so it cannot be added twice.
                </p>
                {onEditExisting ? (
                  <Button kind="primary" small onClick={() => onEditExisting(alreadyConnected.projectKey)}>
                    Edit {alreadyConnected.projectKey}’s mapping
                  </Button>
                ) : null}
              </div>
            ) : null}
            {key && !alreadyConnected ? (
              <div>
                <label htmlFor="issue-type" className="required">
                  Issue type
                </label>
                {issueTypes.state === 'error' ? <ErrorBanner error={issueTypes.error} onRetry={issueTypes.reload} /> : null}
                <select
                  id="issue-type"
                  value={draft.issueTypeId}
                  disabled={issueTypes.state !== 'ready'}
                  aria-invalid={problemsAt(shownProblems, 'issueType').length > 0}
                  aria-describedby="issue-type-msg"
                  onChange={(e) => {
                    const type = issueTypes.data?.find((t) => t.id === e.target.value);
                    if (type) chooseIssueType(type);
                  }}
                >
                  <option value="">{issueTypes.state === 'loading' ? 'Loading…' : 'Choose an issue type…'}</option>
                  {(issueTypes.data ?? []).map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.name}
                    </option>
                  ))}
                </select>
                <Messages id="issue-type-msg" problems={problemsAt(shownProblems, 'issueType')} />
              </div>
            ) : null}
          </section>

          {draft.issueTypeId && !alreadyConnected ? (
            <section className="card" aria-labelledby="fields-title">
              <h3 id="fields-title">Fields</h3>
              <p className="subtle">Required fields first. Each field takes its value from a Jira value, a Backline field, a manual value or a template.</p>
              {fields.state === 'loading' ? <Spinner label="Loading the create screen from Jira…" /> : null}
              {fields.state === 'error' ? <ErrorBanner title="The fields could not be loaded" error={fields.error} onRetry={fields.reload} /> : null}
              {createFields
                ? mappedFields.map((field) => (
                    <FieldMappingEditor key={field.fieldId} field={field} draft={draft} problems={problemsAt(shownProblems, `fields.${field.fieldId}`)} dispatch={dispatch} />
                  ))
                : null}
              {missingFields.map((m) => (
                <div className="mapping" key={m.fieldId}>
                  <div className="mapping-head">
                    <strong>{m.fieldName}</strong>
                    <Button small kind="subtle" onClick={() => dispatch({ type: 'unmapField', fieldId: m.fieldId })}>
                      Remove mapping
                    </Button>
                  </div>
                  <Messages id={`msg-${m.fieldId}`} problems={problemsAt(shownProblems, `fields.${m.fieldId}`)} />
                </div>
              ))}
              {createFields && unmappedFields.length > 0 ? (
                <div className="mapping">
                  <label htmlFor="add-field">Map another field</label>
                  <div className="row">
                    <select
                      id="add-field"
                      defaultValue=""
                      onChange={(e) => {
                        const field = unmappedFields.find((f) => f.fieldId === e.target.value);
                        if (field) dispatch({ type: 'mapField', field });
                        e.target.value = '';
                      }}
                    >
                      <option value="">Choose a field…</option>
                      {unmappedFields.map((f) => (
                        <option key={f.fieldId} value={f.fieldId}>
                          {f.name}
                        </option>
                      ))}
                    </select>
                  </div>
                </div>
              ) : null}
            </section>
          ) : null}

          {draft.issueTypeId && sevMap ? (
            <section className="card" aria-labelledby="priority-title">
              <h3 id="priority-title">Severity → priority</h3>
              {priorities.state === 'error' ? <ErrorBanner error={priorities.error} onRetry={priorities.reload} /> : null}
              <table className="table">
                <TableHead columns={["Backline severity", "Jira priority"]} />
                <tbody>
                  {SEVERITY_LIST.map((severity) => (
                    <tr key={severity}>
                      <td>
                        <label htmlFor={`prio-${severity}`} style={{ textTransform: 'capitalize', fontSize: 14, fontWeight: 400, color: 'inherit' }}>
                          {severity}
                        </label>
                      </td>
                      <td>
                        <NameSelect
                          id={`prio-${severity}`}
                          value={sevMap[severity] ?? ''}
                          choices={priorities.data ?? []}
                          emptyLabel="Same name, ignoring case"
                          onChange={(priorityName) => dispatch({ type: 'setSeverityPriority', severity, priorityName })}
                        />
                        <Messages id={`prio-msg-${severity}`} problems={problemsAt(shownProblems, `priority.${severity}`)} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ) : null}

          {draft.issueTypeId ? (
            <section className="card" aria-labelledby="workflow-title">
              <h3 id="workflow-title">Workflow</h3>
              <p className="subtle">The status each step moves the issue to, through your workflow's transitions. “No change” only adds a comment.</p>
              {statuses.state === 'error' ? <ErrorBanner error={statuses.error} onRetry={statuses.reload} /> : null}
              <table className="table">
                <tbody>
                  {STAGES.map(({ stage, label }) => (
                    <tr key={stage}>
                      <td>
                        <label htmlFor={`status-${stage}`} style={{ fontSize: 14, fontWeight: 400, color: 'inherit' }}>
                          {label}
                        </label>
                      </td>
                      <td>
                        <select
                          id={`status-${stage}`}
                          value={draft.statuses[stage]?.id ?? ''}
                          aria-describedby={`status-msg-${stage}`}
                          onChange={(e) => {
                            const status = statuses.data?.find((s) => s.id === e.target.value);
                            dispatch({ type: 'setStatus', stage, status: status ? { id: status.id, name: status.name } : null });
                          }}
                        >
                          <option value="">No change</option>
                          {(statuses.data ?? []).map((s) => (
                            <option key={s.id} value={s.id}>
                              {s.name}
                            </option>
                          ))}
                        </select>
                        <Messages id={`status-msg-${stage}`} problems={problemsAt(shownProblems, `statuses.${stage}`)} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h3>Resolution when a finding is resolved</h3>
              {resolutions.state === 'error' ? <ErrorBanner error={resolutions.error} onRetry={resolutions.reload} /> : null}
              <table className="table">
                <tbody>
                  {REASONS.map(({ reason, label }) => (
                    <tr key={reason}>
                      <td>
                        <label htmlFor={`resolution-${reason}`} style={{ fontSize: 14, fontWeight: 400, color: 'inherit' }}>
                          {label}
                        </label>
                      </td>
                      <td>
                        <NameSelect
                          id={`resolution-${reason}`}
                          value={draft.resolutions[reason] ?? ''}
                          choices={resolutions.data ?? []}
                          onChange={(name) => dispatch({ type: 'setResolution', reason, name })}
                        />
                        <Messages id={`resolution-msg-${reason}`} problems={problemsAt(shownProblems, `resolutions.${reason}`)} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ) : null}

          {draft.issueTypeId ? (
            <section className="card stack" aria-labelledby="options-title">
              <h3 id="options-title">Options</h3>
              <label className="check">
                <input type="checkbox" checked={draft.enabled} onChange={(e) => dispatch({ type: 'setOption', option: 'enabled', value: e.target.checked })} />
                Create and update issues (uncheck to pause this project)
              </label>
              <label className="check">
                <input type="checkbox" checked={draft.commentOnLifecycle} onChange={(e) => dispatch({ type: 'setOption', option: 'commentOnLifecycle', value: e.target.checked })} />
                Comment on the issue when a pull request opens, merges or closes
              </label>
              <label className="check">
                <input type="checkbox" checked={draft.recreateDeletedIssues} onChange={(e) => dispatch({ type: 'setOption', option: 'recreateDeletedIssues', value: e.target.checked })} />
                Re-create an issue that was deleted in Jira when its finding changes
              </label>
              <DevopsSwitches draft={draft} dispatch={dispatch} />
              <div>
                <label htmlFor="min-severity">Minimum severity</label>
                <select id="min-severity" value={draft.minimumSeverity} onChange={(e) => dispatch({ type: 'setMinimumSeverity', severity: e.target.value as Severity })}>
                  {SEVERITY_LIST.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
                <div className="help">Findings below this severity create no issue.</div>
              </div>
            </section>
          ) : null}
        </div>

        <aside className="card preview" aria-labelledby="preview-title" aria-live="polite">
          <h3 id="preview-title">Preview</h3>
          <p className="subtlest">The issue a sample finding (“Prototype pollution in lodash”, high) would create.</p>
          {!previewable ? <p className="subtle">Complete the required fields to see the preview.</p> : null}
          {previewable && preview.state === 'loading' ? <Spinner label="Rendering…" /> : null}
          {preview.state === 'error' ? <ErrorBanner error={preview.error} /> : null}
          {previewable && preview.data ? (
            <dl data-testid="preview">
              {preview.data.fields.map((f) => (
                <div key={f.fieldId}>
                  <dt>{f.name}</dt>
                  <dd>{f.display || <span className="subtlest">(empty)</span>}</dd>
                </div>
              ))}
            </dl>
          ) : null}
        </aside>
      </div>

      <div className="sticky-actions">
        <Button kind="primary" type="submit" disabled={blocked || saving || !dirty} aria-describedby="save-state">
          {saving ? 'Saving…' : connected ? 'Save' : 'Connect project'}
        </Button>
        {onClose ? (
          <Button kind="subtle" onClick={() => onClose(false)}>
            {dirty && connected ? 'Cancel' : 'Back to projects'}
          </Button>
        ) : null}
        <span id="save-state" className="subtle" role="status">
          {savedNotice && !isDirty(saved, draft)
            ? 'Saved. New findings use this mapping.'
            : blocked && createFields
              ? `${plural(problems.filter((p) => p.severity === 'error').length, 'problem')} to fix before saving.`
              : isDirty(saved, draft)
                ? 'Unsaved changes.'
                : ''}
        </span>
      </div>
      {saveError ? <ErrorBanner title="Not saved" error={saveError} /> : null}
    </form>
  );
}

function Messages({ id, problems }: { id: string; problems: MappingProblem[] }) {
  return (
    <div id={id}>
      {problems.map((p) => (
        <div key={`${p.path}${p.message}`} className={p.severity === 'error' ? 'field-error' : 'field-warning'}>
          {p.message}
        </div>
      ))}
    </div>
  );
}

/** Sources of one field mapping (the configuration's limit). */
const MAX_SOURCES = 10;

/** A fallback behind a Backline field is most often a fixed value: a value from Jira where the field has them. */
function fallbackKind(field: CreateField): FieldSource['kind'] {
  const kinds = sourceKindsFor(controlFor(field));
  return kinds.includes('jira') ? 'jira' : kinds.includes('manual') ? 'manual' : (kinds[0] ?? 'backline');
}

function FieldMappingEditor({
  field,
  draft,
  problems,
  dispatch,
}: {
  field: CreateField;
  draft: Draft;
  problems: MappingProblem[];
  dispatch: React.Dispatch<Parameters<typeof editorReducer>[1]>;
}) {
  const mapping = draft.fields.find((m) => m.fieldId === field.fieldId);
  const required = needsMapping(field);
  const headId = `field-${field.fieldId}`;
  // Multi-value fields and text take every source's value; any other field the first that gives one Jira accepts.
  const control = controlFor(field);
  const takesSeveral = control === 'labels' || control === 'multiselect' || control === 'text' || control === 'textarea';
  const fieldLevel = problems.filter((p) => p.path === `fields.${field.fieldId}`);
  return (
    <div className="mapping" data-field={field.fieldId} role="group" aria-labelledby={headId}>
      <div className="mapping-head">
        <strong id={headId} className={required ? 'required' : undefined}>
          {field.name}
        </strong>
        <span className="subtlest">{field.fieldId}</span>
      </div>
      {mapping ? (
        <>
          {mapping.sources.length > 1 ? (
            <p className="help">
              {takesSeveral
                ? `${field.name} takes the values of every source.`
                : `${field.name} takes the first source, in this order, that gives a value Jira accepts; the ones below are fallbacks.`}
            </p>
          ) : null}
          {mapping.sources.map((source, index) => {
            const msgs = problems.filter((p) => p.path === `fields.${field.fieldId}.${index}`);
            const msgId = `msg-${field.fieldId}-${index}`;
            return (
              <div key={index}>
                <div className="source-row">
                  <SourceEditor
                    id={`src-${field.fieldId}-${index}`}
                    projectKey={draft.projectKey}
                    field={field}
                    source={source}
                    invalid={msgs.length > 0}
                    describedBy={msgId}
                    onChange={(next) => dispatch({ type: 'setSource', fieldId: field.fieldId, index, source: next })}
                  />
                  {mapping.sources.length > 1 || !required ? (
                    <div style={{ alignSelf: 'flex-end' }}>
                      <Button small kind="subtle" onClick={() => dispatch({ type: 'removeSource', fieldId: field.fieldId, index })} aria-label={`Remove source ${index + 1} of ${field.name}`}>
                        Remove
                      </Button>
                    </div>
                  ) : null}
                </div>
                <Messages id={msgId} problems={msgs} />
              </div>
            );
          })}
          <div className="row" style={{ marginTop: 8 }}>
            <label htmlFor={`policy-${field.fieldId}`} style={{ margin: 0 }}>
              Write
            </label>
            <select id={`policy-${field.fieldId}`} value={mapping.writePolicy} onChange={(e) => dispatch({ type: 'setPolicy', fieldId: field.fieldId, policy: e.target.value as (typeof POLICIES)[number]['policy'] })}>
              {POLICIES.map((p) => (
                <option key={p.policy} value={p.policy} title={p.help}>
                  {p.label}
                </option>
              ))}
            </select>
            <span className="subtlest">{POLICIES.find((p) => p.policy === mapping.writePolicy)?.help}</span>
            {mapping.sources.length < MAX_SOURCES ? (
              <Button
                small
                kind="subtle"
                onClick={() => dispatch({ type: 'addSource', fieldId: field.fieldId, source: defaultSourceOf(takesSeveral ? 'backline' : fallbackKind(field), field) })}
                aria-label={takesSeveral ? `Add source to ${field.name}` : `Add fallback source to ${field.name}`}
              >
                {takesSeveral ? 'Add source' : 'Add fallback source'}
              </Button>
            ) : null}
          </div>
        </>
      ) : (
        <div className="row" style={{ marginTop: 8 }}>
          <Button small onClick={() => dispatch({ type: 'mapField', field })}>
            Map {field.name}
          </Button>
        </div>
      )}
      <Messages id={`msg-${field.fieldId}`} problems={fieldLevel} />
    </div>
  );
}

/**
 * A select of Jira values stored by name (priorities, resolutions). A saved name
 * Jira no longer lists stays selectable, so opening the editor never silently
 * changes a mapping; validation reports it instead.
 */
function NameSelect({
  id,
  value,
  choices,
  emptyLabel,
  onChange,
}: {
  id: string;
  value: string;
  choices: ReadonlyArray<{ id: string; name: string }>;
  emptyLabel?: string;
  onChange: (name: string) => void;
}) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
      {emptyLabel !== undefined ? <option value="">{emptyLabel}</option> : null}
      {choices.map((choice) => (
        <option key={choice.id} value={choice.name}>
          {choice.name}
        </option>
      ))}
      {value && !choices.some((choice) => choice.name === value) ? <option value={value}>{value}</option> : null}
    </select>
  );
}

function ProjectPicker({
  value,
  problems,
  onChange,
}: {
  value: JiraProjectSummary | null;
  problems: MappingProblem[];
  onChange: (project: JiraProjectSummary) => void;
}) {
  const [text, setText] = useState(value ? `${value.name} (${value.key})` : '');
  const combo = useCombobox();
  const { open, active, setOpen } = combo;
  const query = useDebounced(text, 250);
  const results = useLoad(() => api.jiraProjects(value && text === `${value.name} (${value.key})` ? undefined : query || undefined), [query]);
  const listRef = useRef<HTMLUListElement>(null);
  const options = results.data ?? [];
  const choose = (project: JiraProjectSummary) => {
    onChange(project);
    setText(`${project.name} (${project.key})`);
    setOpen(false);
  };
  return (
    <div className="combo">
      <label htmlFor="project-search" className="required">
        Jira project
      </label>
      <input
        id="project-search"
        type="search"
        role="combobox"
        aria-expanded={open}
        aria-controls="project-options"
        aria-autocomplete="list"
        aria-activedescendant={open && options[active] ? `project-option-${options[active].key}` : undefined}
        aria-invalid={problems.length > 0}
        aria-describedby="project-msg"
        placeholder="Search projects by name or key"
        style={{ width: '100%' }}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          combo.typed();
        }}
        {...combo.inputProps(options, choose)}
      />
      {open ? (
        <ul id="project-options" role="listbox" ref={listRef} aria-label="Projects">
          {results.state === 'loading' ? <li aria-disabled="true">Searching…</li> : null}
          {results.state === 'error' ? <li aria-disabled="true">Search failed: {results.error instanceof Error ? results.error.message : 'try again'}</li> : null}
          {results.state === 'ready' && options.length === 0 ? <li aria-disabled="true">No project matches “{text}”.</li> : null}
          {options.map((p, i) => (
            <li
              key={p.key}
              id={`project-option-${p.key}`}
              role="option"
              aria-selected={i === active}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(p);
              }}
            >
              {p.name} <span className="subtlest">{p.key}</span>
            </li>
          ))}
        </ul>
      ) : null}
      <Messages id="project-msg" problems={problems} />
    </div>
  );
}
