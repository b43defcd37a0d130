/**
 * A user who has not yet allowed the app to act for them: every `asUser()`
 * call fails with @forge/api's NeedsAuthenticationError, and Forge can show
 * its "Allow access" prompt only if that error leaves the resolver. Through
 * the real entry points in the local runtime, for each resolver function
 * (admin, failures, issue panel): the call fails with the consent request
 * instead of answering FORBIDDEN or JIRA_UNAVAILABLE, and works once the user
 * has consented.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SIM_USERS } from '../../../dev/jira-sim';
import { startLocalRuntime, type LocalRuntime } from '../../../dev/server';

let runtime: LocalRuntime;
let stateDir: string;
const admin = SIM_USERS.siteAdmin.accountId;

beforeAll(async () => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-consent-'));
  runtime = await startLocalRuntime({ port: 0, reset: true, stateDir, quiet: true, housekeepingIntervalMs: 0 });
});
afterAll(async () => {
  await runtime.close();
  fs.rmSync(stateDir, { recursive: true, force: true });
});

async function invoke(moduleKey: string, functionKey: string, payload: unknown, extension: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${runtime.url}/bridge/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-local-account-id': admin },
    body: JSON.stringify({ functionKey, payload, context: { moduleKey, extension } }),
  });
  return { status: response.status, body: await response.json() };
}

const calls: Array<[string, string, unknown, unknown]> = [
  ['backline-admin', 'projects/list', {}, { type: 'jira:adminPage' }],
  ['backline-admin', 'notifications/get', {}, { type: 'jira:adminPage' }],
  ['backline-issue-panel', 'panel/get', {}, { type: 'jira:issuePanel', issue: { key: 'SEC-1', id: '10000' } }],
];

test('admin, failures and panel resolvers throw the consent request without consent, and answer once the user consented', async () => {
  // Refusals first: a granted permission check is remembered per user for a few minutes, after which no asUser() call is made.
  runtime.host.setConsent(admin, false);
  for (const [moduleKey, functionKey, payload, extension] of calls) {
    const refused = await invoke(moduleKey, functionKey, payload, extension);
    expect({ functionKey, ...refused }).toEqual({ functionKey, status: 401, body: { error: { code: 'NEEDS_AUTHENTICATION_ERR', message: 'Authentication Required' } } });
  }

  runtime.host.setConsent(admin, true);
  for (const [moduleKey, functionKey, payload, extension] of calls) {
    const answered = await invoke(moduleKey, functionKey, payload, extension);
    expect({ functionKey, status: answered.status }).toEqual({ functionKey, status: 200 });
    expect(JSON.stringify(answered.body)).not.toContain('NEEDS_AUTHENTICATION_ERR');
  }
});
