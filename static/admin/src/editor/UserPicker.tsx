/**
 * A searchable person picker for a user field's manual value (assignee, user
 * custom fields). The configuration stores the accountId (what Jira takes);
 * the admin sees and searches display names. The assignee only offers people
 * Jira lets be assigned issues in the project.
 */
import { useEffect, useId, useState } from 'react';
import { useCombobox, useDebounced } from './combobox';
import { api } from '../api';
import type { JiraUserSummary } from '../../../../src/shared/contracts/admin';
import { useLoad } from '../ui';


const labelOf = (user: JiraUserSummary) => user.displayName;

export function UserPicker({
  id,
  projectKey,
  assignable,
  value,
  common,
  onChange,
}: {
  id: string;
  projectKey: string;
  assignable: boolean;
  /** The stored accountId ('' = nobody chosen). */
  value: string;
  common: { 'aria-invalid': boolean; 'aria-describedby': string | undefined };
  onChange: (accountId: string) => void;
}) {
  const listId = useId();
  const [chosen, setChosen] = useState<JiraUserSummary | null>(null);
  const [text, setText] = useState('');
  const combo = useCombobox();
  const { open, active, setOpen } = combo;

  // A stored accountId is shown by its name: one lookup when the editor opens.
  const known = useLoad(async () => (value && chosen?.accountId !== value ? (await api.users(projectKey, { accountId: value, assignable }))[0] ?? null : null), [value, projectKey]);
  useEffect(() => {
    if (known.state === 'ready' && known.data) {
      setChosen(known.data);
      setText(labelOf(known.data));
    }
  }, [known.state, known.data]);
  useEffect(() => {
    if (!value) setChosen(null);
  }, [value]);

  const searching = open && text !== (chosen ? labelOf(chosen) : '');
  const query = useDebounced(searching ? text.trim() : '', 250);
  const results = useLoad(
    async () => ({ query, users: open && (query || assignable) ? await api.users(projectKey, { query, assignable }) : [] }),
    [open, query, projectKey, assignable],
  );
  // Only answers to what is in the box now: Enter must never pick from an older search.
  const current = searching ? text.trim() : '';
  const fresh = results.state === 'ready' && results.data.query === current;
  const options = fresh ? results.data.users : [];

  const choose = (user: JiraUserSummary) => {
    setChosen(user);
    setText(labelOf(user));
    setOpen(false);
    onChange(user.accountId);
  };
  const unresolved = !!value && chosen?.accountId !== value && known.state === 'ready' && !known.data;

  return (
    <div className="combo">
      <label htmlFor={id}>{assignable ? 'Person (assignable in this project)' : 'Person'}</label>
      <input
        id={id}
        type="search"
        role="combobox"
        autoComplete="off"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && options[active] ? `${listId}-${active}` : undefined}
        {...common}
        placeholder="Search people by name or e-mail"
        style={{ width: '100%' }}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          combo.typed();
          if (e.target.value === '') onChange('');
        }}
        {...combo.inputProps(options, choose)}
      />
      {open ? (
        <ul id={listId} role="listbox" aria-label="People">
          {!fresh && results.state !== 'error' ? <li aria-disabled="true">Searching…</li> : null}
          {results.state === 'error' ? <li aria-disabled="true">Search failed: {results.error instanceof Error ? results.error.message : 'try again'}</li> : null}
          {fresh && options.length === 0 ? <li aria-disabled="true">{current || assignable ? `Nobody matches “${text}”.` : 'Type a name or e-mail.'}</li> : null}
          {options.map((u, i) => (
            <li
              key={u.accountId}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(u);
              }}
            >
              {u.displayName} {u.email ? <span className="subtlest">{u.email}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="help">
        {unresolved ? `Account ${value} is not found${assignable ? ' among the people assignable in this project' : ''}; choose someone else.` : value ? `Stored as account id ${value}.` : 'Nobody chosen.'}
      </div>
    </div>
  );
}
