/**
 * Jira answers back, end to end on the local runtime: people change an issue
 * through the simulator (`x-sim-account-id`), the simulator emits Forge's product
 * events, the app's trigger queues them, the outbound consumer signs and posts
 * them to `https://hooks.backline.ai/...`, and the Backline receiver stand-in
 * checks each signature with the app's secret.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startLocalRuntime, type LocalRuntime } from '../../../dev/server';
import { sign } from '../../../dev/sign';
import { SIM_USERS } from '../../../dev/jira-sim/seed';
import type { InboxEntry } from '../../../dev/runtime/backline-receiver';
import { ConfigRepository } from '../../../src/core/config/repository';
import { outboundEventSchema } from '../../../src/core/outbound/contract';
import { tempStateDir } from '../runtime/helpers';

const ENDPOINT = 'https://hooks.backline.ai/jira/events';
const PERSON = SIM_USERS.secAdmin.accountId;
let runtime: LocalRuntime;

beforeAll(async () => {
  // Queue delays ×0.1: the 5 s coalescing wait takes 500 ms.
  runtime = await startLocalRuntime({ port: 0, stateDir: tempStateDir(), reset: true, signingSecret: 'whsec_outbound_test', quiet: true, housekeepingIntervalMs: 0, queueDelayScale: 0.1 });
});

/** A resolver call from the admin page, as a local user (default: the site admin). */
async function invoke(functionKey: string, payload: unknown, as?: string): Promise<{ ok: boolean; data?: Record<string, unknown>; error?: { code: string; message: string } }> {
  const response = await fetch(`${runtime.url}/bridge/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(as ? { 'x-local-account-id': as } : {}) },
    body: JSON.stringify({ functionKey, payload, context: { moduleKey: 'backline-admin', extension: { type: 'jira:adminPage' } } }),
  });
  return (await response.json()) as { ok: boolean; data?: Record<string, unknown>; error?: { code: string; message: string } };
}

it('lets only a Jira admin set the endpoint, and only on a backline.ai subdomain', async () => {
  expect(await invoke('outbound/settings.set', { endpoint: ENDPOINT }, 'user')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  expect(await invoke('outbound/settings.set', { endpoint: 'https://evil.example.com/hook' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  expect(await invoke('outbound/settings.get', {})).toMatchObject({ ok: true, data: { endpoint: null, deadLetters: 0 } });
  expect(await invoke('outbound/settings.set', { endpoint: ENDPOINT })).toMatchObject({ ok: true, data: { endpoint: ENDPOINT } });
});
afterAll(() => runtime.close());

async function sendBacklineEvent(file: string, patch: (event: Record<string, unknown>) => void = () => undefined): Promise<Record<string, unknown>> {
  const event = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../examples/events', file), 'utf8')) as Record<string, unknown>;
  patch(event);
  const body = JSON.stringify({ ...event, occurredAt: new Date().toISOString() });
  const response = await fetch(runtime.webtriggerUrl, { method: 'POST', headers: { 'x-backline-signature': sign(runtime.signingSecret, body) }, body });
  expect(response.status).toBe(200);
  await runtime.waitForQueueIdle();
  return (await response.json()) as Record<string, unknown>;
}

function jira(method: string, rel: string, body?: unknown, as: string = PERSON): Promise<Response> {
  return fetch(`${runtime.url}/jira/rest/api/3${rel}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-sim-account-id': as },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** A person moves the issue to `statusName` (with a resolution when the screen asks for one). */
async function transition(key: string, statusName: string, resolution?: string): Promise<void> {
  const list = (await (await jira('GET', `/issue/${key}/transitions`)).json()) as { transitions: Array<{ id: string; to: { name: string } }> };
  const target = list.transitions.find((t) => t.to.name === statusName);
  if (!target) throw new Error(`no transition to ${statusName} from ${key}: ${list.transitions.map((t) => t.to.name).join(', ')}`);
  const response = await jira('POST', `/issue/${key}/transitions`, { transition: { id: target.id }, ...(resolution ? { fields: { resolution: { name: resolution } } } : {}) });
  expect(response.status).toBe(204);
}

async function inbox(): Promise<InboxEntry[]> {
  await runtime.waitForQueueIdle();
  const response = await fetch(`${runtime.url}/backline/_sim/inbox`);
  return ((await response.json()) as { events: InboxEntry[] }).events;
}

const resetInbox = () => fetch(`${runtime.url}/backline/_sim/inbox/reset`, { method: 'POST' });

let issueKey: string;

beforeAll(async () => {
  const answer = await sendBacklineEvent('02-finding.created.json');
  const results = answer.results as Array<{ issues?: Array<{ key: string }> }>;
  issueKey = results[0]?.issues?.[0]?.key ?? '';
  expect(issueKey).toMatch(/^SEC-\d+$/);
});

it('sends nothing back for the changes the app itself made (no echo)', async () => {
  // The app created the issue, wrote its property and moves it through the PR lifecycle.
  await sendBacklineEvent('04-remediation.pr_opened.json');
  await sendBacklineEvent('06-finding.resolved.json');
  expect(await inbox()).toEqual([]);
});

it("reports a person's reopen, close, reassign and delete, each exactly once and signed", async () => {
  await resetInbox();
  await transition(issueKey, 'To Do');
  const afterReopen = await inbox();
  // Through In Progress and In Review to Done within the coalescing wait: one event, in the final state.
  await transition(issueKey, 'In Progress');
  await transition(issueKey, 'In Review');
  await transition(issueKey, 'Done', "Won't Fix");
  const afterClose = await inbox();
  expect((await jira('PUT', `/issue/${issueKey}`, { fields: { assignee: { accountId: SIM_USERS.secAdmin.accountId } } })).status).toBe(204);
  const afterAssign = await inbox();
  expect((await jira('DELETE', `/issue/${issueKey}`)).status).toBe(204);
  const all = await inbox();

  expect(afterReopen).toHaveLength(1);
  expect(afterClose).toHaveLength(2);
  expect(afterAssign).toHaveLength(3);
  expect(all).toHaveLength(4);
  expect(all.every((e) => e.signatureValid)).toBe(true);
  expect(new Set(all.map((e) => e.eventId)).size).toBe(4);
  expect(all.map((e) => e.path)).toEqual(Array(4).fill('/jira/events'));
  const events = all.map((e) => outboundEventSchema.parse(e.event));
  expect(events.map((e) => e.type)).toEqual(['jira.issue.status_changed', 'jira.issue.status_changed', 'jira.issue.assignee_changed', 'jira.issue.deleted']);
  const [reopened, closed, assigned, deleted] = events;
  for (const e of events) {
    expect(e.data.findingIds).toEqual(['fnd_lodash_api']);
    expect(e.data.issue.key).toBe(issueKey);
    expect(e.data.actor).toEqual({ accountId: PERSON });
  }
  expect(reopened?.type === 'jira.issue.status_changed' && reopened.data).toMatchObject({ status: { name: 'To Do' }, statusCategory: 'new', resolution: null, outcome: 'reopened' });
  expect(closed?.type === 'jira.issue.status_changed' && closed.data).toMatchObject({ status: { name: 'Done' }, statusCategory: 'done', resolution: "Won't Fix", outcome: 'accepted_risk' });
  expect(assigned?.type === 'jira.issue.assignee_changed' && assigned.data.assignee).toEqual({ accountId: SIM_USERS.secAdmin.accountId });
  expect(deleted?.data.findingIds).toEqual(['fnd_lodash_api']);
});

it("reports a person's close of a grouped issue once, with every finding id of the group", async () => {
  await runtime.withPlatform(async (platform) => {
    const repo = new ConfigRepository(platform.store, platform.clock);
    const sec = await repo.getProject('SEC');
    if (!sec) throw new Error('demo SEC configuration missing');
    await repo.saveProject({ ...sec, groupBy: 'remediation' });
  });
  const send = async (file: string) => {
    const body = fs.readFileSync(path.join(__dirname, '../../../examples/grouping', file), 'utf8');
    const response = await fetch(runtime.webtriggerUrl, { method: 'POST', headers: { 'x-backline-signature': sign(runtime.signingSecret, body) }, body });
    expect(response.status).toBe(200);
    await runtime.waitForQueueIdle();
    return (await response.json()) as { results: Array<{ issues?: Array<{ key: string }> }> };
  };
  await resetInbox();
  await send('01-three-findings.json');
  const opened = await send('02-remediation.pr_opened.json');
  const key = opened.results[0]?.issues?.[0]?.key ?? '';
  expect(await inbox()).toEqual([]); // the app's own create and move: no echo
  await resetInbox();
  // From In Progress the workflow goes through In Review; within the coalescing wait that is one event.
  await transition(key, 'In Review');
  await transition(key, 'Done', "Won't Fix");
  const events = (await inbox()).map((e) => outboundEventSchema.parse(e.event));
  expect(events.map((e) => e.type)).toEqual(['jira.issue.status_changed']);
  expect(events[0]?.data.findingIds).toEqual(['fnd_grp_1', 'fnd_grp_2', 'fnd_grp_3']);
  expect(events[0]?.data.issue.key).toBe(key);
});
