/**
 * Slack notifications about failures, through an optional incoming webhook.
 *
 * - The webhook URL is a credential (anyone holding it can post to the
 *   channel), so it lives in secret storage (SecretStore → `kvs.setSecret`),
 *   is never sent back to the browser, and is never logged.
 * - Only `https://hooks.slack.com/...` is accepted, checked on the parsed URL
 *   (a prefix match would let `https://hooks.slack.com.evil.example/` or
 *   `https://hooks.slack.com@evil.example/` through). That is also the only
 *   egress host the manifest declares (`permissions.external.fetch.backend`).
 * - One message when a kind of failure (project + error code) starts, one when
 *   it recovers, and a daily digest while it persists: never one per event.
 *   State lives in KVS (`notify:state:<project>:<code>`); "first writer wins"
 *   (`ifAbsent`, Forge `FAIL_IF_EXISTS`) keeps concurrent deliveries from
 *   sending the same message twice.
 * - A notification failure never fails event processing: every entry point
 *   here catches, logs without the URL, and returns.
 */
import { z } from 'zod';
import { CodedError } from '../errors';
import type { HttpPoster, Platform } from '../ports';
import { clip, digestMessage, failureStateSchema, MOVE_FAILURES, NOTIFY_STATE_PREFIX, notifyStateKey, recoveredMessage, startedMessage, type FailureState, type SlackMessage } from './slack-messages';

export { failureStateSchema, MOVE_FAILURES, NOTIFY_STATE_PREFIX, notifyStateKey, type FailureState } from './slack-messages';

export const SLACK_SECRET_KEY = 'notify:slack-webhook-url';
const NOTIFY_META_KEY = 'notify:meta';
/**
 * Present while a failure state may exist: written with each, renewed by the digest while any
 * is left, gone 8 days after both stop. A success reads it in its invocation's first batch
 * (src/core/prefetch.ts); absent, it reads neither the webhook secret nor the states.
 */
export const FAILURES_OPEN_KEY = 'notify:open';
const FAILURES_OPEN_TTL_SECONDS = 8 * 24 * 60 * 60;
const RECOVERY_CLAIM_PREFIX = 'notify:recovered:';
const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_URL_LENGTH = 500;

/** The parsed, canonical webhook URL, or an INVALID_INPUT error saying what is wrong. */
export function parseSlackWebhookUrl(raw: string): string {
  const invalid = (why: string) =>
    new CodedError('INVALID_INPUT', `That is not a Slack incoming webhook URL (${why}). Copy the URL Slack shows for the webhook; it starts with https://hooks.slack.com/services/.`, {
      details: [{ path: 'url', message: why }],
    });
  const text = raw.trim();
  if (text.length === 0 || text.length > MAX_URL_LENGTH) throw invalid('expected a URL of at most 500 characters');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid('not a URL');
  }
  if (url.protocol !== 'https:') throw invalid('it must use https');
  if (url.hostname !== 'hooks.slack.com') throw invalid('the host must be hooks.slack.com');
  if (url.username !== '' || url.password !== '') throw invalid('it must not contain a user name or password');
  if (url.port !== '') throw invalid('it must not name a port');
  if (!url.pathname.startsWith('/services/') || url.pathname.length <= '/services/'.length) throw invalid('the path must start with /services/');
  if (url.hash !== '') throw invalid('it must not contain a fragment');
  return url.toString();
}

/** What the admin page may know about the setting: never the URL itself. */
export interface NotificationSettings {
  configured: boolean;
  /** Last four characters of the URL, so the admin can tell which webhook is set. */
  hint?: string;
  updatedAt?: string;
  lastTest?: { at: string; ok: boolean; message: string };
}

const metaSchema = z.object({
  updatedAt: z.number().optional(),
  hint: z.string().optional(),
  lastTest: z.object({ at: z.number(), ok: z.boolean(), message: z.string() }).optional(),
});

/**
 * Notifications for one invocation (the webhook URL is read from secret
 * storage once and remembered for the invocation only).
 */
export class Notifier {
  private url: Promise<string | undefined> | undefined;
  /** Whether failure states may be open (FAILURES_OPEN_KEY), once known in this invocation. */
  private open: boolean | undefined;

  constructor(private readonly platform: Platform) {}

  /** The marker as read in the invocation's first batch. */
  primeOpen = (raw: unknown): void => void (this.open ??= raw !== undefined);

