/**
 * `BacklinePoster` via @forge/api `fetch` (Forge's egress proxy: manifest.yml
 * declares `*.backline.ai`). The URL is checked again here with the core's rule,
 * so a bad stored value can never make the app post elsewhere.
 */
import { fetch } from '@forge/api';
import { isAllowedBacklineEndpoint } from '../../core/outbound/settings';
import type { BacklinePoster } from '../../core/ports';

export function forgeBacklinePoster(): BacklinePoster {
  return {
    async post(url, body, headers) {
      if (!isAllowedBacklineEndpoint(url)) throw new Error('Outbound events go only to https://<subdomain>.backline.ai');
      const response = await fetch(url, { method: 'POST', headers, body });
      // Drain the body so the connection is released; only the status matters.
      await response.text().catch(() => undefined);
      return response.status;
    },
  };
}
