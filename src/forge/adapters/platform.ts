/**
 * Wires the Forge adapters into the core's `Platform`, once per invocation
 * (entry points call `forgePlatform()` at the start of each handler). The site
 * URL is remembered for the invocation and, across invocations, in KVS.
 */
import { consoleLogger, SITE_URL_CACHE_KEY, systemClock, type Platform } from '../../core/ports';
import { forgeHttpPoster } from './http';
import { forgeAppJira } from './jira';
import { forgeKeyValueStore } from './kvs';
import { forgeMetrics } from './metrics';
import { forgeQueue } from './queue';
import { forgeSecretStore } from './secrets';

/**
 * The site URL, cached in the installation's KVS: asking Jira's serverInfo on
 * every invocation cost one Jira request (one point) per event, as much as the
 * create itself. A site can be renamed, so the copy expires after a day.
 */
export { SITE_URL_CACHE_KEY };
const SITE_URL_TTL_SECONDS = 24 * 60 * 60;

export function forgePlatform(): Platform {
  const metrics = forgeMetrics(consoleLogger);
  const jira = forgeAppJira(metrics);
  const store = forgeKeyValueStore();
  let siteUrl: Promise<string> | undefined;
  const lookup = async (prefetched?: { cached?: unknown }): Promise<string> => {
    // The caller may have read the cache key already, in a batch with its own keys.
    const cached = prefetched ? prefetched.cached : await store.get<unknown>(SITE_URL_CACHE_KEY);
    if (typeof cached === 'string' && cached) return cached;
    const response = await jira.request({ method: 'GET', path: '/rest/api/3/serverInfo' });
    const baseUrl = (response.body as { baseUrl?: unknown } | undefined)?.baseUrl;
    if (response.status !== 200 || typeof baseUrl !== 'string') {
      throw new Error(`Jira serverInfo answered ${response.status} without a baseUrl`);
    }
    const url = baseUrl.replace(/\/$/, '');
    await store.set(SITE_URL_CACHE_KEY, url, { ttlSeconds: SITE_URL_TTL_SECONDS });
    return url;
  };
  return {
    jira,
    store,
    secrets: forgeSecretStore(),
    queue: forgeQueue(),
    clock: systemClock,
    logger: consoleLogger,
    http: forgeHttpPoster(),
    metrics,
    siteUrl(options) {
      siteUrl ??= lookup(options && 'cached' in options ? options : undefined);
      // A failed lookup is not cached: the next call asks Jira again.
      siteUrl.catch(() => {
        siteUrl = undefined;
      });
      return siteUrl;
    },
  };
}
