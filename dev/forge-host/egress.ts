/**
 * Forge's egress, locally: inside an app invocation, `fetch` to a host the
 * manifest declares (`permissions.external.fetch.backend`) may be redirected
 * to a local receiver. Tests fake Slack with an HTTP server on 127.0.0.1 this
 * way, while the app and its Forge adapter still see and check
 * `https://hooks.slack.com/...`. Undeclared hosts are not redirected (and
 * Forge itself would refuse them). Calls outside an app invocation (the tests'
 * own requests, the real-Jira backend) pass untouched.
 */
import * as fs from 'node:fs';
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
let active: { allowed: Set<string>; redirects: Record<string, string> } | undefined;
const wrapped: typeof fetch = async (input, init) => {
  const rules = active;
  const url = rules ? urlOf(input) : undefined;
  if (!rules || !url || !currentInvocation()) return original(input, init);
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
  const rules = { allowed: new Set(options.allowedHosts.map((h) => h.toLowerCase())), redirects: options.redirects ?? {} };
  active = rules;
  return () => {
    if (active === rules) active = undefined;
  };
}
