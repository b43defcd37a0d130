/**
 * A searchable person picker for a user field's manual value (assignee, user
 * custom fields). The configuration stores the accountId (what Jira takes);
 * the admin sees and searches display names. The assignee only offers people
 * Jira lets be assigned issues in the project.
 */
import { useEffect, useState } from 'react';
import { api } from '../api';
import type { JiraUserSummary } from '../../../../src/shared/contracts/admin';
import { useLoad } from '../ui';
import { SearchSelect } from '../ui/Select';

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
  const [chosen, setChosen] = useState<JiraUserSummary | null>(null);

  // A stored accountId is shown by its name: one lookup when the editor opens.
  const known = useLoad(async () => (value && chosen?.accountId !== value ? (await api.users(projectKey, { accountId: value, assignable }))[0] ?? null : null), [value, projectKey]);
  useEffect(() => {
    if (known.state === 'ready' && known.data) setChosen(known.data);
  }, [known.state, known.data]);
  useEffect(() => {
    if (!value) setChosen(null);
  }, [value]);
  const unresolved = !!value && chosen?.accountId !== value && known.state === 'ready' && !known.data;

  return (
    <div>
      <label htmlFor={id}>{assignable ? 'Person (assignable in this project)' : 'Person'}</label>
      <SearchSelect<JiraUserSummary>
        id={id}
        value={chosen && chosen.accountId === value ? chosen : null}
        // An empty search of all users would list the whole site: ask only once something is typed (the assignee list is per project, so it may be listed).
        search={async (query) => (query || assignable ? api.users(projectKey, { query, assignable }) : [])}
        keyOf={(user) => user.accountId}
        labelOf={(user) => (user.email ? `${user.displayName} (${user.email})` : user.displayName)}
        onChange={(user) => {
          setChosen(user);
          onChange(user?.accountId ?? '');
        }}
        placeholder="Search people by name or e-mail"
        invalid={common['aria-invalid']}
        {...(common['aria-describedby'] ? { describedBy: common['aria-describedby'] } : {})}
        clearable
        noneFound={(query) => (query || assignable ? `Nobody matches “${query}”.` : 'Type a name or e-mail.')}
      />
      <div className="help">
        {unresolved ? `Account ${value} is not found${assignable ? ' among the people assignable in this project' : ''}; choose someone else.` : value ? `Stored as account id ${value}.` : 'Nobody chosen.'}
      </div>
    </div>
  );
}
