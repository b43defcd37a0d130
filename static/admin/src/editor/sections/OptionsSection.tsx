/** "Options": pause, lifecycle comments, re-creating deleted issues, Jira Software switches, minimum severity. */
import type { Severity } from '../../../../../src/core/events/schema';
import { DevopsSwitches } from '../DevopsSwitches';
import { SEVERITY_LIST } from '../state';
import type { SectionProps } from './types';
import { Select } from '../../ui/Select';

export function OptionsSection({ draft, dispatch }: Omit<SectionProps, 'problems'>) {
  return (
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
        <Select
          id="min-severity"
          value={draft.minimumSeverity}
          describedBy="min-severity-help"
          choices={SEVERITY_LIST.map((s: Severity) => ({ value: s, label: s }))}
          width={180}
          onChange={(value) => {
            const severity = SEVERITY_LIST.find((s) => s === value);
            if (severity) dispatch({ type: 'setMinimumSeverity', severity });
          }}
        />
        <div id="min-severity-help" className="help">
          Findings below this severity create no issue.
        </div>
      </div>
    </section>
  );
}
