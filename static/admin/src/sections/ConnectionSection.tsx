/**
 * Connection: where Backline sends events (the web trigger URL), the signing
 * secret (generated or rotated here, shown once, the old one accepted for 24 h
 * after a rotation), the last event received and how to test with `ping`.
 */
import { useRef, useState } from 'react';
import { api } from '../api';
import type { SecretRotation } from '../../../../src/shared/contracts/admin';
import { Banner, Button, ConfirmDialog, ErrorBanner, Lozenge, Spinner, formatTime, useLoad } from '../ui';

function CopyField({ id, label, value }: { id: string; label: string; value: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'manual' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      // Clipboard access can be refused inside Jira's iframe: select the text instead.
      input.current?.select();
      setCopied('manual');
    }
  };
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      <div className="row">
        <input id={id} ref={input} className="grow mono" readOnly value={value} onFocus={(e) => e.currentTarget.select()} style={{ minWidth: 280 }} />
        <Button onClick={() => void copy()}>Copy</Button>
      </div>
      <div className="help" aria-live="polite">
        {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'manual' ? 'Selected: press Ctrl+C (⌘C on a Mac) to copy.' : '\u00a0'}
      </div>
    </div>
  );
}

export function ConnectionSection() {
  const connection = useLoad(() => api.connection(), []);
  const [confirming, setConfirming] = useState(false);
  const [rotating, setRotating] = useState(false);
  const [rotation, setRotation] = useState<SecretRotation | null>(null);
  const [rotateError, setRotateError] = useState<unknown>(null);

  const rotate = async () => {
    setRotating(true);
    setRotateError(null);
    try {
      setRotation(await api.rotateSecret());
      setConfirming(false);
      connection.reload();
    } catch (error) {
      setRotateError(error);
      setConfirming(false);
    } finally {
      setRotating(false);
    }
  };

  if (connection.state === 'loading' && !connection.data) return <Spinner label="Loading the connection…" />;
  if (connection.state === 'error' && !connection.data) return <ErrorBanner title="The connection could not be loaded" error={connection.error} onRetry={connection.reload} />;
  const info = connection.data;
  if (!info) return null;
  const configured = info.secret.configured;

  return (
    <div>
      {info.pressure ? (
        <Banner kind="warning" title="Jira’s hourly points are nearly spent">
          <span data-testid="pressure">
            {info.pressure.more ? 'More than 1,000' : info.pressure.waiting.toLocaleString('en-GB')} {info.pressure.waiting === 1 && !info.pressure.more ? 'event waits' : 'events wait'} in
            the queue; the next window opens at {formatTime(info.pressure.resetAt)}. Critical and high findings go first; the rest follow at the pace the remaining
            points allow. Nothing is lost.
          </span>
        </Banner>
      ) : null}
      <section className="card stack" aria-labelledby="endpoint-title">
        <h2 id="endpoint-title">Connect Backline</h2>
        <p className="subtle">In Backline, open Settings → Integrations → Jira and paste this URL and the signing secret.</p>
        <CopyField id="webtrigger-url" label="Web trigger URL" value={info.webTriggerUrl} />
      </section>

      <section className="card stack" aria-labelledby="secret-title">
        <div className="spread">
          <h2 id="secret-title">Signing secret</h2>
          {configured ? <Lozenge kind="success">Configured</Lozenge> : <Lozenge kind="warning">Not set</Lozenge>}
        </div>
        <p className="subtle">
          Backline signs every request with this secret (HMAC-SHA256); the app refuses requests without a valid signature.
          {configured && info.secret.createdAt ? ` Current secret created ${formatTime(info.secret.createdAt)}.` : ''}
        </p>
        {info.secret.previousValidUntil ? (
          <Banner kind="info">The previous secret is still accepted until {formatTime(info.secret.previousValidUntil)}. Update Backline before then.</Banner>
        ) : null}
        {rotation ? (
          <div className="banner success" role="status">
            <p>
              <strong>Copy the new secret now: it is shown only once.</strong>
            </p>
            <CopyField id="new-secret" label="New signing secret" value={rotation.secret} />
            {rotation.previousValidUntil ? <p>The old secret keeps working until {formatTime(rotation.previousValidUntil)}, so Backline can be updated without losing events.</p> : null}
            <Button small onClick={() => setRotation(null)}>
              I have copied it
            </Button>
          </div>
        ) : null}
        {rotateError ? <ErrorBanner error={rotateError} /> : null}
        <div>
          <Button kind={configured ? 'default' : 'primary'} onClick={() => (configured ? setConfirming(true) : void rotate())} disabled={rotating}>
            {rotating ? 'Generating…' : configured ? 'Rotate secret' : 'Generate secret'}
          </Button>
        </div>
        {confirming ? (
          <ConfirmDialog title="Rotate the signing secret?" confirmLabel="Rotate" busy={rotating} onConfirm={() => void rotate()} onCancel={() => setConfirming(false)}>
            <p>A new secret is generated and shown once. The current secret stays valid for 24 hours, then Backline must use the new one.</p>
          </ConfirmDialog>
        ) : null}
      </section>

      <section className="card stack" aria-labelledby="last-event-title">
        <div className="spread">
          <h2 id="last-event-title">Last event received</h2>
          <Button small kind="subtle" onClick={connection.reload} disabled={connection.state === 'loading'}>
            Refresh
          </Button>
        </div>
        {info.lastEvent ? (
          <p data-testid="last-event">
            <OutcomeLozenge outcome={info.lastEvent.outcome} /> {info.lastEvent.type ? <code>{info.lastEvent.type}</code> : null} at {formatTime(info.lastEvent.at)}
            {info.lastEvent.eventId ? <span className="subtlest"> (event {info.lastEvent.eventId})</span> : null}
            {info.lastEvent.message ? <span className="subtle"> — {info.lastEvent.message}</span> : null}
          </p>
        ) : (
          <p className="subtle" data-testid="last-event">No event received yet.</p>
        )}
        <h3>Test the connection</h3>
        <p className="subtle">
          In Backline's Jira integration, choose <strong>Send test event</strong>. It sends a signed <code>ping</code> event; this page then shows it as the last event
          with outcome <em>ok</em>. An outcome of <em>unauthorized</em> means Backline uses another secret: copy it again.
        </p>
      </section>
    </div>
  );
}

function OutcomeLozenge({ outcome }: { outcome: string }) {
  const good = ['ok', 'created', 'updated', 'unchanged', 'duplicate', 'queued'].includes(outcome);
  const bad = ['failed', 'unauthorized', 'invalid'].some((x) => outcome.includes(x));
  return <Lozenge kind={good ? 'success' : bad ? 'danger' : 'neutral'}>{outcome}</Lozenge>;
}