  private async mayBeOpen(): Promise<boolean> {
    this.open ??= (await this.platform.store.get<unknown>(FAILURES_OPEN_KEY)) !== undefined;
    return this.open;
  }

  private async markOpen(): Promise<void> {
    this.open = true;
    await this.platform.store.set(FAILURES_OPEN_KEY, { at: this.platform.clock.now() }, { ttlSeconds: FAILURES_OPEN_TTL_SECONDS });
  }

  private webhookUrl(): Promise<string | undefined> {
    this.url ??= this.platform.secrets.get(SLACK_SECRET_KEY).then(
      (value) => value || undefined,
      () => undefined,
    );
    return this.url;
  }

  async settings(): Promise<NotificationSettings> {
    const [url, metaRaw] = await Promise.all([this.platform.secrets.get(SLACK_SECRET_KEY), this.platform.store.get<unknown>(NOTIFY_META_KEY)]);
    const meta = metaSchema.safeParse(metaRaw ?? {});
    const m = meta.success ? meta.data : {};
    return {
      configured: Boolean(url),
      ...(url && m.hint ? { hint: m.hint } : {}),
      ...(m.updatedAt !== undefined ? { updatedAt: new Date(m.updatedAt).toISOString() } : {}),
      ...(m.lastTest ? { lastTest: { at: new Date(m.lastTest.at).toISOString(), ok: m.lastTest.ok, message: m.lastTest.message } } : {}),
    };
  }

  async setWebhookUrl(raw: string): Promise<NotificationSettings> {
    const url = parseSlackWebhookUrl(raw);
    await this.platform.secrets.set(SLACK_SECRET_KEY, url);
    await this.platform.store.set(NOTIFY_META_KEY, { updatedAt: this.platform.clock.now(), hint: `…${url.slice(-4)}` });
    this.url = Promise.resolve(url);
    this.platform.logger.info('slack notifications configured');
    return this.settings();
  }

  async clearWebhookUrl(): Promise<NotificationSettings> {
    await this.platform.secrets.delete(SLACK_SECRET_KEY);
    await this.platform.store.set(NOTIFY_META_KEY, { updatedAt: this.platform.clock.now() });
    this.url = Promise.resolve(undefined);
    this.platform.logger.info('slack notifications turned off');
    return this.settings();
  }

  /** Sends a test message; answers what happened (never throws for Slack's answer). */
  async sendTest(): Promise<{ ok: boolean; message: string }> {
    const url = await this.webhookUrl();
    if (!url) throw new CodedError('INVALID_INPUT', 'No Slack webhook is set: paste an incoming webhook URL first.');
    const result = await this.post({ text: ':wave: Backline for Jira: test notification. Failures of Backline events will be reported in this channel.' }, url);
    const outcome = result.ok
      ? { ok: true, message: 'Slack accepted the test message.' }
      : { ok: false, message: `Slack did not accept the message (${result.detail}). Check the webhook in Slack, or paste a new URL.` };
    await this.platform.store
      .set(NOTIFY_META_KEY, { ...(metaSchema.safeParse(await this.platform.store.get<unknown>(NOTIFY_META_KEY)).data ?? {}), lastTest: { at: this.platform.clock.now(), ...outcome } })
      .catch(() => undefined);
    return outcome;
  }

  /** A final failure (dead letter) of a kind: the first one of its kind sends "started". */
  async onFailure(projectKey: string, code: string, message: string, eventId: string): Promise<void> {
    await this.guard('failure', async () => {
      if (!(await this.webhookUrl())) return;
      const now = this.platform.clock.now();
      const key = notifyStateKey(projectKey, code);
      const existing = failureStateSchema.safeParse(await this.platform.store.get<unknown>(key));
      if (existing.success) {
        await Promise.all([this.platform.store.set(key, { ...existing.data, lastAt: now, count: existing.data.count + 1, message, lastEventId: eventId } satisfies FailureState), this.markOpen()]);
        return;
      }
      const state: FailureState = { projectKey: projectKey || '-', code, message, firstAt: now, lastAt: now, count: 1, lastDigestAt: now, countAtLastDigest: 0, lastEventId: eventId };
      // First writer wins: concurrent failures of the same kind send one message.
      const [first] = await Promise.all([this.platform.store.set(key, state, { ifAbsent: true }), this.markOpen()]);
      if (first) await this.send(startedMessage(state));
    });
  }

