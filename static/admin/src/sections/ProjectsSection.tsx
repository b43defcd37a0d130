/**
 * Projects: the connected Jira projects with their issue type and whether the
 * mapping still fits Jira, with Add / Edit / Delete (confirmed; issues stay).
 */
import { useState } from 'react';
import { api } from '../api';
import type { ProjectListItem } from '../../../../src/shared/contracts/admin';
import { Banner, Button, ConfirmDialog, ErrorBanner, Lozenge, Spinner, TableHead, formatTime, useLoad } from '../ui';

export function ProjectsSection({ onAdd, onEdit }: { onAdd: () => void; onEdit: (projectKey: string) => void }) {
  const projects = useLoad(() => api.listProjects(), []);
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
        <Button kind="primary" onClick={onAdd}>
          Add project
        </Button>
      </div>
      <p className="subtle">Each connected project receives the findings routed to it, as issues of the type and with the fields you map.</p>
      {notice ? <Banner kind="success">{notice}</Banner> : null}
      {deleteError ? <ErrorBanner error={deleteError} /> : null}
      {projects.state === 'loading' && !projects.data ? <Spinner label="Loading projects…" /> : null}
      {projects.state === 'error' ? <ErrorBanner title="The projects could not be loaded" error={projects.error} onRetry={projects.reload} /> : null}
      {projects.data && projects.data.length === 0 ? (
        <div className="empty">
          <p>No project is connected yet. Findings cannot become issues until one is.</p>
          <Button kind="primary" onClick={onAdd}>
            Connect a project
          </Button>
        </div>
      ) : null}
      {projects.data && projects.data.length > 0 ? (
        <table className="table">
          <TableHead columns={["Project", "Issue type", "Mapping", "Last saved"]} hiddenLast="Actions" />
          <tbody>
            {projects.data.map((p) => (
              <tr key={p.projectKey} data-project={p.projectKey}>
                <td>
                  <strong>{p.projectName}</strong> <span className="subtlest">{p.projectKey}</span>
                  {!p.enabled ? (
                    <>
                      {' '}
                      <Lozenge kind="neutral">Paused</Lozenge>
                    </>
                  ) : null}
                </td>
                <td>{p.issueTypeName}</td>
                <td>
                  {p.status === 'valid' ? (
                    <Lozenge kind="success">Valid</Lozenge>
                  ) : (
                    <>
                      <Lozenge kind="warning">Needs attention</Lozenge>
                      <ul className="subtle" style={{ margin: '4px 0 0', paddingLeft: 18 }}>
                        {p.problems.slice(0, 3).map((problem) => (
                          <li key={`${problem.path}${problem.message}`}>{problem.message}</li>
                        ))}
                      </ul>
                    </>
                  )}
                </td>
                <td className="subtle">{formatTime(p.updatedAt)}</td>
                <td>
                  <div className="row" style={{ justifyContent: 'flex-end' }}>
                    <Button small onClick={() => onEdit(p.projectKey)} aria-label={`Edit ${p.projectName}`}>
                      Edit
                    </Button>
                    <Button small kind="subtle" onClick={() => setDeleting(p)} aria-label={`Delete ${p.projectName}`}>
                      Delete
                    </Button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
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
