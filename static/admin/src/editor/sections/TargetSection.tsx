/** "Where issues are created": the project (picked on the admin page's Add project) and the issue type. */
import { Button, ErrorBanner } from '../../ui';
import { Messages, ProjectPicker } from '../controls';
import { problemsAt } from '../state';
import type { EditorData } from '../useEditorData';
import type { SectionProps } from './types';

export function TargetSection({
  draft,
  dispatch,
  problems,
  data,
  pickProject,
  onEditExisting,
}: SectionProps & {
  data: Pick<EditorData, 'issueTypes' | 'alreadyConnected' | 'chooseIssueType'>;
  pickProject: boolean;
  onEditExisting: ((projectKey: string) => void) | undefined;
}) {
  const { issueTypes, alreadyConnected, chooseIssueType } = data;
  const typeProblems = problemsAt(problems, 'issueType');
  return (
    <section className="card stack" aria-labelledby="target-title">
      <h3 id="target-title">Where issues are created</h3>
      {pickProject ? (
        <ProjectPicker
          value={draft.projectKey ? { key: draft.projectKey, id: draft.projectId, name: draft.projectName } : null}
          problems={problemsAt(problems, 'project')}
          onChange={(project) => dispatch({ type: 'setProject', project })}
        />
      ) : null}
      {alreadyConnected ? (
        <div className="banner warning" role="alert" data-testid="already-connected">
          <p>
            <strong>
              {alreadyConnected.projectName} ({alreadyConnected.projectKey}) is already connected
            </strong>{' '}
            with issue type {alreadyConnected.issueTypeName}. Adding it again would replace that mapping, so it cannot be added twice.
          </p>
          {onEditExisting ? (
            <Button kind="primary" small onClick={() => onEditExisting(alreadyConnected.projectKey)}>
              Edit {alreadyConnected.projectKey}’s mapping
            </Button>
          ) : null}
        </div>
      ) : null}
      {draft.projectKey && !alreadyConnected ? (
        <div>
          <label htmlFor="issue-type" className="required">
            Issue type
          </label>
          {issueTypes.state === 'error' ? <ErrorBanner error={issueTypes.error} onRetry={issueTypes.reload} /> : null}
          <select
            id="issue-type"
            value={draft.issueTypeId}
            disabled={issueTypes.state !== 'ready'}
            aria-invalid={typeProblems.length > 0}
            aria-describedby="issue-type-msg"
            onChange={(e) => {
              const type = issueTypes.data?.find((t) => t.id === e.target.value);
              if (type) chooseIssueType(type);
            }}
          >
            <option value="">{issueTypes.state === 'loading' ? 'Loading…' : 'Choose an issue type…'}</option>
            {(issueTypes.data ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
          <Messages id="issue-type-msg" problems={typeProblems} />
        </div>
      ) : null}
    </section>
  );
}
