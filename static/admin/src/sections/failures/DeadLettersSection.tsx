/**
 * Dead letters: events that failed for good, with their error, kept until an
 * admin fixes the cause and retries them (one, or all of a project) or
 * discards them. A retry goes through the same path as a new delivery, so
 * applying an event twice never creates a second issue.
 */
import { useState } from 'react';
import type { DeadLetterView, RetryOutcomeView } from '../../../../../src/shared/contracts/failures';
import { Banner, Button, ConfirmDialog, ErrorBanner, Spinner, TableHead, formatTime, useLoad } from '../../ui';
import { Select } from '../../ui/Select';
import { failuresApi } from './api';

function projectName(key: string | null): string {
  return key ?? 'No project';
}

export default function DeadLettersSection({ refreshKey = 0, onRetried }: { refreshKey?: number; onRetried?: () => void }) {
  const [project, setProject] = useState<string>('');
  const list = useLoad(() => failuresApi.deadLetters({ limit: 100, ...(project ? { projectKey: project } : {}) }), [project, refreshKey]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [outcomes, setOutcomes] = useState<RetryOutcomeView[]>([]);
  const [discarding, setDiscarding] = useState<{ label: string; payload: { eventIds: string[] } | { projectKey: string } } | null>(null);
  const [expanded, setExpanded] = useState<string | null>(null);

  const retry = async (payload: { eventIds: string[] } | { projectKey: string }) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const result = await failuresApi.retry(payload);
      setOutcomes(result.outcomes);
      setNotice(result.message);
      list.reload();
      onRetried?.();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const discard = async () => {
    if (!discarding) return;
    setBusy(true);
    setError(null);
    try {
      const result = await failuresApi.discard(discarding.payload);
      setNotice(`${result.discarded} dead letter${result.discarded === 1 ? '' : 's'} discarded.`);
      setDiscarding(null);
      list.reload();
    } catch (e) {
      setError(e);
      setDiscarding(null);
    } finally {
      setBusy(false);
    }
  };

  const data = list.data;
  const outcomeOf = (l: DeadLetterView) => outcomes.find((o) => o.eventId === l.eventId);
  return (
    <section className="card" aria-labelledby="deadletters-title" data-section="deadletters">
      <div className="spread">
        <h2 id="deadletters-title">Dead letters</h2>
        <Button small onClick={list.reload}>
          Refresh
        </Button>
      </div>
      <p className="subtle">Events that could not be applied (after retries, or because Jira or the mapping refused them). Fix the cause, then retry them.</p>
      {error ? <ErrorBanner error={error} /> : null}
      {notice ? <Banner kind="success">{notice}</Banner> : null}
      {outcomes.some((o) => o.issues?.length) ? (
        <Banner kind="info">
          Issues:{' '}
          {outcomes
            .flatMap((o) => o.issues ?? [])
            .map((i) => (
              <a key={i.key} href={i.url} target="_blank" rel="noreferrer" style={{ marginRight: 8 }} data-testid="retried-issue">
                {i.key}
              </a>
            ))}
        </Banner>
      ) : null}
      {list.state === 'loading' && !data ? <Spinner label="Loading dead letters…" /> : null}
      {list.state === 'error' ? <ErrorBanner title="The dead letters could not be loaded" error={list.error} onRetry={list.reload} /> : null}
      {data ? (
        <>
          <div className="row" role="group" aria-label="Dead letters by project">
            <div>
              <label htmlFor="dead-letters-project">Project</label>
              <Select
                id="dead-letters-project"
                value={project}
                width={240}
                choices={[
                  { value: '', label: `All (${data.byProject.reduce((n, p) => n + p.count, 0)})` },
                  ...data.byProject.map((p) => ({ value: p.projectKey ?? '-', label: `${projectName(p.projectKey)} (${p.count})` })),
                ]}
                onChange={setProject}
              />
            </div>
            {data.byProject.map((p) => (
              <span key={p.projectKey ?? '-'} className="row">
                <Button small disabled={busy} onClick={() => void retry({ projectKey: p.projectKey ?? '-' })}>
                  Retry all {projectName(p.projectKey)} ({p.count})
                </Button>
                <Button small kind="subtle" disabled={busy} onClick={() => setDiscarding({ label: `all ${p.count} of ${projectName(p.projectKey)}`, payload: { projectKey: p.projectKey ?? '-' } })}>
                  Discard all {projectName(p.projectKey)}
                </Button>
              </span>
            ))}
          </div>
          {busy ? <Spinner label="Working…" /> : null}
          {data.items.length === 0 ? <p className="empty">No dead letters. Every event was applied or is still being retried.</p> : null}
          {data.items.length > 0 ? (
            <table className="table" aria-label="Dead letters">
              <TableHead columns={["Failed", "Event", "Project", "Error"]} hiddenLast="Actions" />
              <tbody>
                {data.items.map((l) => (
                  <tr key={l.eventId} data-deadletter={l.eventId}>
                    <td className="subtle">{formatTime(l.at)}</td>
                    <td>
                      {l.type} <span className="subtlest">{l.eventId}</span>
                      <div className="subtlest">{l.findingIds.join(', ')}</div>
                      {expanded === l.eventId ? <pre className="secret-box">{JSON.stringify(l.event, null, 2)}</pre> : null}
                    </td>
                    <td>{projectName(l.projectKey)}</td>
                    <td>
                      {l.error ? (
                        <>
                          <strong>{l.error.code}</strong> {l.error.message}
                        </>
                      ) : (
                        'unknown'
                      )}
                      {l.retries || l.replays ? <div className="subtlest">{l.retries} queue retries, {l.replays} failed retries</div> : null}
                      {outcomeOf(l) ? <div className="field-error">Retry: {outcomeOf(l)?.status} {outcomeOf(l)?.error?.message ?? ''}</div> : null}
                    </td>
                    <td>
                      <div className="row" style={{ justifyContent: 'flex-end' }}>
                        <Button small kind="subtle" onClick={() => setExpanded(expanded === l.eventId ? null : l.eventId)} aria-label={`Payload of ${l.eventId}`}>
                          {expanded === l.eventId ? 'Hide payload' : 'Payload'}
                        </Button>
                        <Button small disabled={busy || !l.event} onClick={() => void retry({ eventIds: [l.eventId] })} aria-label={`Retry ${l.eventId}`}>
                          Retry
                        </Button>
                        <Button small kind="subtle" disabled={busy} onClick={() => setDiscarding({ label: l.eventId, payload: { eventIds: [l.eventId] } })} aria-label={`Discard ${l.eventId}`}>
                          Discard
                        </Button>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {data.total > data.items.length ? <p className="subtlest">Showing the newest {data.items.length} of {data.total}.</p> : null}
        </>
      ) : null}
      {discarding ? (
        <ConfirmDialog title="Discard dead letters?" confirmLabel="Discard" danger busy={busy} onConfirm={() => void discard()} onCancel={() => setDiscarding(null)}>
          <p>Discard {discarding.label}? Backline will not send these events again; their findings stay without the change until the next event about them.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