  /**
   * A success for the project: every open kind of failure of that project has recovered,
   * except a blocked move: other events succeed while a workflow still refuses the move,
   * so that one ends when a day passes without it (`sendDigest`).
   */
  async onSuccess(projectKey: string): Promise<void> {
    await this.guard('recovery', async () => {
      if (!projectKey || !(await this.mayBeOpen()) || !(await this.webhookUrl())) return;
      const page = await this.platform.store.list<unknown>(`${NOTIFY_STATE_PREFIX}${projectKey}:`, { limit: 100 });
      for (const entry of page.items) {
        const state = failureStateSchema.safeParse(entry.value);
        if (state.success && MOVE_FAILURES.has(state.data.code)) continue;
        await this.platform.store.delete(entry.key);
        if (!state.success) continue;
        const claim = `${RECOVERY_CLAIM_PREFIX}${projectKey}:${state.data.code}:${state.data.firstAt}`;
        if (await this.platform.store.set(claim, { at: this.platform.clock.now() }, { ifAbsent: true, ttlSeconds: 7 * 24 * 60 * 60 })) {
          await this.send(recoveredMessage(state.data, this.platform.clock.now()));
        }
      }
    });
  }

  /** Drift found a new set of problems in a project's mapping. */
  async onDrift(projectKey: string, problems: Array<{ message: string }>): Promise<void> {
    await this.guard('drift', async () => {
      if (!(await this.webhookUrl())) return;
      const lines = problems.slice(0, 8).map((p) => `• ${clip(p.message, 200)}`);
      const more = problems.length > 8 ? `\n…and ${problems.length - 8} more` : '';
      await this.send({ text: `:warning: Backline for Jira: the mapping of ${projectKey} needs attention: Jira changed under it, and new findings would fail.\n${lines.join('\n')}${more}\nOpen Projects on the Backline admin page to fix it.` });
    });
  }

  /** Once a day per persisting kind of failure: one message summarising all of them. */
  async sendDigest(): Promise<number> {
    if (!(await this.webhookUrl())) return 0;
    const now = this.platform.clock.now();
    const due: Array<{ key: string; state: FailureState }> = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const result = await this.platform.store.list<unknown>(NOTIFY_STATE_PREFIX, { limit: 100, ...(cursor ? { cursor } : {}) });
      // States are left: keep the marker that makes a success look for them.
      if (page === 0 && result.items.length > 0) await this.markOpen();
      for (const entry of result.items) {
        const state = failureStateSchema.safeParse(entry.value);
        if (state.success && now - state.data.lastDigestAt >= DAY_MS) due.push({ key: entry.key, state: state.data });
      }
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    // A blocked move not seen again since the last digest, for a day: recovered.
    const quiet = due.filter((d) => MOVE_FAILURES.has(d.state.code) && d.state.count === d.state.countAtLastDigest && now - d.state.lastAt >= DAY_MS);
    for (const d of quiet) {
      await this.platform.store.delete(d.key);
      await this.send(recoveredMessage(d.state, now));
    }
    const lasting = due.filter((d) => !quiet.includes(d));
    if (lasting.length === 0) return 0;
    due.splice(0, due.length, ...lasting);
    await this.send(digestMessage(due.map((d) => d.state)));
    for (const d of due) await this.platform.store.set(d.key, { ...d.state, lastDigestAt: now, countAtLastDigest: d.state.count } satisfies FailureState);
    return due.length;
  }

  private async send(message: SlackMessage): Promise<void> {
    const url = await this.webhookUrl();
    if (!url) return;
    const result = await this.post(message, url);
    if (!result.ok) this.platform.logger.warn('slack notification not delivered', { detail: result.detail });
  }

  private async post(message: SlackMessage, url: string): Promise<{ ok: boolean; detail: string }> {
    const http: HttpPoster | undefined = this.platform.http;
    if (!http) return { ok: false, detail: 'outbound HTTP is not available on this platform' };
    try {
      const status = await http.postJson(url, message);
      return status >= 200 && status < 300 ? { ok: true, detail: `HTTP ${status}` } : { ok: false, detail: `HTTP ${status}` };
    } catch (error) {
      // The error text may contain the URL (fetch errors often do): keep only its class.
      return { ok: false, detail: error instanceof Error ? error.name : 'network error' };
    }
  }

  private async guard(what: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      this.platform.logger.warn('notification step failed; event processing continues', { step: what, error: error instanceof Error ? error.name : 'error' });
    }
  }
}
