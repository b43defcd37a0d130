/** "Where issues are created": the project (picked on the admin page's Add project) and the issue type. */
import { Banner, Button, ErrorBanner } from '../../ui';
import { Messages, ProjectPicker } from '../controls';
import { problemsAt } from '../state';
import type { EditorData } from '../useEditorData';
import type { SectionProps } from './types';
import { Select } from '../../ui/Select';

export function TargetSection({
  draft,
  dispatch,
  problems,
  data,
  pickProject,
  onEditExisting,
}: SectionProps & {
  data: Pick<EditorData, 'issueTypes' | 'alreadyConnected' | 'chooseIssueType' | 'endsOnlyProject'>;
  pickProject: boolean;
  onEditExisting: ((projectKey: string) => void) | undefined;
}) {
  const { issueTypes, alreadyConnected, chooseIssueType, endsOnlyProject } = data;
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
      {pickProject && draft.projectKey && !alreadyConnected && endsOnlyProject ? (
        <Banner kind="warning" title="Routing changes when this project is connected">
          <span data-testid="ends-only-project">
            Today every finding that no routing rule or project hint places goes to {endsOnlyProject}, because it is the only connected project. Once{' '}
            {draft.projectKey} is connected too, such findings get no route (<code>NO_ROUTE</code>) until you add routing rules or choose a default project under
            Routing rules.
          </span>
        </Banner>
      ) : null}
      {draft.projectKey && !alreadyConnected ? (
        <div>
          <label htmlFor="issue-type" className="required">
            Issue type
          </label>
          {issueTypes.state === 'error' ? <ErrorBanner error={issueTypes.error} onRetry={issueTypes.reload} /> : null}
          <Select
            id="issue-type"
            value={draft.issueTypeId}
            disabled={issueTypes.state !== 'ready'}
            invalid={typeProblems.length > 0}
            describedBy="issue-type-msg"
            placeholder={issueTypes.state === 'loading' ? 'Loading…' : 'Choose an issue type…'}
            choices={(issueTypes.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
            width={320}
            onChange={(id) => {
              const type = issueTypes.data?.find((t) => t.id === id);
              if (type) chooseIssueType(type);
            }}
          />
          <Messages id="issue-type-msg" problems={typeProblems} />
        </div>
      ) : null}
    </section>
  );
}
