/**
 * Wires the Forge adapters into the core's `Platform`, once per invocation
 * (entry points call `forgePlatform()` at the start of each handler), so the
 * per-invocation cache of the site URL never outlives the invocation.
 */
import { consoleLogger, systemClock, type Platform } from '../../core/ports';
import { forgeHttpPoster } from './http';
import { forgeAppJira } from './jira';
import { forgeKeyValueStore } from './kvs';
import { forgeQueue } from './queue';
import { forgeSecretStore } from './secrets';

export function forgePlatform(): Platform {
  const jira = forgeAppJira();
  let siteUrl: Promise<string> | undefined;
  return {
    jira,
    store: forgeKeyValueStore(),
    secrets: forgeSecretStore(),
    queue: forgeQueue(),
    clock: systemClock,
    logger: consoleLogger,
    http: forgeHttpPoster(),
    siteUrl() {
      siteUrl ??= jira.request({ method: 'GET', path: '/rest/api/3/serverInfo' }).then((response) => {
        const baseUrl = (response.body as { baseUrl?: unknown } | undefined)?.baseUrl;
        if (response.status !== 200 || typeof baseUrl !== 'string') {
          throw new Error(`Jira serverInfo answered ${response.status} without a baseUrl`);
        }
        return baseUrl.replace(/\/$/, '');
      });
      // A failed lookup is not cached: the next call asks Jira again.
      siteUrl.catch(() => {
        siteUrl = undefined;
      });
      return siteUrl;
    },
  };
}
