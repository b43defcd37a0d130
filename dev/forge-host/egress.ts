/**
 * Forge's egress, locally: inside an app invocation, `fetch` reaches only what
 * the manifest declares (`permissions.external.fetch.backend`), judged by
 * Forge's own matcher (`@forge/egress` `EgressFilteringService`, the package
 * `@forge/api` checks egress with: https only, `*.example.com` never covering
 * `example.com`). Anything else is answered 403 without leaving the machine:
 * Forge answers a blocked backend fetch with a 403 response rather than an
 * error, so code that ignores `response.ok` would read a refusal as data.
 * A declared host may be redirected to a local receiver: tests fake Slack
 * with an HTTP server on 127.0.0.1 this way, while the app and its Forge
 * adapter still see and check `https://hooks.slack.com/...`. Calls outside an
 * app invocation (the tests' own requests) pass untouched, and the host's own
 * plumbing (the real-Jira backend) uses `hostFetch`.
 */
import * as fs from 'node:fs';
import { EgressFilteringService } from '@forge/egress';
import { parse } from 'yaml';
import { currentInvocation } from './invocation';

/** `permissions.external.fetch.backend` hosts of manifest.yml (strings or `{ address }`). */
export function manifestEgressHosts(manifestPath: string): string[] {
  const raw: unknown = parse(fs.readFileSync(manifestPath, 'utf8'));
  const get = (v: unknown, k: string): unknown => (v && typeof v === 'object' && k in v ? (v as Record<string, unknown>)[k] : undefined);
  const backend = get(get(get(get(raw, 'permissions'), 'external'), 'fetch'), 'backend');
  if (!Array.isArray(backend)) return [];
  return backend.flatMap((entry: unknown) => {
    const address = typeof entry === 'string' ? entry : get(entry, 'address');
    return typeof address === 'string' ? [address.replace(/^https?:\/\//, '').replace(/\/.*$/, '')] : [];
  });
}

export interface EgressOptions {
  /** Hosts the manifest allows (`permissions.external.fetch.backend`). */
  allowedHosts: string[];
  /** Host → base URL, e.g. `{ 'hooks.slack.com': 'http://127.0.0.1:4567' }`. */
  redirects?: Record<string, string>;
}

function urlOf(input: Parameters<typeof fetch>[0]): URL | undefined {
  try {
    if (typeof input === 'string') return new URL(input);
    if (input instanceof URL) return input;
    return new URL(input.url);
  } catch {
    return undefined;
  }
}

/**
 * @forge/api captures `globalThis.fetch` when it is first loaded (its `fetch`
 * export wraps the value, not the name), so a wrapper installed later would be
 * bypassed. The wrapper is therefore installed once, when this module loads
 * (dev/forge-host/index.ts imports it before anything loads @forge/api), and
 * `installEgress` only swaps the rules it consults.
 */
const original = globalThis.fetch;
/** The unwrapped fetch, for the host's own requests made on an invocation's behalf (product APIs are not egress). */
export const hostFetch: typeof fetch = (input, init) => original(input, init);
let active: { allowed: Set<string>; filter: EgressFilteringService; redirects: Record<string, string> } | undefined;
const wrapped: typeof fetch = async (input, init) => {
  const rules = active;
  const url = rules ? urlOf(input) : undefined;
  if (!rules || !url || !currentInvocation()) return original(input, init);
  if (!rules.filter.isValidUrl(url.href)) {
    return new Response(JSON.stringify({ message: `Egress to ${url.protocol}//${url.host} is not allowed: declare it in permissions.external.fetch.backend of manifest.yml` }), {
      status: 403,
      headers: { 'content-type': 'application/json' },
    });
  }
  const host = url.hostname.toLowerCase();
  // A manifest entry `*.example.com` allows every subdomain (Forge's wildcard egress); its redirect is keyed the same way.
  const pattern = rules.allowed.has(host) ? host : [...rules.allowed].find((a) => a.startsWith('*.') && host.endsWith(a.slice(1)) && host.length > a.length - 1);
  const target = pattern ? rules.redirects[pattern] : undefined;
  if (!target) return original(input, init);
  // The target's own path is kept as a prefix (`http://localhost:8080/backline/_sim/receive` + `/jira/events`).
  const redirected = new URL(`${target.replace(/\/$/, '')}${url.pathname}${url.search}`);
  return original(redirected, init);
};
globalThis.fetch = wrapped;

/** Installs the stand-in's rules; answers the function that removes them. */
export function installEgress(options: EgressOptions): () => void {
  const allowedHosts = options.allowedHosts.map((h) => h.toLowerCase());
  const rules = { allowed: new Set(allowedHosts), filter: new EgressFilteringService(allowedHosts), redirects: options.redirects ?? {} };
  active = rules;
  return () => {
    if (active === rules) active = undefined;
  };
}
