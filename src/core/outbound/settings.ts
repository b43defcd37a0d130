/**
 * Where the app sends what people change in Jira: Backline's endpoint, set by a
 * Jira admin in the Connection section (docs/admin.md). Unset = outbound
 * events are off (the trigger still runs, but returns after one storage read).
 *
 * Only `https://<subdomain>.backline.ai/…` is accepted, checked on the parsed
 * URL: the manifest declares exactly that egress (`*.backline.ai`), and the
 * adapter refuses anything else again before it sends.
 */
import { z } from 'zod';
import type { KeyValueStore } from '../ports';

export const OUTBOUND_SETTINGS_KEY = 'outbound:settings';

const settingsSchema = z.object({
  endpoint: z.string().nullable(),
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
});
export type OutboundSettings = z.infer<typeof settingsSchema>;

export const BACKLINE_EGRESS_DOMAIN = 'backline.ai';

/** True for `https://<sub>.backline.ai[/path]` without port, credentials, query or fragment. */
export function isAllowedBacklineEndpoint(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  const host = url.hostname.toLowerCase();
  return (
    url.protocol === 'https:' &&
    host.endsWith(`.${BACKLINE_EGRESS_DOMAIN}`) &&
    host.length > BACKLINE_EGRESS_DOMAIN.length + 1 &&
    url.port === '' &&
    url.username === '' &&
    url.password === '' &&
    url.search === '' &&
    url.hash === ''
  );
}

export async function getOutboundSettings(store: KeyValueStore): Promise<OutboundSettings> {
  const parsed = settingsSchema.safeParse(await store.get<unknown>(OUTBOUND_SETTINGS_KEY));
  return parsed.success ? parsed.data : { endpoint: null };
}

/** The endpoint when set and still allowed (a stored value is checked again: the rule may have tightened). */
export async function activeEndpoint(store: KeyValueStore): Promise<string | undefined> {
  const { endpoint } = await getOutboundSettings(store);
  return endpoint && isAllowedBacklineEndpoint(endpoint) ? endpoint : undefined;
}

export type SetEndpointResult = { ok: true; settings: OutboundSettings } | { ok: false; message: string };

/** `null` or an empty string turns outbound events off. */
export async function setOutboundEndpoint(store: KeyValueStore, endpoint: string | null, by: { accountId: string; at: Date }): Promise<SetEndpointResult> {
  const value = endpoint?.trim() ? endpoint.trim() : null;
  if (value !== null && !isAllowedBacklineEndpoint(value)) {
    return { ok: false, message: 'The endpoint must be an https URL on a backline.ai subdomain, e.g. https://hooks.backline.ai/jira/events (no port, query or credentials).' };
  }
  const settings: OutboundSettings = { endpoint: value, updatedAt: by.at.toISOString(), updatedBy: by.accountId };
  await store.set(OUTBOUND_SETTINGS_KEY, settings);
  return { ok: true, settings };
}
