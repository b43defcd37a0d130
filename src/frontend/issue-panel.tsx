/**
 * `jira:issuePanel` (UI Kit, manifest resource `issue-panel`): asks the panel
 * resolver for the finding linked to this issue and renders it. The resolver
 * takes the issue from its own invocation context and checks, as the user,
 * that they can see it; the panel sends nothing it would have to trust.
 */
import React, { useEffect, useState } from 'react';
import ForgeReconciler from '@forge/react';
import { invoke } from '@forge/bridge';
import { PANEL_RESOLVER_KEY, panelResultSchema, type PanelResult } from '../shared/contracts/panel';
import { buildPanelViewModel } from '../core/panel/view-model';
import { PanelView } from './panel-view';

/** The resolver is ours, but its answer crossed the bridge as JSON: parse it before building on it. */
export function asPanelResult(value: unknown): PanelResult {
  const parsed = panelResultSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  return { ok: false, error: { code: 'INTERNAL', message: 'The Backline panel received an unexpected answer. Reload the page.' } };
}

export function IssuePanel({ load, now = Date.now }: { load: () => Promise<unknown>; now?: () => number }) {
  const [result, setResult] = useState<PanelResult | undefined>(undefined);
  useEffect(() => {
    let active = true;
    load().then(
      (value) => active && setResult(asPanelResult(value)),
      () => active && setResult({ ok: false, error: { code: 'INTERNAL', message: 'The Backline panel could not reach the app. Reload the page to try again.' } }),
    );
    return () => {
      active = false;
    };
  }, [load]);
  return <PanelView model={buildPanelViewModel(result, now())} />;
}

const loadPanel = () => invoke<unknown>(PANEL_RESOLVER_KEY);

ForgeReconciler.render(
  <React.StrictMode>
    <IssuePanel load={loadPanel} />
  </React.StrictMode>,
);
