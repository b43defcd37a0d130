/**
 * Through the real Forge entry point (src/forge/entry/resolver.ts) in the local
 * runtime: a project settings page context claiming a project the user does not
 * administer changes nothing. The browser controls `context.extension`; only
 * `accountId` is the platform's (docs/platform-limits.md "Bridge and resolvers").
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLocalRuntime, type LocalRuntime } from '../../../dev/server';
import { SIM_USERS } from '../../../dev/jira-sim';

let runtime: LocalRuntime;
let stateDir: string;

beforeAll(async () => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-admin-'));
  runtime = await startLocalRuntime({ port: 0, reset: true, stateDir, quiet: true, housekeepingIntervalMs: 0 });
});
afterAll(async () => {
  await runtime.close();
  fs.rmSync(stateDir, { recursive: true, force: true });
});

async function invoke(accountId: string, functionKey: string, payload: unknown, extension: unknown): Promise<unknown> {
  const response = await fetch(`${runtime.url}/bridge/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-local-account-id': accountId },
    body: JSON.stringify({ functionKey, payload, context: { moduleKey: 'backline-project-settings', extension } }),
  });
  if (response.status !== 200) throw new Error(`invoke ${functionKey}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

const forgedSec = { type: 'jira:projectSettingsPage', project: { key: 'SEC', id: '10000', type: 'software' } };

test('the APP administrator on a page forged to say SEC cannot read or delete SEC', async () => {
  const appAdmin = SIM_USERS.appAdmin.accountId;
  expect(await invoke(appAdmin, 'projects/get', { projectKey: 'SEC' }, forgedSec)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  expect(await invoke(appAdmin, 'projects/delete', { projectKey: 'SEC' }, forgedSec)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  // Without a project in the payload, the extension's project is not used as a fallback.
  expect(await invoke(appAdmin, 'projects/delete', {}, forgedSec)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  const sec = await invoke(SIM_USERS.siteAdmin.accountId, 'projects/get', { projectKey: 'SEC' }, { type: 'jira:adminPage' });
  expect(sec).toMatchObject({ ok: true, data: { config: { projectKey: 'SEC' } } });
});

test('the SEC administrator on its real project settings page may read SEC but not the global settings', async () => {
  const secAdmin = SIM_USERS.secAdmin.accountId;
  expect(await invoke(secAdmin, 'projects/get', { projectKey: 'SEC' }, forgedSec)).toMatchObject({ ok: true });
  expect(await invoke(secAdmin, 'connection/get', {}, forgedSec)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
});

test('a plain user is refused whatever page context they send', async () => {
  const user = SIM_USERS.plainUser.accountId;
  for (const extension of [forgedSec, { type: 'jira:adminPage' }]) {
    expect(await invoke(user, 'projects/get', { projectKey: 'SEC' }, extension)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await invoke(user, 'secret/rotate', {}, extension)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  }
});
