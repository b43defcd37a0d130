/**
 * Small controls the editor's sections share: the messages under a control,
 * a select of Jira values stored by name, and the project search.
 */
import { useRef, useState } from 'react';
import type { JiraProjectSummary, MappingProblem } from '../../../../src/shared/contracts/admin';
import { api } from '../api';
import { useLoad } from '../ui';
import { useCombobox, useDebounced } from './combobox';

/** The problems of one control, right under it (the control points here with aria-describedby). */
export function Messages({ id, problems }: { id: string; problems: readonly MappingProblem[] }) {
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
  onChange,
}: {
  id: string;
  value: string;
  choices: ReadonlyArray<{ id: string; name: string }>;
  emptyLabel?: string;
  describedBy?: string;
  onChange: (name: string) => void;
}) {
  return (
    <select id={id} value={value} aria-describedby={describedBy} onChange={(e) => onChange(e.target.value)}>
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

export function ProjectPicker({
  value,
  problems,
  onChange,
}: {
  value: JiraProjectSummary | null;
  problems: readonly MappingProblem[];
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
