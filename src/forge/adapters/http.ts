/**
 * `HttpPoster` via @forge/api `fetch`, which Forge routes through its egress
 * proxy: only hosts declared under `permissions.external.fetch.backend` in
 * manifest.yml are reachable (hooks.slack.com for notifications).
 */
import { fetch } from '@forge/api';
import type { HttpPoster } from '../../core/ports';

export function forgeHttpPoster(): HttpPoster {
  return {
    async postJson(url, body) {
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
