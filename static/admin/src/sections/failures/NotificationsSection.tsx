/**
 * Notifications: an optional Slack incoming webhook. The URL is a credential:
 * it is sent once to be stored as a secret and never shown again (only its
 * last characters). Posting to Slack is egress, which costs the app its
 * "Runs on Atlassian" eligibility: the page says so.
 */
import { ErrorMessage } from '@atlaskit/form';
import Textfield from '@atlaskit/textfield';
import { useState } from 'react';
import { ApiError } from '../../api';
import { Banner, Button, ErrorBanner, Lozenge, Spinner, formatTime, useLoad } from '../../ui';
import { failuresApi } from './api';

export default function NotificationsSection() {
  const settings = useLoad(() => failuresApi.notifications(), []);
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  /** The URL's own problem, shown under the field. */
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ kind: 'success' | 'warning'; text: string } | null>(null);

  const run = async (fn: () => Promise<unknown>, done: (result: unknown) => void) => {
    setBusy(true);
    setError(null);
    setFieldError(null);
    setNotice(null);
    try {
      done(await fn());
      settings.reload();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'INVALID_INPUT') setFieldError(e.message);
      else setError(e);
    } finally {
      setBusy(false);
    }
  };

  const data = settings.data;
  return (
    <section className="card" aria-labelledby="notifications-title" data-section="notifications">
      <h2 id="notifications-title">Notifications</h2>
      <p className="subtle">
        Get a Slack message when events start failing for a project (one per kind of failure, not one per event), when it recovers, and a daily summary while it lasts.
      </p>
      <Banner kind="info">
        Optional, and off until you set it. Sending to Slack is outbound traffic from the app (to hooks.slack.com only), so with notifications on, the app is no longer
        eligible for Atlassian’s “Runs on Atlassian” badge.
      </Banner>
      {settings.state === 'loading' && !data ? <Spinner label="Loading notification settings…" /> : null}
      {settings.state === 'error' ? <ErrorBanner title="The settings could not be loaded" error={settings.error} onRetry={settings.reload} /> : null}
      {error ? <ErrorBanner error={error} /> : null}
      {notice ? <Banner kind={notice.kind}>{notice.text}</Banner> : null}
      {data ? (
        <div className="stack">
          <p>
            Slack: {data.configured ? <Lozenge kind="success">On</Lozenge> : <Lozenge kind="neutral">Off</Lozenge>}{' '}
            {data.configured && data.hint ? <span className="subtlest">webhook ending {data.hint}</span> : null}{' '}
            {data.updatedAt ? <span className="subtlest">changed {formatTime(data.updatedAt)}</span> : null}
          </p>
          {data.lastTest ? (
            <p className="subtle" data-testid="last-test">
              Last test {formatTime(data.lastTest.at)}: {data.lastTest.message}
            </p>
          ) : null}
          <form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              void run(
                () => failuresApi.setSlackUrl(url),
                () => {
                  setUrl('');
                  setNotice({ kind: 'success', text: 'Saved. The webhook URL is stored as a secret and will not be shown again.' });
                },
              );
            }}
          >
            <div>
              <label htmlFor="slack-url">Slack incoming webhook URL</label>
              <div className="row">
                <div className="grow">
                  <Textfield
                    id="slack-url"
                    type="password"
                    autoComplete="off"
                    placeholder="https://hooks.slack.com/services/…"
                    value={url}
                    isInvalid={fieldError !== null}
                    onChange={(e) => {
                      setUrl(e.currentTarget.value);
                      setFieldError(null);
                    }}
                    aria-describedby="slack-url-error slack-help"
                  />
                </div>
                <Button kind="primary" type="submit" disabled={busy || url.trim() === ''}>
                  {data.configured ? 'Replace webhook' : 'Save webhook'}
                </Button>
              </div>
              <div id="slack-url-error">{fieldError ? <ErrorMessage>{fieldError}</ErrorMessage> : null}</div>
              <p id="slack-help" className="help">
                In Slack: Apps → Incoming Webhooks → Add to a channel, then copy the URL. Only https://hooks.slack.com/ URLs are accepted.
              </p>
            </div>
          </form>
          <div className="row">
            <Button
              disabled={busy || !data.configured}
              onClick={() =>
                void run(
                  () => failuresApi.testNotification(),
                  (r) => {
                    const result = r as { ok: boolean; message: string };
                    setNotice({ kind: result.ok ? 'success' : 'warning', text: result.message });
                  },
                )
              }
            >
              Send test notification
            </Button>
            <Button kind="subtle" disabled={busy || !data.configured} onClick={() => void run(() => failuresApi.clearSlackUrl(), () => setNotice({ kind: 'success', text: 'Slack notifications are off.' }))}>
              Turn off
            </Button>
          </div>
        </div>
      ) : null}
    </section>
  );
}
