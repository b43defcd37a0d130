/**
 * Small controls the editor's sections share: the messages under a control,
 * a select of Jira values stored by name, and the project search.
 */
import type { JiraProjectSummary, MappingProblem } from '../../../../src/shared/contracts/admin';
import { api } from '../api';
import { ErrorMessage } from '@atlaskit/form';
import { SearchSelect, Select, type SelectChoice } from '../ui/Select';

/**
 * The problems of one control, right under it (the control points here with aria-describedby):
 * errors as Atlassian's form error message, warnings in the warning colour.
 */
export function Messages({ id, problems }: { id: string; problems: readonly MappingProblem[] }) {
  return (
    <div id={id}>
      {problems.map((p) =>
        p.severity === 'error' ? (
          <ErrorMessage key={`${p.path}${p.message}`}>{p.message}</ErrorMessage>
        ) : (
          <div key={`${p.path}${p.message}`} className="field-warning">
            {p.message}
          </div>
        ),
      )}
    </div>
  );
}

/**
 * A select of Jira values stored by name (priorities, resolutions). A saved name
 * Jira no longer lists stays selectable, so opening the editor never silently
 * changes a mapping; validation reports it instead.
 */
export function NameSelect({
  id,
  value,
  choices,
  emptyLabel,
  describedBy,
  label,
  onChange,
}: {
  id: string;
  value: string;
  choices: ReadonlyArray<{ id: string; name: string }>;
  emptyLabel?: string;
  describedBy?: string;
  label?: string;
  onChange: (name: string) => void;
}) {
  const options: SelectChoice[] = [
    ...(emptyLabel !== undefined ? [{ value: '', label: emptyLabel }] : []),
    ...choices.map((choice) => ({ value: choice.name, label: choice.name })),
    ...(value && !choices.some((choice) => choice.name === value) ? [{ value, label: value }] : []),
  ];
  return <Select id={id} value={value} choices={options} onChange={onChange} {...(describedBy ? { describedBy } : {})} {...(label ? { label } : {})} width={220} />;
}

export function ProjectPicker({
  value,
  problems,
  onChange,
}: {
  value: JiraProjectSummary | null;
  problems: readonly MappingProblem[];
  onChange: (project: JiraProjectSummary) => void;
}) {
  return (
    <div>
      <label htmlFor="project-search" className="required">
        Jira project
      </label>
      <SearchSelect<JiraProjectSummary>
        id="project-search"
        value={value}
        search={(query) => api.jiraProjects(query || undefined)}
        keyOf={(p) => p.key}
        labelOf={(p) => `${p.name} (${p.key})`}
        onChange={(project) => {
          if (project) onChange(project);
        }}
        placeholder="Search projects by name or key"
        describedBy="project-msg"
        invalid={problems.length > 0}
        noneFound={(query) => (query ? `No project matches “${query}”.` : 'No project found.')}
      />
      <Messages id="project-msg" problems={problems} />
    </div>
  );
}
