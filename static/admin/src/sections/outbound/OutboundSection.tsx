/**
 * "Changes made in Jira": Backline's endpoint for what people do to linked
 * issues (docs/outbound.md), off until set, and the changes that could not be
 * delivered for 24 hours (outbound dead letters), to retry or discard. Loaded
 * with the Connection tab, after its own cards.
 */
import { useState } from 'react';
import type { OutboundPayloads, OutboundResolverKey, OutboundResultOf } from '../../../../../src/shared/contracts/outbound';
import { invokeResolver } from '../../api';
import { ActionMessages, FieldWithError, useAction } from '../../ui/action';
import { Button, ErrorBanner, Lozenge, Spinner, TableHead, formatTime, plural, useLoad } from '../../ui';

const call = <K extends OutboundResolverKey>(key: K, payload: OutboundPayloads[K]) => invokeResolver<OutboundResultOf<K>>(key, payload);

export default function OutboundSection() {
  const settings = useLoad(() => call('outbound/settings.get', {}), []);
  const letters = useLoad(() => call('outbound/deadletters.list', {}), []);
  const [endpoint, setEndpoint] = useState<string | null>(null);
  const { busy, error, fieldError, notice, run, clearFieldError } = useAction(() => {
    setEndpoint(null);
    settings.reload();
    letters.reload();
  });
  const said = (text: string) => () => ({ kind: 'success' as const, text });

  const data = settings.data;
  const value = endpoint ?? data?.endpoint ?? '';
  const items = letters.data?.items ?? [];
  return (
    <section className="card stack" aria-labelledby="outbound-title" data-section="outbound">
      <div className="spread">
        <h2 id="outbound-title">Changes made in Jira</h2>
        {data ? data.endpoint ? <Lozenge kind="success">Sending</Lozenge> : <Lozenge kind="neutral">Off</Lozenge> : null}
      </div>
      <p className="subtle">
        When people close, reopen, reassign or delete a linked issue, the app can tell Backline, signed with the same secret. What a status and resolution mean
        to Backline is set per project, under Mapping back in its editor. Off until you set Backline’s endpoint.
      </p>
      {settings.state === 'loading' && !data ? <Spinner label="Loading the endpoint…" /> : null}
      {settings.state === 'error' ? <ErrorBanner title="The endpoint could not be loaded" error={settings.error} onRetry={settings.reload} /> : null}
      <ActionMessages error={error} notice={notice} />
      {data ? (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void run(() => call('outbound/settings.set', { endpoint: value }), said('Saved. Changes people make in Jira now go to Backline.'));
          }}
        >
          <FieldWithError
            id="outbound-endpoint"
            label="Backline endpoint"
            type="url"
            placeholder="https://hooks.backline.ai/jira/events"
            value={value}
            error={fieldError}
            onChange={(text) => {
              setEndpoint(text);
              clearFieldError();
            }}
            help={`In Backline: Settings → Integrations → Jira → “Receive changes from Jira”. Only https addresses on backline.ai are accepted.${data.updatedAt ? ` Changed ${formatTime(data.updatedAt)}.` : ''}`}
            action={
              <>
                <Button kind="primary" type="submit" disabled={busy || value.trim() === '' || value.trim() === data.endpoint}>
                  Save endpoint
                </Button>
                <Button kind="subtle" disabled={busy || !data.endpoint} onClick={() => void run(() => call('outbound/settings.set', { endpoint: null }), said('Off: the app no longer tells Backline about changes made in Jira.'))}>
                  Turn off
                </Button>
              </>
            }
          />
        </form>
      ) : null}
      <h3>Not delivered</h3>
      {letters.state === 'error' ? <ErrorBanner title="The undelivered changes could not be loaded" error={letters.error} onRetry={letters.reload} /> : null}
      {letters.data && items.length === 0 ? (
        <p className="subtle" data-testid="outbound-dead-letters">
          Every change was delivered.
        </p>
      ) : null}
      {items.length > 0 ? (
        <div className="stack" data-testid="outbound-dead-letters">
          <p>
            {plural(items.length, 'change')} could not be delivered for 24 hours. Retry once Backline is reachable again; nothing is sent twice for the same change.
          </p>
          <table className="table">
            <TableHead columns={['Issue', 'Change', 'Last tried', 'Why']} />
            <tbody>
              {items.map((item) => (
                <tr key={item.eventId}>
                  <td>{item.issueKey}</td>
                  <td>
                    <code>{item.type}</code>
                  </td>
                  <td>
                    {formatTime(item.at)} ({plural(item.attempts, 'attempt')})
                  </td>
                  <td>{item.error.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="row">
            <Button
              disabled={busy}
              onClick={() => void run(() => call('outbound/deadletters.retry', { eventIds: items.slice(0, 100).map((i) => i.eventId) }), said('Queued again: they are delivered in the next minutes.'))}
            >
              Retry all
            </Button>
            <Button kind="subtle" disabled={busy} onClick={() => void run(() => call('outbound/deadletters.discard', { eventIds: items.slice(0, 100).map((i) => i.eventId) }), said('Discarded.'))}>
              Discard all
            </Button>
          </div>
        </div>
      ) : null}
    </section>
  );
}
