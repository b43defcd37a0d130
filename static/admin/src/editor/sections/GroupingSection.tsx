/** "One issue per": a finding, a remediation, or a vulnerability in a repository (docs/sync.md "Grouping"). */
import type { GroupBy } from '../../../../../src/core/config/model';
import type { SectionProps } from './types';

const CHOICES: Array<{ value: GroupBy; label: string; help: string }> = [
  { value: 'finding', label: 'Finding', help: 'Each finding gets its own issue.' },
  {
    value: 'remediation',
    label: 'Remediation',
    help: 'One issue for all findings one remediation fixes. A finding waits (without an issue) until a remediation names it; after 24 hours without one it gets its own issue.',
  },
  {
    value: 'vulnerability',
    label: 'Vulnerability per repository',
    help: 'One issue for the findings that share a CVE (or else a scanner rule) in one repository. Findings with neither get their own issue.',
  },
];

export function GroupingSection({ draft, dispatch, savedGroupBy }: Omit<SectionProps, 'problems'> & { savedGroupBy: GroupBy | undefined }) {
  const changed = savedGroupBy !== undefined && savedGroupBy !== draft.groupBy;
  return (
    <section className="card stack" aria-labelledby="grouping-title">
      <h3 id="grouping-title">One issue per</h3>
      <p className="subtle" id="grouping-help">
        A grouped issue lists its findings in a table in the description, takes the severity and priority of the worst open one, and is resolved when all of them are.
      </p>
      <div role="radiogroup" aria-labelledby="grouping-title" aria-describedby="grouping-help">
        {CHOICES.map((choice) => (
          <label key={choice.value} className="check">
            <input type="radio" name="group-by" value={choice.value} checked={draft.groupBy === choice.value} onChange={() => dispatch({ type: 'setGroupBy', groupBy: choice.value })} />
            <span>
              <strong>{choice.label}</strong>
              <span className="help"> {choice.help}</span>
            </span>
          </label>
        ))}
      </div>
      <div className="help" role="status">
        {changed ? <strong>Changed: </strong> : null}
        Applies to new findings only: findings that already have an issue keep it.
      </div>
    </section>
  );
}
