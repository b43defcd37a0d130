/**
 * Forge web trigger `backline-events` → core handler. Translation only: the
 * Forge request (`headers` as `{name: string[]}`, `body` string) is already the
 * core's shape; the answer is Forge's dynamic response shape.
 */
import { ConfigRepository } from '../../core/config/repository';
import { createAppProcessor } from '../../core/engine';
import type { EventProcessor } from '../../core/sync/processor';
import { Prefetch } from '../../core/prefetch';
import { SecretCache } from '../../core/secrets/secret-cache';
import { ClaimHints } from '../../core/sync/claim-hints';
import { handleWebtrigger, type WebtriggerResponse } from '../../core/webhook/handler';
import { forgePlatform } from '../adapters/platform';

interface ForgeWebtriggerRequest {
  method?: unknown;
  headers?: unknown;
  body?: unknown;
}

function headersOf(raw: unknown): Record<string, string[] | undefined> {
  const headers: Record<string, string[] | undefined> = {};
  if (raw === null || typeof raw !== 'object') return headers;
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) headers[name] = value.filter((v): v is string => typeof v === 'string');
    else if (typeof value === 'string') headers[name] = [value];
  }
  return headers;
}

/**
 * Kept by this function instance between deliveries (Forge reuses a warm instance): the signing
 * secret is then not a storage round trip of every delivery (src/core/secrets/secret-cache.ts).
 */
const signingSecrets = new SecretCache();
/** Likewise: the link version of findings this instance applied events to (src/core/sync/claim-hints.ts). */
const hints = new ClaimHints();

export const webtrigger = async (request: ForgeWebtriggerRequest): Promise<WebtriggerResponse> => {
  const platform = forgePlatform();
  const configs = new ConfigRepository(platform.store, platform.clock);
  // One batch for the invocation's first reads: the engine's, the Security tab's registry and the "last event" record.
  const prefetch = new Prefetch();
  // Made on first use, inside the handler's error boundary: a failure there is a 503, not a Forge 500.
  let made: EventProcessor | undefined;
  const processor = () => (made ??= createAppProcessor(platform, { configs, prefetch, hints }));
  return handleWebtrigger(
    {
      method: typeof request.method === 'string' ? request.method : '',
      headers: headersOf(request.headers),
      body: typeof request.body === 'string' ? request.body : null,
    },
    // Created inside the handler's error boundary: a failure there is a 503, not a Forge 500.
    {
      platform,
      // One repository for the invocation: the project list read to answer "configured?" also routes the events.
      hasAnyProject: () => configs.hasAnyProject(),
      prefetch,
      signingSecrets,
      prepareEvents: (events) => processor().prepare?.(events) ?? Promise.resolve(),
      abandonPrepared: () => made?.abandon?.() ?? Promise.resolve(),
      processEvents: (events, options) => processor().process(events, options),
    },
  );
};
