/** "Workflow": the status each lifecycle stage moves the issue to, and the resolution per reason a finding is resolved. */
import { ErrorBanner } from '../../ui';
import { Messages, NameSelect } from '../controls';
import { REASONS, STAGES, problemsAt } from '../state';
import type { EditorData } from '../useEditorData';
import type { SectionProps } from './types';
import { Select } from '../../ui/Select';

export function WorkflowSection({
  draft,
  dispatch,
  problems,
  statuses,
  resolutions,
}: SectionProps & { statuses: EditorData['statuses']; resolutions: EditorData['resolutions'] }) {
  return (
    <section className="card" aria-labelledby="workflow-title">
      <h3 id="workflow-title">Workflow</h3>
      <p className="subtle">The status each step moves the issue to, through your workflow&apos;s transitions. “No change” only adds a comment.</p>
      {statuses.state === 'error' ? <ErrorBanner error={statuses.error} onRetry={statuses.reload} /> : null}
      <table className="table">
        <tbody>
          {STAGES.map(({ stage, label }) => (
            <tr key={stage}>
              <td>
                <label htmlFor={`status-${stage}`} className="cell-label">
                  {label}
                </label>
              </td>
              <td>
                <Select
                  id={`status-${stage}`}
                  value={draft.statuses[stage]?.id ?? ''}
                  describedBy={`status-msg-${stage}`}
                  choices={[{ value: '', label: 'No change' }, ...(statuses.data ?? []).map((s) => ({ value: s.id, label: s.name }))]}
                  width={220}
                  onChange={(id) => {
                    const status = statuses.data?.find((s) => s.id === id);
                    dispatch({ type: 'setStatus', stage, status: status ? { id: status.id, name: status.name } : null });
                  }}
                />
                <Messages id={`status-msg-${stage}`} problems={problemsAt(problems, `statuses.${stage}`)} />
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
                <label htmlFor={`resolution-${reason}`} className="cell-label">
                  {label}
                </label>
              </td>
              <td>
                <NameSelect
                  id={`resolution-${reason}`}
                  value={draft.resolutions[reason] ?? ''}
                  choices={resolutions.data ?? []}
                  describedBy={`resolution-msg-${reason}`}
                  onChange={(name) => dispatch({ type: 'setResolution', reason, name })}
                />
                <Messages id={`resolution-msg-${reason}`} problems={problemsAt(problems, `resolutions.${reason}`)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
