/**
 * `HttpPoster` via @forge/api `fetch`, which Forge routes through its egress
 * proxy: only hosts declared under `permissions.external.fetch.backend` in
 * manifest.yml are reachable (hooks.slack.com for notifications). The adapter
 * refuses anything else itself too, so a bad stored value can never make the
 * app post elsewhere even if the manifest's egress list grows.
 */
import { fetch } from '@forge/api';
import type { HttpPoster } from '../../core/ports';

/** Only Slack incoming webhooks, checked on the parsed URL (never by string prefix). */
export function isAllowedEgressUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' && url.hostname === 'hooks.slack.com' && url.port === '' && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

export function forgeHttpPoster(): HttpPoster {
  return {
    async postJson(url, body) {
      if (!isAllowedEgressUrl(url)) throw new Error('Outbound requests are limited to https://hooks.slack.com');
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      // Drain the body so the connection is released; callers only need the status.
      await response.text().catch(() => undefined);
      return response.status;
    },
  };
}
