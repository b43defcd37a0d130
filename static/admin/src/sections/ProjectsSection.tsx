/**
 * Projects: the connected Jira projects with their issue type and whether the
 * mapping still fits Jira, with Add / Edit / Delete (confirmed; issues stay).
 */
import { useState } from 'react';
import { api } from '../api';
import type { ProjectListItem } from '../../../../src/shared/contracts/admin';
import DynamicTable from '@atlaskit/dynamic-table';
import EmptyState from '@atlaskit/empty-state';
import { Banner, Button, ConfirmDialog, ErrorBanner, Lozenge, Spinner, formatTime, useLoad } from '../ui';

/** Whether the mapping still fits Jira; the problems name the fields and options ("Team: option Payments no longer exists"). */
function MappingState({ project }: { project: ProjectListItem }) {
  const errors = project.problems.filter((p) => p.severity === 'error');
  const shown = (errors.length > 0 ? errors : project.problems).slice(0, 3);
  return (
    <>
      {project.status === 'valid' ? <Lozenge kind="success">Valid</Lozenge> : <Lozenge kind="warning">Needs attention</Lozenge>}
      {shown.length > 0 ? (
        <ul className="subtle problem-list">
          {shown.map((problem) => (
            <li key={`${problem.path}${problem.message}`}>{problem.message}</li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

export default function ProjectsSection({ onAdd, onEdit }: { onAdd: () => void; onEdit: (projectKey: string) => void }) {
  // Every connected mapping is checked against Jira as it is now each time this list loads; "Check now" asks again.
  const projects = useLoad(() => api.listProjects(true), []);
  const [deleting, setDeleting] = useState<ProjectListItem | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [deleteError, setDeleteError] = useState<unknown>(null);

  const remove = async (project: ProjectListItem) => {
    setBusy(true);
    setDeleteError(null);
    try {
      const result = await api.deleteProject(project.projectKey);
      setNotice(result.message);
      setDeleting(null);
      projects.reload();
    } catch (error) {
      setDeleteError(error);
      setDeleting(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="projects-title">
      <div className="spread">
        <h2 id="projects-title">Connected projects</h2>
        <div className="row">
          <Button onClick={projects.reload} disabled={projects.state === 'loading'}>
            {projects.state === 'loading' && projects.data ? 'Checking…' : 'Check now'}
          </Button>
          <Button kind="primary" onClick={onAdd}>
            Add project
          </Button>
        </div>
      </div>
      <p className="subtle">
        Each connected project receives the findings routed to it, as issues of the type and with the fields you map. Every mapping is checked against Jira when this
        list opens: a field, option or status removed in Jira shows here before a finding fails.
      </p>
      {notice ? <Banner kind="success">{notice}</Banner> : null}
      {deleteError ? <ErrorBanner error={deleteError} /> : null}
      {projects.state === 'loading' && !projects.data ? <Spinner label="Loading projects…" /> : null}
      {projects.state === 'error' ? <ErrorBanner title="The projects could not be loaded" error={projects.error} onRetry={projects.reload} /> : null}
      {projects.data && projects.data.length === 0 ? (
        <EmptyState
          header="No project is connected yet"
          description="Findings cannot become issues until a project is connected: choose the project, its issue type and how Backline fields fill Jira fields."
          primaryAction={
            <Button kind="primary" onClick={onAdd}>
              Connect a project
            </Button>
          }
        />
      ) : null}
      {projects.data && projects.data.length > 0 ? (
        <DynamicTable
          label="Connected projects"
          head={{ cells: ['Project', 'Issue type', 'Mapping', 'Last saved', 'Actions'].map((content) => ({ key: content, content })) }}
          rows={projects.data.map((p) => ({
            key: p.projectKey,
            testId: `project-${p.projectKey}`,
            cells: [
              {
                key: 'project',
                content: (
                  <>
                    <strong>{p.projectName}</strong> <span className="subtlest">{p.projectKey}</span>
                    {!p.enabled ? (
                      <>
                        {' '}
                        <Lozenge kind="neutral">Paused</Lozenge>
                      </>
                    ) : null}
                  </>
                ),
              },
              { key: 'type', content: p.issueTypeName },
              { key: 'mapping', content: <MappingState project={p} /> },
              { key: 'saved', content: <span className="subtle">{formatTime(p.updatedAt)}</span> },
              {
                key: 'actions',
                content: (
                  <div className="row" style={{ justifyContent: 'flex-end' }}>
                    <Button small onClick={() => onEdit(p.projectKey)} aria-label={`Edit ${p.projectName}`}>
                      Edit
                    </Button>
                    <Button small kind="subtle" onClick={() => setDeleting(p)} aria-label={`Delete ${p.projectName}`}>
                      Delete
                    </Button>
                  </div>
                ),
              },
            ],
          }))}
        />
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title={`Disconnect ${deleting.projectName}?`}
          confirmLabel="Disconnect"
          danger
          busy={busy}
          onConfirm={() => void remove(deleting)}
          onCancel={() => setDeleting(null)}
        >
          <p>
            Backline stops creating and updating issues in <strong>{deleting.projectKey}</strong>. Existing issues and their links to Backline findings are kept.
          </p>
          <p>Findings routed to {deleting.projectKey} will fail with NO_ROUTE until you connect it again or change the routing rules.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
