/** "Severity → priority": shown while priority follows the finding's severity. */
import { ErrorBanner, TableHead } from '../../ui';
import { Messages, NameSelect } from '../controls';
import { SEVERITY_LIST, problemsAt, severityPriorityMap } from '../state';
import type { EditorData } from '../useEditorData';
import type { SectionProps } from './types';

export function PrioritySection({ draft, dispatch, problems, priorities }: SectionProps & { priorities: EditorData['priorities'] }) {
  const sevMap = severityPriorityMap(draft);
  if (!sevMap) return null;
  return (
    <section className="card" aria-labelledby="priority-title">
      <h3 id="priority-title">Severity → priority</h3>
      {priorities.state === 'error' ? <ErrorBanner error={priorities.error} onRetry={priorities.reload} /> : null}
      <table className="table">
        <TableHead columns={['Backline severity', 'Jira priority']} />
        <tbody>
          {SEVERITY_LIST.map((severity) => (
            <tr key={severity}>
              <td>
                <label htmlFor={`prio-${severity}`} className="cell-label" style={{ textTransform: 'capitalize' }}>
                  {severity}
                </label>
              </td>
              <td>
                <NameSelect
                  id={`prio-${severity}`}
                  value={sevMap[severity] ?? ''}
                  choices={priorities.data ?? []}
                  emptyLabel="Same name, ignoring case"
                  describedBy={`prio-msg-${severity}`}
                  onChange={(priorityName) => dispatch({ type: 'setSeverityPriority', severity, priorityName })}
                />
                <Messages id={`prio-msg-${severity}`} problems={problemsAt(problems, `priority.${severity}`)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
