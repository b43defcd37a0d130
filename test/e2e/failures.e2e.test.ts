/**
 * Failures you can see and recover from, end to end in headless Chromium
 * against the local runtime (the app's real resolvers, web trigger and
 * consumer on the Jira simulator): Jira loses the Severity option a finding
 * maps to, the finding fails; the admin sees it in Activity (one row for the
 * event, its state and attempts, Jira's message) and in Dead letters; the option comes back,
 * the admin saves the SEC mapping in the editor (the save re-reads Jira),
 * retries the dead letter and sees the issue created.
 * Screenshots go to test-artifacts/failures/.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startLocalRuntime, type LocalRuntime } from '../../dev/server';
import { sign, SIGNATURE_HEADER } from '../../dev/sign';
import { buildTestUi } from './ui-build';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '..', '..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'failures');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let runtime: LocalRuntime;
let browser: Browser;
let page: Page;
let stateDir: string;
const consoleErrors: string[] = [];

beforeAll(async () => {
  const uiBuildDir = buildTestUi('failures');
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-e2e-failures-'));
  runtime = await startLocalRuntime({ uiBuildDir, port: 0, reset: true, stateDir, quiet: true, housekeepingIntervalMs: 0 });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  page.on('dialog', (dialog) => void dialog.accept());
});

afterAll(async () => {
  await browser?.close();
  await runtime?.close();
  if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
});

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

async function simControl(pathname: string, body: unknown): Promise<void> {
  const response = await fetch(`${runtime.url}/jira${pathname}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status).toBe(200);
}

async function send(event: Record<string, unknown>): Promise<{ results: Array<{ status: string; error?: { code: string } }> }> {
  const body = JSON.stringify(event);
  const response = await fetch(runtime.webtriggerUrl, { method: 'POST', headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(runtime.signingSecret, body) }, body });
  const answer = (await response.json()) as { results: Array<{ status: string; error?: { code: string } }> };
  await runtime.waitForQueueIdle();
  return answer;
}

async function secIssues(): Promise<Array<{ key: string; fields: { summary: string } }>> {
  const response = await fetch(`${runtime.url}/jira/rest/api/3/search/jql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jql: 'project = SEC ORDER BY created DESC', fields: ['summary'], maxResults: 50 }),
  });
  return ((await response.json()) as { issues: Array<{ key: string; fields: { summary: string } }> }).issues;
}

test('a broken SEC mapping: the failure shows in Activity and Dead letters, and Retry creates the issue once it is fixed', async () => {
  // 1. Jira changes under the mapping: the Severity option "High" is removed.
  await simControl('/_sim/fields', { field: 'Severity', removeOption: 'High' });
  const answer = await send({
    id: 'evt-e2e-broken',
    type: 'finding.created',
    occurredAt: new Date().toISOString(),
    data: { finding: { id: 'fnd-e2e-broken', title: 'Prototype pollution in lodash', severity: 'high', category: 'sca', repository: { name: 'acme/payments-api' } } },
  });
  expect(answer.results[0]).toMatchObject({ status: 'failed' });
  const code = answer.results[0]?.error?.code ?? '';
  expect(['MAPPING_INVALID', 'JIRA_REJECTED']).toContain(code);
  expect(await secIssues()).toHaveLength(0);

  // 2. Activity: one row for the failed event, filtered to SEC: a dead letter after one attempt, with Jira's message in its details.
  await page.goto(`${runtime.url}/admin?as=admin`);
  await page.getByRole('tab', { name: 'Activity' }).click();
  const activity = page.locator('[data-section="activity"]');
  await activity.getByLabel('Project').fill('SEC');
  const state = activity.getByTestId('state-evt-e2e-broken');
  await state.waitFor({ timeout: 15_000 });
  await expect(state.innerText()).resolves.toMatch(/Dead letter\s+1 attempt/);
  await activity.getByRole('button', { name: 'Details of evt-e2e-broken' }).click();
  await expect(activity.getByText(`${code}:`, { exact: false }).first().isVisible()).resolves.toBe(true);
  // The error names the field, the value and the options Jira still has, not Jira's raw option id.
  const details = await activity.innerText();
  expect(details).toMatch(/Severity: "high" is not an allowed value of Severity.*\(allowed: Critical, Medium, Low, Info\)/);
  expect(details).not.toMatch(/Option id '\d+'/i);
  await expect(activity.getByTestId('state-evt-e2e-broken').count()).resolves.toBe(1);
  await shot('01-activity-failed');

  // 3. Dead letters: the event is kept with its error.
  const dead = page.locator('[data-section="deadletters"]');
  const letter = dead.locator('tr[data-deadletter="evt-e2e-broken"]');
  await letter.waitFor();
  await expect(letter.innerText()).resolves.toContain(code);
  await letter.getByRole('button', { name: 'Payload of evt-e2e-broken' }).click();
  await letter.getByText('fnd-e2e-broken').first().waitFor();
  await shot('02-dead-letters');

  // 4. The fix: the option is back in Jira, and the admin saves the SEC mapping (the save re-reads Jira's create screen).
  await simControl('/_sim/fields', { field: 'Severity', addOption: 'High' });
  await page.getByRole('tab', { name: 'Projects' }).click();
  await page.getByRole('button', { name: 'Edit Security' }).click();
  const summary = page.locator('#src-summary-0-value');
  await summary.waitFor();
  await summary.fill('[{{finding.severity}}] {{finding.title}} (Backline)');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText('Saved. New findings use this mapping.').waitFor();
  await shot('03-mapping-saved');
  await page.getByRole('button', { name: 'Back to projects' }).click();

  // 5. Retry the dead letter: the issue is created, and the dead letter is gone.
  await page.getByRole('tab', { name: 'Activity' }).click();
  const retryButton = page.locator('[data-section="deadletters"] tr[data-deadletter="evt-e2e-broken"]').getByRole('button', { name: 'Retry evt-e2e-broken' });
  await retryButton.click();
  const issueLink = page.getByTestId('retried-issue');
  await issueLink.waitFor();
  const key = await issueLink.innerText();
  expect(key).toMatch(/^SEC-\d+$/);
  await page.locator('[data-section="deadletters"]').getByText('No dead letters.').waitFor();
  await shot('04-retried');
  const issues = await secIssues();
  expect(issues.map((i) => i.key)).toEqual([key]);
  expect(issues[0]?.fields.summary).toBe('[high] Prototype pollution in lodash (Backline)');

  // 6. Activity refreshed after the retry: the same one row, now applied, with the created issue.
  const all = page.locator('[data-section="activity"]');
  await all.getByTestId('state-evt-e2e-broken').getByText('Applied').waitFor();
  await expect(all.getByTestId('state-evt-e2e-broken').innerText()).resolves.toContain('2 attempts');
  await all.getByRole('link', { name: key }).waitFor();
  await shot('05-activity-created');
  expect(consoleErrors).toEqual([]);
});
