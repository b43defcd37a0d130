/**
 * Activity: one row per event (newest first), with its state (queued,
 * retrying, applied, skipped, dead letter, failed), how many attempts it
 * took, every issue it touched and what it did in words; "Retry now" for an
 * event kept as a dead letter. "Pending" shows only the events still waiting
 * to be applied. Reads only the app's storage: readable while Jira is down.
 */
import DynamicTable from '@atlaskit/dynamic-table';
import { useState } from 'react';
import type { EventActivityView } from '../../../../../src/shared/contracts/failures';
import { Banner, Button, ErrorBanner, Lozenge, Spinner, formatTime, plural, useLoad } from '../../ui';
import { failuresApi } from './api';

const STATE_LABEL: Record<EventActivityView['state'], { text: string; kind: 'success' | 'warning' | 'danger' | 'neutral' | 'info' }> = {
  queued: { text: 'Queued', kind: 'info' },
  retrying: { text: 'Retrying', kind: 'warning' },
  applied: { text: 'Applied', kind: 'success' },
  skipped: { text: 'Skipped', kind: 'neutral' },
  'dead-letter': { text: 'Dead letter', kind: 'danger' },
  failed: { text: 'Failed', kind: 'danger' },
};

function Details({ event }: { event: EventActivityView }) {
  return (
    <dl className="activity-details">
      <dt>Event</dt>
      <dd>{event.eventId}</dd>
      {event.findingIds.length > 0 ? (
        <>
          <dt>Findings</dt>
          <dd>{event.findingIds.join(', ')}</dd>
        </>
      ) : null}
      {event.rule ? (
        <>
          <dt>Routed by</dt>
          <dd>{event.rule}</dd>
        </>
      ) : null}
      <dt>Attempts</dt>
      <dd>
        {event.attempts}
        {event.attempts > 1 ? `, first ${formatTime(event.firstAt)}` : ''}
      </dd>
      <dt>Jira calls (last attempt)</dt>
      <dd>{event.jiraRequests}</dd>
      {event.reason ? (
        <>
          <dt>Why</dt>
          <dd>{event.reason}</dd>
        </>
      ) : null}
      {event.error ? (
        <>
          <dt>Error</dt>
          <dd>
            {event.error.code}: {event.error.message}
          </dd>
        </>
      ) : null}
    </dl>
  );
}

