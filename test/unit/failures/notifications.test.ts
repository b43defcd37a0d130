import { FAILURES_OPEN_KEY, parseSlackWebhookUrl, Notifier, SLACK_SECRET_KEY } from '../../../src/core/failures/notifications';
import type { HttpPoster } from '../../../src/core/ports';
import { RecordingLogger, makeTestPlatform } from '../../fakes';

const URL_OK = 'https://hooks.slack.com/services/T000/B000/XXXXSECRET';

class FakeSlack implements HttpPoster {
  readonly posts: Array<{ url: string; text: string }> = [];
  status = 200;
  fail = false;
  async postJson(url: string, body: unknown): Promise<number> {
    if (this.fail) throw new Error(`connect ECONNREFUSED ${url}`);
    this.posts.push({ url, text: (body as { text: string }).text });
    return this.status;
  }
}

function setup() {
  const slack = new FakeSlack();
  const logger = new RecordingLogger();
  const platform = makeTestPlatform({ http: slack, logger });
  return { slack, logger, platform };
}

describe('Slack webhook URL validation', () => {
  it.each([
    'http://hooks.slack.com/services/T/B/X',
    'https://hooks.slack.com.evil.example/services/T/B/X',
    'https://hooks.slack.com@evil.example/services/T/B/X',
    'https://user:pw@hooks.slack.com/services/T/B/X',
    'https://evil.example/https://hooks.slack.com/services/T/B/X',
    'https://hooks.slack.com:8443/services/T/B/X',
    'https://hooks.slack.com/other/T/B/X',
    'https://hooks.slack.com/services/',
    'hooks.slack.com/services/T/B/X',
    'not a url',
  ])('refuses %s', (url) => {
    expect(() => parseSlackWebhookUrl(url)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('accepts a Slack incoming webhook URL', () => {
    expect(parseSlackWebhookUrl(` ${URL_OK} `)).toBe(URL_OK);
  });
});

describe('Notifier', () => {
  it('stores the URL as a secret and never shows it back', async () => {
    const { platform } = setup();
    const settings = await new Notifier(platform).setWebhookUrl(URL_OK);
    expect(await platform.secrets.get(SLACK_SECRET_KEY)).toBe(URL_OK);
    expect(JSON.stringify(settings)).not.toContain('XXXXSECRET');
    expect(settings).toMatchObject({ configured: true, hint: '…CRET' });
    expect(JSON.stringify(await platform.store.get('notify:meta'))).not.toContain('hooks.slack.com');
  });

  it('sends one message when a kind of failure starts and one when it recovers, whatever the number of events', async () => {
    const { platform, slack } = setup();
    await new Notifier(platform).setWebhookUrl(URL_OK);
    for (let i = 0; i < 50; i++) {
      const notifier = new Notifier(platform); // a new invocation each time
      await notifier.onFailure('SEC', 'MAPPING_INVALID', 'Severity: no option High', `evt_${i}`);
      platform.clock.advance(1000);
    }
    expect(slack.posts).toHaveLength(1);
    expect(slack.posts[0]?.text).toContain('SEC');
    expect(slack.posts[0]?.text).toContain('MAPPING_INVALID');
    await new Notifier(platform).onSuccess('SEC');
    await new Notifier(platform).onSuccess('SEC');
    expect(slack.posts).toHaveLength(2);
    expect(slack.posts[1]?.text).toMatch(/recovered from MAPPING_INVALID \(50 failed events/);
  });

  it('tells different kinds and projects apart, and a success of another project recovers nothing', async () => {
    const { platform, slack } = setup();
    const n = new Notifier(platform);
    await n.setWebhookUrl(URL_OK);
    await n.onFailure('SEC', 'MAPPING_INVALID', 'm', 'e1');
    await n.onFailure('SEC', 'JIRA_REJECTED', 'm', 'e2');
    await n.onFailure('APP', 'MAPPING_INVALID', 'm', 'e3');
    expect(slack.posts).toHaveLength(3);
    await n.onSuccess('APP');
    expect(slack.posts).toHaveLength(4);
    await n.onFailure('SEC', 'MAPPING_INVALID', 'm', 'e4');
    expect(slack.posts).toHaveLength(4);
  });

  it('a success while no failure is open reads neither the webhook secret nor the failure states', async () => {
    const { platform, slack } = setup();
    await new Notifier(platform).setWebhookUrl(URL_OK);
    const secretReads = jest.spyOn(platform.secrets, 'get');
    const lists = jest.spyOn(platform.store, 'list');
    const quiet = new Notifier(platform);
    quiet.primeOpen(await platform.store.get(FAILURES_OPEN_KEY)); // as the invocation's first batch does
    await quiet.onSuccess('SEC');
    expect([secretReads.mock.calls.length, lists.mock.calls.length]).toEqual([0, 0]);
    // A failure opens; the next invocation's success (marker read in its batch) sends the recovery.
    await new Notifier(platform).onFailure('SEC', 'JIRA_REJECTED', 'Jira said no', 'e1');
    const next = new Notifier(platform);
    next.primeOpen(await platform.store.get(FAILURES_OPEN_KEY));
    await next.onSuccess('SEC');
    expect(slack.posts.map((p) => p.text)).toEqual([expect.stringMatching(/failing with JIRA_REJECTED/), expect.stringMatching(/recovered from JIRA_REJECTED/)]);
  });

  it('the daily digest keeps the marker while a failure lasts longer than the marker would', async () => {
    const { platform, slack } = setup();
    await new Notifier(platform).setWebhookUrl(URL_OK);
    await new Notifier(platform).onFailure('SEC', 'JIRA_REJECTED', 'Jira said no', 'e1');
    for (let day = 0; day < 14; day++) {
      platform.clock.advance(24 * 3600_000);
      await new Notifier(platform).sendDigest();
    }
    const later = new Notifier(platform);
    later.primeOpen(await platform.store.get(FAILURES_OPEN_KEY));
    await later.onSuccess('SEC');
    expect(slack.posts.at(-1)?.text).toMatch(/recovered from JIRA_REJECTED/);
  });

  it('concurrent first failures of one kind send one message', async () => {
    const { platform, slack } = setup();
    await new Notifier(platform).setWebhookUrl(URL_OK);
    await Promise.all(Array.from({ length: 10 }, (_, i) => new Notifier(platform).onFailure('SEC', 'JIRA_REJECTED', 'x', `e${i}`)));
    expect(slack.posts).toHaveLength(1);
  });

  it('sends a daily digest while a failure persists, and none before a day has passed', async () => {
    const { platform, slack } = setup();
    const n = new Notifier(platform);
    await n.setWebhookUrl(URL_OK);
    await n.onFailure('SEC', 'JIRA_REJECTED', 'Jira said no', 'e1');
    platform.clock.advance(23 * 3600_000);
    expect(await n.sendDigest()).toBe(0);
    await n.onFailure('SEC', 'JIRA_REJECTED', 'Jira said no', 'e2');
    platform.clock.advance(1 * 3600_000);
    expect(await n.sendDigest()).toBe(1);
    expect(slack.posts.at(-1)?.text).toMatch(/daily summary.*\n• SEC: JIRA_REJECTED, 2 new failures/);
    expect(await n.sendDigest()).toBe(0);
    await n.onSuccess('SEC');
    platform.clock.advance(25 * 3600_000);
    expect(await n.sendDigest()).toBe(0);
  });

  it('does nothing without a webhook, and a Slack outage never throws or logs the URL', async () => {
    const { platform, slack, logger } = setup();
    const off = new Notifier(platform);
    await off.onFailure('SEC', 'JIRA_REJECTED', 'x', 'e');
    expect(await platform.store.list('notify:state:')).toEqual({ items: [] });
    await new Notifier(platform).setWebhookUrl(URL_OK);
    slack.fail = true;
    await expect(new Notifier(platform).onFailure('SEC', 'JIRA_REJECTED', 'x', 'e')).resolves.toBeUndefined();
    expect(await new Notifier(platform).sendTest()).toMatchObject({ ok: false });
    expect(JSON.stringify(logger.entries)).not.toContain('hooks.slack.com');
    expect(JSON.stringify(logger.entries)).not.toContain('XXXXSECRET');
  });

  it('reports what Slack answered to a test message', async () => {
    const { platform, slack } = setup();
    const n = new Notifier(platform);
    await expect(n.sendTest()).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await n.setWebhookUrl(URL_OK);
    expect(await n.sendTest()).toEqual({ ok: true, message: 'Slack accepted the test message.' });
    slack.status = 404;
    expect((await n.sendTest()).ok).toBe(false);
    expect((await n.settings()).lastTest).toMatchObject({ ok: false });
  });
});
