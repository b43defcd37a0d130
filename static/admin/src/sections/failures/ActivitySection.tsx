/**
 * Activity: what happened to every event (newest first), filterable by
 * project and result, a page at a time; each row opens to show what was
 * planned in Jira and what was done, the routing rule, the Jira calls used and
 * the error with Jira's own message.
 */
import { useState } from 'react';
import type { ActivityItemView } from '../../../../../src/shared/contracts/failures';
import { Button, ErrorBanner, Lozenge, Spinner, TableHead, formatTime, useLoad } from '../../ui';
import { failuresApi } from './api';

const STATUSES = ['created', 'updated', 'unchanged', 'duplicate', 'stale', 'skipped', 'queued', 'failed', 'ok'] as const;
type StatusFilter = (typeof STATUSES)[number] | '';

function statusKind(status: string): 'success' | 'warning' | 'danger' | 'neutral' {
  if (status === 'failed') return 'danger';
  if (status === 'created' || status === 'updated') return 'success';
  if (status === 'skipped' || status === 'stale' || status === 'queued') return 'warning';
  return 'neutral';
}

function Row({ item }: { item: ActivityItemView }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <tr data-event={item.eventId}>
        <td className="subtle">{formatTime(item.at)}</td>
        <td>{item.type}</td>
        <td>{item.projectKey ?? <span className="subtlest">none</span>}</td>
        <td>{item.findingId ?? ''}</td>
        <td>{item.issueKey ? item.issueUrl ? <a href={item.issueUrl} target="_blank" rel="noreferrer">{item.issueKey}</a> : item.issueKey : ''}</td>
        <td>
          <Lozenge kind={statusKind(item.status)}>{item.status}</Lozenge> {item.error ? <span className="subtlest">{item.error.code}</span> : null}
        </td>
        <td>
          <Button small kind="subtle" aria-expanded={open} onClick={() => setOpen(!open)} aria-label={`Details of ${item.eventId}`}>
            {open ? 'Hide' : 'Details'}
          </Button>
        </td>
      </tr>
      {open ? (
        <tr className="details">
          <td colSpan={7}>
            <dl className="activity-details">
              <dt>Event</dt>
              <dd>{item.eventId}</dd>
              {item.rule ? (
                <>
                  <dt>Routed by</dt>
                  <dd>{item.rule}</dd>
                </>
              ) : null}
              <dt>Planned</dt>
              <dd data-testid="planned">{item.planned.length ? item.planned.join(', ') : 'nothing'}</dd>
              <dt>Done</dt>
              <dd data-testid="done">{item.done.length ? item.done.join(', ') : 'nothing'}</dd>
              <dt>Jira calls</dt>
              <dd>{item.jiraRequests}</dd>
              {item.reason ? (
                <>
                  <dt>Why</dt>
                  <dd>{item.reason}</dd>
                </>
              ) : null}
              {item.error ? (
                <>
                  <dt>Error</dt>
                  <dd>
                    {item.error.code}: {item.error.message}
                  </dd>
                </>
              ) : null}
            </dl>
          </td>
        </tr>
      ) : null}
    </>
  );
}

export default function ActivitySection() {
  const [project, setProject] = useState('');
  const [status, setStatus] = useState<StatusFilter>('');
  // Cursors of the pages seen so far: Previous goes back without re-counting.
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const page = useLoad(
    () =>
      failuresApi.activity({
        limit: 20,
        ...(project ? { projectKey: project } : {}),
        ...(status ? { status } : {}),
        ...(cursor ? { cursor } : {}),
      }),
    [project, status, cursor],
  );
  const resetTo = (apply: () => void) => {
    apply();
    setCursors([undefined]);
  };

  return (
    <section className="card" aria-labelledby="activity-title" data-section="activity">
      <div className="spread">
        <h2 id="activity-title">Activity</h2>
        <Button small onClick={page.reload}>
          Refresh
        </Button>
      </div>
      <p className="subtle">Every event Backline sent in the last 30 days and what it did in Jira.</p>
      <div className="row">
        <label>
          <span>Project</span>
          <input value={project} placeholder="All, or e.g. SEC" onChange={(e) => resetTo(() => setProject(e.target.value.toUpperCase().replace(/[^A-Z0-9_-]/g, '')))} />
        </label>
        <label>
          <span>Result</span>
          <select value={status} onChange={(e) => resetTo(() => setStatus(e.target.value as StatusFilter))}>
            <option value="">All</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      {page.state === 'loading' && !page.data ? <Spinner label="Loading activity…" /> : null}
      {page.state === 'error' ? <ErrorBanner title="The activity could not be loaded" error={page.error} onRetry={page.reload} /> : null}
      {page.data && page.data.items.length === 0 ? <p className="empty">No events match.</p> : null}
      {page.data && page.data.items.length > 0 ? (
        <table className="table" aria-label="Activity">
          <TableHead columns={["When", "Event", "Project", "Finding", "Issue", "Result"]} hiddenLast="Details" />
          <tbody>
            {page.data.items.map((item) => (
              <Row key={item.id} item={item} />
            ))}
          </tbody>
        </table>
      ) : null}
      <div className="row">
        <Button small disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous
        </Button>
        <Button small disabled={!page.data?.nextCursor} onClick={() => page.data?.nextCursor && setCursors([...cursors, page.data.nextCursor])}>
          Next
        </Button>
        <span className="subtlest">Page {cursors.length}</span>
      </div>
    </section>
  );
}