export default function ActivitySection({ refreshKey = 0, onRetried }: { refreshKey?: number; onRetried?: () => void }) {
  const [pending, setPending] = useState(false);
  const [project, setProject] = useState('');
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [open, setOpen] = useState<string | null>(null);
  const [retrying, setRetrying] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [retryError, setRetryError] = useState<unknown>(null);
  const cursor = cursors[cursors.length - 1];
  const page = useLoad(
    () => failuresApi.events({ ...(pending ? { pending } : {}), ...(project ? { projectKey: project } : {}), ...(cursor ? { cursor } : {}) }),
    [pending, project, cursor, refreshKey],
  );
  const resetTo = (apply: () => void) => {
    apply();
    setCursors([undefined]);
  };

  const retryNow = async (eventId: string) => {
    setRetrying(eventId);
    setRetryError(null);
    setNotice(null);
    try {
      const result = await failuresApi.retry({ eventIds: [eventId] });
      setNotice(result.message);
      page.reload();
      onRetried?.();
    } catch (error) {
      setRetryError(error);
    } finally {
      setRetrying(null);
    }
  };

  const events = page.data?.events ?? [];
  return (
    <section className="card" aria-labelledby="activity-title" data-section="activity">
      <div className="spread">
        <h2 id="activity-title">{pending ? 'Pending' : 'Activity'}</h2>
        <Button small onClick={page.reload}>
          Refresh
        </Button>
      </div>
      <p className="subtle">
        {pending
          ? 'Events Backline sent that are waiting to be applied: queued, or retried automatically after Jira was busy or down.'
          : 'Every event Backline sent in the last 30 days: one row per event, with its attempts and what it did in Jira.'}
      </p>
      <div className="row">
        <div className="row" role="group" aria-label="Show">
          <Button small kind={pending ? 'subtle' : 'primary'} onClick={() => resetTo(() => setPending(false))} aria-pressed={!pending}>
            All events
          </Button>
          <Button small kind={pending ? 'primary' : 'subtle'} onClick={() => resetTo(() => setPending(true))} aria-pressed={pending}>
            Pending
          </Button>
        </div>
        <label>
          <span>Project</span>
          <input value={project} placeholder="All, or e.g. SEC" onChange={(e) => resetTo(() => setProject(e.target.value.toUpperCase().replace(/[^A-Z0-9_-]/g, '')))} />
        </label>
      </div>
      {notice ? <Banner kind="info">{notice}</Banner> : null}
      {retryError ? <ErrorBanner title="Not retried" error={retryError} /> : null}
      {page.state === 'loading' && !page.data ? <Spinner label="Loading activity…" /> : null}
      {page.state === 'error' ? <ErrorBanner title="The activity could not be loaded" error={page.error} onRetry={page.reload} /> : null}
      {page.data && events.length === 0 ? <p className="empty">{pending ? 'Nothing is waiting: every event was applied or kept as a dead letter.' : 'No events match.'}</p> : null}
      {events.length > 0 ? (
        <DynamicTable
          label={pending ? 'Pending events' : 'Activity'}
          head={{ cells: ['When', 'Event', 'Project', 'Issues', 'State', 'What it did', 'Actions'].map((content) => ({ key: content, content })) }}
          rows={events.flatMap((event) => {
            const state = STATE_LABEL[event.state];
            const row = {
              key: event.eventId,
              cells: [
                { key: 'at', content: <span className="subtle">{formatTime(event.at)}</span> },
                { key: 'type', content: event.type },
                { key: 'project', content: event.projectKey ?? <span className="subtlest">none</span> },
                {
                  key: 'issues',
                  content: (
                    <span className="issue-links">
                      {event.issues.map((issue) =>
                        issue.url ? (
                          <a key={issue.key} href={issue.url} target="_blank" rel="noreferrer">
                            {issue.key}
                          </a>
                        ) : (
                          <span key={issue.key}>{issue.key}</span>
                        ),
                      )}
                    </span>
                  ),
                },
                {
                  key: 'state',
                  content: (
                    <span data-testid={`state-${event.eventId}`}>
                      <Lozenge kind={state.kind}>{state.text}</Lozenge> <span className="subtlest">{plural(event.attempts, 'attempt')}</span>
                      {event.nextAttemptAt ? (
                        <div className="subtlest" data-testid={`next-attempt-${event.eventId}`}>
                          Next attempt {formatTime(event.nextAttemptAt)}
                        </div>
                      ) : event.state === 'retrying' || event.state === 'queued' ? (
                        <div className="subtlest">Next attempt: automatic, as soon as the queue runs it</div>
                      ) : null}
                    </span>
                  ),
                },
                { key: 'did', content: event.error && event.state !== 'applied' ? <span className="subtle">{event.error.code}</span> : event.summary },
                {
                  key: 'actions',
                  content: (
                    <div className="row" style={{ justifyContent: 'flex-end' }}>
                      {event.state === 'dead-letter' ? (
                        <Button small onClick={() => void retryNow(event.eventId)} disabled={retrying !== null} aria-label={`Retry now ${event.eventId}`}>
                          {retrying === event.eventId ? 'Retrying…' : 'Retry now'}
                        </Button>
                      ) : null}
                      <Button small kind="subtle" aria-expanded={open === event.eventId} onClick={() => setOpen(open === event.eventId ? null : event.eventId)} aria-label={`Details of ${event.eventId}`}>
                        {open === event.eventId ? 'Hide' : 'Details'}
                      </Button>
                    </div>
                  ),
                },
              ],
            };
            return open === event.eventId ? [row, { key: `${event.eventId}-details`, cells: [{ key: 'details', colSpan: 7, content: <Details event={event} /> }] }] : [row];
          })}
        />
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
