/**
 * "Mapping back": what a status and resolution that people set in Jira mean to
 * Backline (docs/outbound.md "Mapping back"). Rules are tried in order and the
 * first that matches gives the outcome; a project that never changed them uses
 * Backline's defaults, shown as such.
 */
import type { BacklineOutcome, StatusCategory } from '../../../../../src/core/outbound/contract';
import type { StatusBackRule } from '../../../../../src/core/outbound/mapping-back';
import { Button, ErrorBanner, TableHead } from '../../ui';
import { Messages, NameSelect } from '../controls';
import { MAX_STATUS_BACK_RULES } from '../../../../../src/core/outbound/status-back-defaults';
import { problemsAt, statusBackRules } from '../state';
import type { EditorData } from '../useEditorData';
import type { SectionProps } from './types';
import { Select } from '../../ui/Select';

const CATEGORIES: ReadonlyArray<{ value: StatusCategory | ''; label: string }> = [
  { value: '', label: 'Any status' },
  { value: 'new', label: 'To Do (category)' },
  { value: 'indeterminate', label: 'In Progress (category)' },
  { value: 'done', label: 'Done (category)' },
];

export const OUTCOME_LABELS: Record<BacklineOutcome, string> = {
  fixed: 'Fixed',
  accepted_risk: 'Risk accepted',
  false_positive: 'False positive',
  duplicate: 'Duplicate',
  reopened: 'Reopened',
};

function withCategory(rule: StatusBackRule, value: string): StatusBackRule {
  const { statusCategory: _dropped, ...rest } = rule;
  return value ? { ...rest, statusCategory: value as StatusCategory } : rest;
}

function withResolution(rule: StatusBackRule, name: string): StatusBackRule {
  const { resolution: _dropped, ...rest } = rule;
  return name ? { ...rest, resolution: name } : rest;
}

export function MappingBackSection({ draft, dispatch, problems, resolutions }: SectionProps & { resolutions: EditorData['resolutions'] }) {
  const rules = statusBackRules(draft);
  return (
    <section className="card" aria-labelledby="mapping-back-title">
      <h3 id="mapping-back-title">Mapping back</h3>
      <p className="subtle">
        When people change a linked issue in Jira, the app tells Backline what it means. Rules are tried from the top; the first that matches gives
        the outcome, and an issue no rule matches is reported without one. Backline gets these only once its endpoint is set under Connection.
      </p>
      <p className="subtle" data-testid="mapping-back-origin">
        {draft.statusBack ? 'This project’s own rules.' : 'Backline’s defaults: change any rule to make them this project’s own.'}
      </p>
      {resolutions.state === 'error' ? <ErrorBanner error={resolutions.error} onRetry={resolutions.reload} /> : null}
      {/* Scrolls inside its card on a narrow page instead of running under the preview. */}
      <div className="table-scroll">
      <table className="table">
        <TableHead columns={['Status', 'Resolution', 'Means to Backline']} hiddenLast="Order" />
        <tbody>
          {rules.map((rule, index) => (
            <tr key={index} data-testid="mapping-back-rule">
              <td>
                <Select
                  id={`mapping-back-status-${index}`}
                  label={`Rule ${index + 1}: status`}
                  value={rule.statusCategory ?? ''}
                  choices={CATEGORIES}
                  width={170}
                  onChange={(value) => dispatch({ type: 'setStatusBackRule', index, rule: withCategory(rule, value) })}
                />
              </td>
              <td>
                <NameSelect
                  id={`mapping-back-resolution-${index}`}
                  label={`Rule ${index + 1}: resolution`}
                  describedBy={`mapping-back-msg-${index}`}
                  value={rule.resolution ?? ''}
                  emptyLabel="Any resolution"
                  choices={resolutions.data ?? []}
                  onChange={(name) => dispatch({ type: 'setStatusBackRule', index, rule: withResolution(rule, name) })}
                />
                <Messages id={`mapping-back-msg-${index}`} problems={problemsAt(problems, `statusBack.${index}`)} />
              </td>
              <td>
                <Select
                  id={`mapping-back-outcome-${index}`}
                  label={`Rule ${index + 1}: outcome`}
                  value={rule.outcome}
                  choices={(Object.keys(OUTCOME_LABELS) as BacklineOutcome[]).map((outcome) => ({ value: outcome, label: OUTCOME_LABELS[outcome] }))}
                  width={160}
                  onChange={(value) => dispatch({ type: 'setStatusBackRule', index, rule: { ...rule, outcome: value as BacklineOutcome } })}
                />
              </td>
              <td>
                <Button small kind="subtle" aria-label={`Move rule ${index + 1} up`} disabled={index === 0} onClick={() => dispatch({ type: 'moveStatusBackRule', index, by: -1 })}>
                  ↑
                </Button>
                <Button small kind="subtle" aria-label={`Move rule ${index + 1} down`} disabled={index === rules.length - 1} onClick={() => dispatch({ type: 'moveStatusBackRule', index, by: 1 })}>
                  ↓
                </Button>
                <Button small kind="subtle" aria-label={`Remove rule ${index + 1}`} onClick={() => dispatch({ type: 'removeStatusBackRule', index })}>
                  Remove
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      <p>
        <Button small disabled={rules.length >= MAX_STATUS_BACK_RULES} onClick={() => dispatch({ type: 'addStatusBackRule' })}>
          Add rule
        </Button>{' '}
        {draft.statusBack ? (
          <Button small kind="subtle" onClick={() => dispatch({ type: 'resetStatusBack' })}>
            Use Backline’s defaults
          </Button>
        ) : null}
      </p>
    </section>
  );
}
