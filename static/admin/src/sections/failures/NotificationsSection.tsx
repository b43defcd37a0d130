/**
 * Notifications: an optional Slack incoming webhook. The URL is a credential:
 * it is sent once to be stored as a secret and never shown again (only its
 * last characters). Posting to Slack is egress, which costs the app its
 * "Runs on Atlassian" eligibility: the page says so.
 */
import { useState } from 'react';
import { ActionMessages, FieldWithError, useAction } from '../../ui/action';
import { Banner, Button, ErrorBanner, Lozenge, Spinner, formatTime, useLoad } from '../../ui';
import { failuresApi } from './api';

export default function NotificationsSection() {
  const settings = useLoad(() => failuresApi.notifications(), []);
  const [url, setUrl] = useState('');
  const { busy, error, fieldError, notice, run, clearFieldError } = useAction(() => settings.reload());

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
      <ActionMessages error={error} notice={notice} />
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
                  return { kind: 'success', text: 'Saved. The webhook URL is stored as a secret and will not be shown again.' };
                },
              );
            }}
          >
            <FieldWithError
              id="slack-url"
              label="Slack incoming webhook URL"
              type="password"
              placeholder="https://hooks.slack.com/services/…"
              value={url}
              error={fieldError}
              onChange={(text) => {
                setUrl(text);
                clearFieldError();
              }}
              help="In Slack: Apps → Incoming Webhooks → Add to a channel, then copy the URL. Only https://hooks.slack.com/ URLs are accepted."
              action={
                <Button kind="primary" type="submit" disabled={busy || url.trim() === ''}>
                  {data.configured ? 'Replace webhook' : 'Save webhook'}
                </Button>
              }
            />
          </form>
          <div className="row">
            <Button
              disabled={busy || !data.configured}
              onClick={() =>
                void run(
                  () => failuresApi.testNotification(),
                  (result) => ({ kind: result.ok ? 'success' : 'warning', text: result.message }),
                )
              }
            >
              Send test notification
            </Button>
            <Button kind="subtle" disabled={busy || !data.configured} onClick={() => void run(() => failuresApi.clearSlackUrl(), () => ({ kind: 'success', text: 'Slack notifications are off.' }))}>
              Turn off
            </Button>
          </div>
        </div>
      ) : null}
    </section>
  );
}
