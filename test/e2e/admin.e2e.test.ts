/**
 * The admin page end to end, in headless Chromium against the local runtime
 * (the app's real resolvers, web trigger and consumer on the Jira simulator):
 * connect APP from scratch (including its required Team field), route a
 * finding to it by repository, edit the mapping, disconnect it, rotate the
 * signing secret. Screenshots of every step go to test-artifacts/admin/.
 *
 * Time: the app's Forge platform reads `Date.now()` (systemClock), and the
 * runtime's `now` option drives KVS TTLs and the simulator; both follow one
 * offset here so the 24 h rotation window can pass in a second.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startLocalRuntime, type LocalRuntime } from '../../dev/server';
import { SIM_ISSUE_TYPES } from '../../dev/jira-sim/seed';
import { sign, SIGNATURE_HEADER } from '../../dev/sign';
import { SAMPLE_FINDING } from '../../src/shared/backline-fields';
import { buildTestUi } from './ui-build';
import { seriousViolations, textContrast, unnamedControls } from './a11y';
import { choose, search, shown } from './select';
import { showingPageOnFailure } from './session';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '..', '..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'admin');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const realNow = Date.now.bind(Date);
let offsetMs = 0;
let runtime: LocalRuntime;
let browser: Browser;
let page: Page;
let stateDir: string;
const consoleErrors: string[] = [];

beforeAll(async () => {
  const uiBuildDir = buildTestUi('admin');
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  Date.now = () => realNow() + offsetMs;
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-e2e-'));
  runtime = await startLocalRuntime({ uiBuildDir, port: 0, reset: true, stateDir, quiet: true, now: () => Date.now(), housekeepingIntervalMs: 0 });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1024, height: 900 } });
  page.on('console', (message) => {
    // Only the app's own pages: the simulator's issue page is not under test here.
    if (message.type() === 'error' && !page.url().includes('/jira/')) consoleErrors.push(`${message.text()} (${page.url()} → ${message.location().url})`);
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  page.on('dialog', (dialog) => void dialog.accept());
});

afterAll(async () => {
  await browser?.close();
  await runtime?.close();
  Date.now = realNow;
  if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
});

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

let eventCounter = 0;
async function send(event: Record<string, unknown>, secret: string = runtime.signingSecret): Promise<{ status: number; body: { results?: Array<{ status: string; error?: { code: string }; issues?: Array<{ key: string }> }> } }> {
  const body = JSON.stringify(event);
  const response = await fetch(runtime.webtriggerUrl, { method: 'POST', headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(secret, body) }, body });
  const text = await response.text();
  await runtime.waitForQueueIdle();
  return { status: response.status, body: text ? (JSON.parse(text) as never) : {} };
}

function findingCreated(findingId: string, repository = 'acme/payments-api') {
  eventCounter += 1;
  return {
    id: `evt-e2e-${eventCounter}`,
    occurredAt: new Date(Date.now()).toISOString(),
    type: 'finding.created',
    data: { finding: { ...SAMPLE_FINDING, id: findingId, title: `Finding ${findingId}`, repository: { name: repository } } },
  };
}

function ping() {
  eventCounter += 1;
  return { id: `evt-e2e-ping-${eventCounter}`, occurredAt: new Date(Date.now()).toISOString(), type: 'ping', data: {} };
}

async function jiraIssues(jql: string): Promise<Array<{ key: string; fields: Record<string, unknown> }>> {
  const response = await fetch(`${runtime.url}/jira/rest/api/3/search/jql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jql, fields: ['summary', 'priority', 'customfield_10014', 'labels', 'assignee'], maxResults: 50 }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { issues: Array<{ key: string; fields: Record<string, unknown> }> }).issues;
}

/** No serious or critical axe-core violation, and every visible form control has an accessible name. */
async function expectAccessible(): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
  expect(await unnamedControls(page)).toEqual([]);
}

async function openTab(name: string): Promise<void> {
  await page.getByRole('tab', { name }).click();
}

