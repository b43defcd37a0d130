/**
 * Calls a test makes to a running local runtime, as the outside world does:
 * a resolver invoked from the admin page (as a local user), a signed delivery
 * from Backline, and the Jira simulator's test controls.
 */
import type { LocalRuntime } from '../../../dev/server';
import { sign, SIGNATURE_HEADER } from '../../../dev/sign';

export async function invokeAs<T>(runtime: LocalRuntime, functionKey: string, payload: unknown, accountId = 'admin'): Promise<{ ok: boolean; data: T; error?: { code: string; message: string } }> {
  const response = await fetch(`${runtime.url}/bridge/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-local-account-id': accountId },
    body: JSON.stringify({ functionKey, payload, context: { moduleKey: 'backline-admin', extension: { type: 'jira:adminPage' } } }),
  });
  return (await response.json()) as { ok: boolean; data: T; error?: { code: string; message: string } };
}

/** Posts `body` (an event or `{ events }`) to the web trigger, signed with the runtime's secret. */
export function sendSigned(runtime: LocalRuntime, body: unknown): Promise<Response> {
  const text = JSON.stringify(body);
  return fetch(runtime.webtriggerUrl, { method: 'POST', headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(runtime.signingSecret, text) }, body: text });
}

/** `POST /jira/_sim/<route>` (faults, quota, …); fails the test when the simulator refuses. */
export async function simPost(runtime: LocalRuntime, route: string, body: unknown): Promise<void> {
  const response = await fetch(`${runtime.url}/jira/_sim/${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status >= 300) throw new Error(`_sim/${route} answered ${response.status}: ${await response.text()}`);
}
