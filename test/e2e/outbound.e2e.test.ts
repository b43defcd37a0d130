/**
 * Jira answers back, as an admin sets it up, end to end in headless Chromium
 * against the local runtime: Backline's endpoint set on the Connection tab
 * (a refused address explained at the field), a project's Mapping back rules
 * changed in its editor and still there after a reload, and then a person
 * closing an issue in Jira reaches Backline's receiver stand-in, signed, with
 * the outcome that project's rule gives.
 */
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { SIM_USERS } from '../../dev/jira-sim/seed';
import type { InboxEntry } from '../../dev/runtime/backline-receiver';
import type { LocalRuntime } from '../../dev/server';
import { sign, SIGNATURE_HEADER } from '../../dev/sign';
import { outboundEventSchema } from '../../src/core/outbound/contract';
import { SAMPLE_FINDING } from '../../src/shared/backline-fields';
import { seriousViolations, unnamedControls } from './a11y';
import { choose, shown } from './select';
import { ARTIFACTS, startBrowserSession, type BrowserSession } from './session';

jest.setTimeout(180_000);

const ENDPOINT = 'https://hooks.backline.ai/jira/events';

let session: BrowserSession;
let runtime: LocalRuntime;
let page: Page;

beforeAll(async () => {
  // Queue delays ×0.1: the 5 s coalescing wait of outbound changes takes 500 ms.
  session = await startBrowserSession('outbound', { queueDelayScale: 0.1 });
  ({ runtime, page } = session);
});

afterAll(() => session?.close());

async function createFinding(id: string): Promise<string> {
  const body = JSON.stringify({ id: `evt-${id}`, occurredAt: new Date().toISOString(), type: 'finding.created', data: { finding: { ...SAMPLE_FINDING, id, title: `Finding ${id}`, jira: { projectKey: 'SEC' } } } });
  const response = await fetch(runtime.webtriggerUrl, { method: 'POST', headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(runtime.signingSecret, body) }, body });
  expect(response.status).toBe(200);
  await runtime.waitForQueueIdle();
  const answer = (await response.json()) as { results: Array<{ issues?: Array<{ key: string }> }> };
  return answer.results[0]?.issues?.[0]?.key ?? '';
}

/** A person (not the app) moves the issue through Jira's REST API, as Jira's own UI would. */
async function personMoves(key: string, statusName: string, resolution?: string): Promise<void> {
  const jira = (method: string, rel: string, body?: unknown) =>
    fetch(`${runtime.url}/jira/rest/api/3${rel}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-sim-account-id': SIM_USERS.secAdmin.accountId },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const list = (await (await jira('GET', `/issue/${key}/transitions`)).json()) as { transitions: Array<{ id: string; to: { name: string } }> };
  const target = list.transitions.find((t) => t.to.name === statusName);
  if (!target) throw new Error(`no transition to ${statusName}`);
  const response = await jira('POST', `/issue/${key}/transitions`, { transition: { id: target.id }, ...(resolution ? { fields: { resolution: { name: resolution } } } : {}) });
  expect(response.status).toBe(204);
}

async function inbox(): Promise<InboxEntry[]> {
  await runtime.waitForQueueIdle();
  return ((await (await fetch(`${runtime.url}/backline/_sim/inbox`)).json()) as { events: InboxEntry[] }).events;
}

test('an admin sets Backline’s endpoint and a project’s mapping back; a person’s close then reaches Backline with that outcome', async () => {
  await page.goto(`${runtime.url}/admin?as=admin`);
  const card = page.locator('[data-section="outbound"]');
  await card.getByText('Off', { exact: true }).waitFor();

  // An address the app may not send to is refused, and the reason shows at the field.
  const field = page.getByLabel('Backline endpoint');
  await field.fill('https://hooks.example.com/jira');
  await card.getByRole('button', { name: 'Save endpoint' }).click();
  await page.locator('#outbound-endpoint-error').getByText(/must be an https URL on a backline.ai subdomain/).waitFor();
  await expect(field.getAttribute("aria-invalid")).resolves.toBe("true");

  await field.fill(ENDPOINT);
  await card.getByRole('button', { name: 'Save endpoint' }).click();
  await card.getByText('Saved. Changes people make in Jira now go to Backline.').waitFor();
  await card.getByText('Sending', { exact: true }).waitFor();
  await card.getByText('Every change was delivered.').waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  expect(await unnamedControls(page)).toEqual([]);
  await page.screenshot({ path: path.join(ARTIFACTS, 'connection-outbound.png'), fullPage: true });

  // Mapping back for SEC: "Won't Fix" means a false positive in this team, not an accepted risk.
  await page.getByRole('tab', { name: 'Projects', exact: true }).click();
  await page.getByRole('button', { name: 'Edit Security' }).click();
  const section = page.locator('section[aria-labelledby="mapping-back-title"]');
  await section.getByText('Backline’s defaults: change any rule to make them this project’s own.').waitFor();
  await choose(page, section.getByLabel('Rule 2: outcome'), 'False positive');
  await section.getByText('This project’s own rules.').waitFor();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText('Saved. New findings use this mapping.').waitFor();

  // After a reload, the editor shows the project's own rules as saved.
  await page.reload();
  await page.getByRole('tab', { name: 'Projects', exact: true }).click();
  await page.getByRole('button', { name: 'Edit Security' }).click();
  await section.getByText('This project’s own rules.').waitFor();
  await expect(shown(page, 'mapping-back-outcome-1')).resolves.toBe('False positive');
  await expect(shown(page, 'mapping-back-resolution-1')).resolves.toBe("Won't Fix");
  await page.screenshot({ path: path.join(ARTIFACTS, 'editor-mapping-back.png'), fullPage: true });

  // A person closes a linked issue as Won't Fix: Backline hears it once, signed, as a false positive.
  const key = await createFinding('fnd_e2e_outbound');
  expect(key).toMatch(/^SEC-\d+$/);
  // Through In Progress and In Review within the coalescing wait: one change, in its final state.
  await personMoves(key, 'In Progress');
  await personMoves(key, 'In Review');
  await personMoves(key, 'Done', "Won't Fix");
  const received = await inbox();
  expect(received).toHaveLength(1);
  expect(received[0]?.signatureValid).toBe(true);
  const event = outboundEventSchema.parse(received[0]?.event);
  expect(event.type === 'jira.issue.status_changed' && event.data).toMatchObject({ issue: { key }, resolution: "Won't Fix", outcome: 'false_positive' });
  expect(session.pageErrors).toEqual([]);
});
