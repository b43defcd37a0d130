/**
 * The project's Jira Software switches (docs/security-tab.md): findings in
 * Jira's Security tab, remediation PRs in the development panel. Both start on;
 * a site without Jira Software needs neither switched off (the app notices and
 * stops sending on its own).
 */
import type { Dispatch } from 'react';
import type { Draft, EditorAction } from './state';

export function DevopsSwitches({ draft, dispatch }: { draft: Pick<Draft, 'showInSecurityTab' | 'showInDevelopmentPanel'>; dispatch: Dispatch<EditorAction> }) {
  return (
    <fieldset className="stack" aria-describedby="devops-help">
      <legend>Jira Software</legend>
      <label className="check">
        <input type="checkbox" checked={draft.showInSecurityTab} onChange={(e) => dispatch({ type: 'setOption', option: 'showInSecurityTab', value: e.target.checked })} />
        Show findings in Jira&apos;s Security tab
      </label>
      <label className="check">
        <input type="checkbox" checked={draft.showInDevelopmentPanel} onChange={(e) => dispatch({ type: 'setOption', option: 'showInDevelopmentPanel', value: e.target.checked })} />
        Show PRs in the development panel
      </label>
      <p id="devops-help" className="muted">
        Where the site has Jira Software: each finding as a vulnerability of its repository, linked to its issue; each remediation pull request on the issues it fixes.
      </p>
    </fieldset>
  );
}
