/**
 * The editing session of one project mapping: the draft and its reducer, what
 * was last saved, whether the admin has changed anything yet (problems show
 * only then, or at once for a saved mapping), and saving. Pure state logic is
 * in ./state.ts.
 */
import { useCallback, useEffect, useReducer, useState } from 'react';
import type { MappingProblem } from '../../../../src/shared/contracts/admin';
import { ApiError, api } from '../api';
import { draftFromConfig, draftToConfig, editorReducer, isDirty, type Draft, type EditorAction } from './state';
import { useSuccessFlag } from '../ui/flags';

/** Actions the editor takes on the admin's behalf: they do not count as the admin's first input. */
const NOT_INPUT: ReadonlySet<EditorAction['type']> = new Set(['load', 'setProject', 'setIssueType', 'seedFields']);

export interface EditorSession {
  draft: Draft;
  saved: Draft;
  dispatch: (action: EditorAction) => void;
  connected: boolean;
  touched: boolean;
  saving: boolean;
  saveError: unknown;
  savedNotice: boolean;
  /** Problems the server found (preview or save); merged with the draft's own. */
  serverProblems: MappingProblem[];
  setServerProblems: (problems: MappingProblem[]) => void;
  /** Saves the draft; `onConflict` runs when the project was connected meanwhile. */
  save: (onConflict: () => void) => Promise<void>;
}

export function useEditorSession(initialDraft: Draft, initiallyConnected: boolean, onDirtyChange: (dirty: boolean) => void): EditorSession {
  const [saved, setSaved] = useState(initialDraft);
  const [draft, rawDispatch] = useReducer(editorReducer, initialDraft);
  const [touched, setTouched] = useState(false);
  const [connected, setConnected] = useState(initiallyConnected);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [savedNotice, setSavedNotice] = useState(false);
  const [serverProblems, setServerProblems] = useState<MappingProblem[]>([]);

  const dispatch = useCallback((action: EditorAction) => {
    if (!NOT_INPUT.has(action.type)) setTouched(true);
    rawDispatch(action);
  }, []);
  useEffect(() => onDirtyChange(isDirty(saved, draft)), [saved, draft, onDirtyChange]);

  const flag = useSuccessFlag();
  const save = async (onConflict: () => void) => {
    setSaving(true);
    setSaveError(null);
    setSavedNotice(false);
    try {
      const result = await api.saveProject(draftToConfig(draft), !connected);
      const next = draftFromConfig(result.config);
      setSaved(next);
      rawDispatch({ type: 'load', draft: next });
      setConnected(true);
      setServerProblems([]);
      setSavedNotice(true);
      flag(`Saved ${next.projectName} (${next.projectKey})`, 'New findings use this mapping.');
    } catch (error) {
      if (error instanceof ApiError && error.code === 'CONFLICT') onConflict();
      if (error instanceof ApiError && error.code === 'MAPPING_INVALID') {
        setServerProblems(error.details.map((d) => ({ path: d.path, message: d.message, severity: 'error' as const })));
      }
      setSaveError(error);
    } finally {
      setSaving(false);
    }
  };

  return { draft, saved, dispatch, connected, touched, saving, saveError, savedNotice, serverProblems, setServerProblems, save };
}