test('an admin connects APP, routes a finding to it, edits the mapping, disconnects it, and rotates the secret', () =>
  showingPageOnFailure(page, 'admin-connects-app', async () => {
  // 1. The admin page, Connection first.
  await page.goto(`${runtime.url}/admin?as=admin`);
  await page.getByRole('heading', { name: 'Connect Backline' }).waitFor();
  await expect(page.getByLabel('Web trigger URL').inputValue()).resolves.toBe(runtime.webtriggerUrl);
  await shot('01-connection');
  await expectAccessible();
  // The checks can fail: an unlabelled input is reported by both.
  await page.evaluate(() => document.querySelector('main')?.insertAdjacentHTML('beforeend', '<input id="a11y-probe" type="text">'));
  expect((await seriousViolations(page)).map((v) => v.id)).toContain('label');
  expect(await unnamedControls(page)).toEqual(['input#a11y-probe']);
  await page.evaluate(() => document.getElementById('a11y-probe')?.remove());

  // 2. Connect APP from scratch: project search, issue type, the required Team field.
  await openTab('Projects');
  await page.getByRole('button', { name: 'Add project' }).click();
  // Picking the project and its issue type asks Jira for that create screen once: the same answer shows the fields and seeds the mapping.
  const fieldLoads: unknown[] = [];
  const countFieldLoads = (request: { url: () => string; postData: () => string | null }) => {
    if (!request.url().endsWith('/bridge/invoke')) return;
    const call = JSON.parse(request.postData() ?? '{}') as { functionKey?: string; payload?: unknown };
    if (call.functionKey === 'jira/fields') fieldLoads.push(call.payload);
  };
  page.on('request', countFieldLoads);
  await (await search(page, page.getByLabel('Jira project'), 'Appl', /Applications/)).click();
  // SEC is the only connected project and no default is set: connecting APP ends that fallback, and the editor says so.
  await page.getByTestId('ends-only-project').getByText(/every finding that no routing rule or project hint places goes to SEC/).waitFor();
  // APP has one issue type, Bug: it is preselected, nothing to choose.
  const team = page.locator('#src-customfield_10014-0-value');
  await team.waitFor();
  await expect(page.locator('#issue-type-msg').innerText()).resolves.toBe('');
  // Before any input no error is shown at a field; the save bar counts what is left to do, in words.
  await expect(page.locator('[id^="msg-"]').filter({ hasText: /\S/ }).count()).resolves.toBe(0);
  await choose(page, team, 'Identity');
  await page.getByTestId('preview').getByText('Identity').waitFor();
  page.off('request', countFieldLoads);
  expect(fieldLoads).toEqual([{ projectKey: 'APP', issueTypeId: SIM_ISSUE_TYPES.Bug }]);
  await shot('02-editor-app');
  await expectAccessible();
  const connect = page.getByRole('button', { name: 'Connect project' });
  await expect(connect.isEnabled()).resolves.toBe(true);
  await connect.click();
  await page.getByText('Saved. New findings use this mapping.').waitFor();
  await page.getByRole('button', { name: 'Back to projects' }).click();
  await page.getByRole('row', { name: /Applications/ }).getByText('Valid').waitFor();
  await shot('03-projects');
  await expectAccessible();

  // Adding APP again says it is connected and offers its mapping instead of a second configuration.
  await page.getByRole('button', { name: 'Add project' }).click();
  await (await search(page, page.getByLabel('Jira project'), 'Appl', /Applications/)).click();
  await page.getByTestId('already-connected').getByText('Applications (APP) is already connected').waitFor();
  await expect(page.getByRole('button', { name: 'Connect project' }).isDisabled()).resolves.toBe(true);
  await shot('03b-already-connected');
  await page.getByRole('button', { name: 'Edit APP’s mapping' }).click();
  await page.getByRole('heading', { name: 'Applications (APP)', exact: true }).waitFor();
  await expect(shown(page, 'src-customfield_10014-0-value')).resolves.toBe('Identity'); // as saved
  await page.getByRole('button', { name: 'Back to projects' }).click();

  // SEC (connected by the demo set-up) is paused, so only routing decides where findings go.
  await page.getByRole('button', { name: 'Edit Security' }).click();
  await page.getByLabel(/Create and update issues/).uncheck();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText('Saved. New findings use this mapping.').waitFor();
  await page.getByRole('button', { name: 'Back to projects' }).click();

  // 3. A routing rule on the repository, checked with "test a finding".
  await openTab('Routing rules');
  await page.getByRole('button', { name: 'Add rule' }).click();
  await page.getByLabel('Name').fill('Payments repositories');
  await choose(page, page.getByLabel('Project', { exact: true }), 'APP');
  await page.getByLabel('Repository (glob)').fill('acme/payments-*');
  await page.getByRole('button', { name: 'Done' }).click();
  // The tester tests the rules as shown, before they are saved.
  await page.getByRole('button', { name: 'Test', exact: true }).click();
  await expect(page.getByTestId('routing-result').textContent()).resolves.toContain('Goes to APP by rule “Payments repositories”');
  await page.getByLabel('Scanner').fill('semgrep');
  await page.getByRole('button', { name: 'Save routing' }).click();
  await page.getByText('Routing saved.').waitFor();
  await page.getByRole('button', { name: 'Test', exact: true }).click();
  await expect(page.getByTestId('routing-result').textContent()).resolves.toContain('Goes to APP by rule “Payments repositories”');
  await shot('04-routing');
  await expectAccessible();

  // 4. A signed finding from a payments repository becomes an APP issue with the mapped values.
  const first = await send(findingCreated('e2e-f1'));
  expect(first.status).toBeLessThan(300);
  const [issue1] = await jiraIssues('project = APP ORDER BY created DESC');
  expect(issue1?.fields).toMatchObject({ summary: '[high] Finding e2e-f1', priority: { name: 'High' }, customfield_10014: { value: 'Identity' } });
  await page.goto(`${runtime.url}/jira/browse/${issue1.key}`);
  await shot('05-issue-created');

  // 5. Edit the mapping: the next issue follows it.
  await page.goto(`${runtime.url}/admin`);
  await openTab('Projects');
  await page.getByRole('button', { name: 'Edit Applications' }).click();
  await choose(page, '#src-customfield_10014-0-value', 'Platform');
  await page.locator('#src-summary-0-value').fill('Backline: {{finding.title}}');
  await page.getByTestId('preview').getByText('Backline: Prototype pollution in lodash').waitFor();
  // The assignee, a manual value chosen by name with the user picker (stored as the account id).
  await choose(page, page.getByLabel('Map another field'), 'Assignee', { resets: true });
  await choose(page, '#src-assignee-0-kind', 'Manual value');
  const person = page.locator('#src-assignee-0-value');
  await search(page, person, 'Alex', /Alex Apps/); // in the open listbox: the acting-as switcher lists Alex too
  await person.press('Enter');
  await expect(shown(page, 'src-assignee-0-value')).resolves.toMatch(/^Alex Apps/);
  await page.getByText('Stored as account id 557058:sim-app-admin.').waitFor();
  await shot('06-editor-changed');
  await expectAccessible();
  // Saved with the keyboard only: Tab from the page's start reaches Save, Enter submits.
  await page.evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
  let tabs = 0;
  while (!(await page.evaluate(() => document.activeElement?.textContent === 'Save')) && tabs < 120) {
    await page.keyboard.press('Tab');
    tabs += 1;
  }
  expect(tabs).toBeLessThan(120);
  await page.keyboard.press('Enter');
  await page.getByText('Saved. New findings use this mapping.').waitFor();
  await send(findingCreated('e2e-f2'));
  const issues = await jiraIssues('project = APP ORDER BY created DESC');
  expect(issues).toHaveLength(2);
  expect(issues[0]?.fields).toMatchObject({ summary: 'Backline: Finding e2e-f2', customfield_10014: { value: 'Platform' }, assignee: { accountId: '557058:sim-app-admin' } });
  expect(issues[1]?.fields).toMatchObject({ summary: '[high] Finding e2e-f1', customfield_10014: { value: 'Identity' } });

  // The stored account id is shown by name when the mapping is opened again.
  await page.getByRole('button', { name: 'Back to projects' }).click();
  await page.getByRole('button', { name: 'Edit Applications' }).click();
  await page.locator('[data-select-for="src-assignee-0-value"]').getByText('Alex Apps (alex.apps@example.com)').waitFor();

  // 6. Disconnect APP: issues stay; findings routed to it fail with NO_ROUTE.
  await page.getByRole('button', { name: 'Back to projects' }).click();
  await page.getByRole('button', { name: 'Delete Applications' }).click();
  await page.getByRole('dialog').getByText('Existing issues and their links to Backline findings are kept').waitFor();
  await shot('07-delete-confirm');
  await page.getByRole('button', { name: 'Disconnect' }).click();
  await page.getByText('APP is disconnected.').waitFor();
  await shot('08-deleted');
  const afterDelete = await send(findingCreated('e2e-f3'));
  expect(afterDelete.body.results?.[0]).toMatchObject({ status: 'failed', error: { code: 'NO_ROUTE' } });
  expect(await jiraIssues('project = APP')).toHaveLength(2);

  // 7. Rotate the secret: the old one works for 24 hours, then it is refused.
  const oldSecret = runtime.signingSecret;
  await openTab('Connection');
  await page.getByRole('button', { name: 'Rotate secret' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Rotate' }).click();
  const newSecret = await page.getByLabel('New signing secret').inputValue();
  expect(newSecret).toMatch(/^whsec_/);
  expect(newSecret).not.toBe(oldSecret);
  await page.getByText(/The old secret keeps working until/).waitFor();
  await shot('09-rotated');
  expect((await send(ping(), oldSecret)).status).toBe(200);
  expect((await send(ping(), newSecret)).status).toBe(200);
  offsetMs += 24 * 60 * 60 * 1000 + 60_000;
  expect((await send(ping(), oldSecret)).status).toBe(401);
  expect((await send(ping(), newSecret)).status).toBe(200);
  await page.getByRole('button', { name: 'I have copied it' }).click();
  await page.getByRole('button', { name: 'Refresh' }).click();
  await page.getByTestId('last-event').getByText('ping').waitFor();
  await shot('10-last-event');

  expect(consoleErrors).toEqual([]);
  }));

test('the project settings page edits only its own project, and a plain user is told what to do', async () => {
  await page.goto(`${runtime.url}/project-settings/SEC?as=sec-admin`);
  await page.getByRole('heading', { name: /Security \(SEC\)/ }).waitFor();
  await expect(page.getByRole('tab').count()).resolves.toBe(0);
  await shot('11-project-settings-sec');

  await page.goto(`${runtime.url}/project-settings/SEC?as=user`);
  await page.getByRole('alert').getByText(/administrator of project SEC/).waitFor();
  await shot('12-project-settings-forbidden');
  // A plain user on the admin page: a message, not a load error with a useless "Try again".
  await page.goto(`${runtime.url}/admin?as=user`);
  await page.getByText('Backline’s global settings are for Jira administrators').waitFor();
  await page.getByText(/Ask a Jira administrator to connect your project/).waitFor();
  await expect(page.getByRole('button', { name: 'Try again' }).count()).resolves.toBe(0);
  await expect(page.getByRole('tab').count()).resolves.toBe(0);
  await shot('13-admin-plain-user');
  // A project administrator: a link to the settings of the project they administer.
  await page.goto(`${runtime.url}/admin?as=sec-admin`);
  const link = page.getByRole('button', { name: /Security \(SEC\) → Project settings → Backline/ });
  await link.click();
  await page.waitForURL(/\/project-settings\/SEC/);
  await page.getByRole('heading', { name: /Security \(SEC\)/ }).waitFor();
  consoleErrors.length = 0;
});

test('with Jira’s dark theme the page is dark and its text stays readable', async () => {
  await page.goto(`${runtime.url}/admin?as=admin&theme=dark`);
  await page.getByRole('heading', { name: 'Connect Backline' }).waitFor();
  await expect(page.evaluate(() => document.documentElement.getAttribute('data-color-mode'))).resolves.toBe('dark');
  const body = await textContrast(page, 'body');
  expect(body.background).toBe('rgb(31, 31, 33)'); // --ds-surface of the dark theme: the tokens applied, not the light fallbacks
  expect(body.ratio).toBeGreaterThanOrEqual(4.5);
  for (const selector of ['h1', 'p.subtle', 'label', '[role="tab"]:not([aria-selected="true"])']) {
    const { ratio } = await textContrast(page, selector);
    expect([selector, ratio >= 4.5 ? 'readable' : ratio]).toEqual([selector, 'readable']);
  }
  expect(await seriousViolations(page)).toEqual([]);
  await shot('20-dark-connection');
  await openTab('Projects');
  await page.getByRole('button', { name: 'Edit Security' }).click();
  await page.getByRole('heading', { name: /Security \(SEC\)/ }).waitFor();
  await page.getByTestId('preview').waitFor();
  expect((await textContrast(page, 'label[for="issue-type"]')).ratio).toBeGreaterThanOrEqual(4.5);
  expect(await seriousViolations(page)).toEqual([]);
  await shot('21-dark-editor');
  // The sticky save bar, with the form scrolled under it: stuck to the bottom of the window, on the dark raised
  // surface the cards use (not a light bar, not see-through), its state text readable.
  await page.evaluate(() => window.scrollTo(0, 0));
  const bar = page.locator('.sticky-actions').first();
  const box = await bar.boundingBox();
  expect(Math.round((box?.y ?? 0) + (box?.height ?? 0))).toBe(900);
  const barText = await textContrast(page, '.sticky-actions #save-state');
  const cardText = await textContrast(page, '#fields-title');
  expect(barText.background).not.toBe('rgb(255, 255, 255)');
  expect(barText.background).toBe(cardText.background);
  expect(barText.ratio).toBeGreaterThanOrEqual(4.5);
  await page.screenshot({ path: path.join(ARTIFACTS, '22-dark-save-bar.png') });
  // A problem shows at its field, and the save bar counts it in words ("1 problem", not "1 problem(s)").
  const summary = page.locator('#src-summary-0-value');
  const template = await summary.inputValue();
  await summary.fill('');
  await page.locator('#save-state').getByText('1 problem to fix before saving.', { exact: true }).waitFor();
  await expect(page.locator('[id^="msg-"]').filter({ hasText: /\S/ }).count()).resolves.toBe(1);
  await expect(page.getByRole('button', { name: 'Save', exact: true }).isDisabled()).resolves.toBe(true);
  await summary.fill(template);
  await page.locator('#save-state').getByText('1 problem to fix before saving.', { exact: true }).waitFor({ state: 'detached' });
  consoleErrors.length = 0;
});
