/**
 * The admin experience issue's "Done when", end to end in headless Chromium
 * against the local runtime (the app's real resolvers on the Jira
 * simulator): acting as someone else, a fallback source added in the editor,
 * a misspelt placeholder, an option removed in Jira then "Check now",
 * Activity and Dead letters readable while Jira answers 503 and 429, and
 * every tab in both themes without serious axe problems (screenshots in
 * test-artifacts/tabs/).
 */
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { SIM_FIELDS, SIM_ISSUE_TYPES, SIM_OPTIONS, SIM_USERS } from '../../dev/jira-sim/seed';
import type { LocalRuntime } from '../../dev/server';
import { sign, SIGNATURE_HEADER } from '../../dev/sign';
import { DEFAULT_RESOLUTIONS } from '../../src/core/config/model';
import { SAMPLE_FINDING } from '../../src/shared/backline-fields';
import { seriousViolations, unnamedControls } from './a11y';
import { choose } from './select';
import { ARTIFACTS, startBrowserSession, type BrowserSession } from './session';

jest.setTimeout(180_000);

let session: BrowserSession;
let runtime: LocalRuntime;
let page: Page;

beforeAll(async () => {
  session = await startBrowserSession('admin-trust');
  ({ runtime, page } = session);
});

// A test that fails half-way must not leave Jira broken for the next one.
afterEach(async () => {
  await fetch(`${runtime.url}/jira/_sim/faults`, { method: 'DELETE' });
});

afterAll(() => session?.close());

async function control(method: 'POST' | 'DELETE', route: string, body?: unknown): Promise<void> {
  const response = await fetch(`${runtime.url}/jira/_sim/${route}`, { method, headers: { 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  expect(response.status).toBeLessThan(300);
}

async function invokeAsAdmin(functionKey: string, payload: unknown): Promise<{ ok: boolean; error?: { message: string } }> {
  const response = await fetch(`${runtime.url}/bridge/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-local-account-id': 'admin' },
    body: JSON.stringify({ functionKey, payload, context: { moduleKey: 'backline-admin', extension: { type: 'jira:adminPage' } } }),
  });
  return (await response.json()) as { ok: boolean; error?: { message: string } };
}

let eventCounter = 0;
async function sendFinding(findingId: string, extra: Record<string, unknown>): Promise<void> {
  eventCounter += 1;
  const body = JSON.stringify({
    id: `evt-trust-${eventCounter}`,
    occurredAt: new Date().toISOString(),
    type: 'finding.created',
    data: { finding: { ...SAMPLE_FINDING, id: findingId, title: `Finding ${findingId}`, jira: { projectKey: 'APP' }, ...extra } },
  });
  const response = await fetch(runtime.webtriggerUrl, { method: 'POST', headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(runtime.signingSecret, body) }, body });
  expect(response.status).toBeLessThan(300);
  await runtime.waitForQueueIdle();
}

async function teamOf(summary: string): Promise<unknown> {
  const response = await fetch(`${runtime.url}/jira/rest/api/3/search/jql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jql: `project = APP AND summary ~ "${summary}"`, fields: ['summary', SIM_FIELDS.Team], maxResults: 5 }),
  });
  const issues = ((await response.json()) as { issues: Array<{ fields: Record<string, { value?: string } | undefined> }> }).issues;
  return issues[0]?.fields[SIM_FIELDS.Team]?.value;
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

async function openTab(name: string): Promise<void> {
  await page.getByRole('tab', { name, exact: true }).click();
}

/** APP connected with Team taken from the finding's owner only: a required select with no fallback. */
const APP_TEAM_FROM_OWNER = {
  version: 1,
  projectKey: 'APP',
  projectId: '10001',
  projectName: 'Applications',
  issueTypeId: SIM_ISSUE_TYPES.Bug,
  issueTypeName: 'Bug',
  enabled: true,
  fields: [
    { fieldId: 'summary', fieldName: 'Summary', sources: [{ kind: 'template', template: '[{{finding.severity}}] {{finding.title}}' }], writePolicy: 'sync' },
    { fieldId: 'priority', fieldName: 'Priority', sources: [{ kind: 'backline', path: 'finding.severity', valueMap: { critical: 'Highest', high: 'High', medium: 'Medium', low: 'Low', info: 'Lowest' } }], writePolicy: 'fill-if-empty' },
    { fieldId: SIM_FIELDS.Team, fieldName: 'Team', sources: [{ kind: 'jira', values: [{ id: SIM_OPTIONS.Team.Identity, label: 'Identity' }] }], writePolicy: 'create-only' },
  ],
  statuses: {},
  resolutions: { ...DEFAULT_RESOLUTIONS },
  minimumSeverity: 'info',
  recreateDeletedIssues: true,
  commentOnLifecycle: true,
};

test('acting as: the bar says who the page acts as, the switcher changes it, and every bridge call names that user', async () => {
  const identities: string[] = [];
  let acting = 'admin';
  page.on('request', (request) => {
    // Only the calls of the page under test: the previous page may still be finishing its own
    // (site admin's) calls until the switch's navigation commits.
    const documentActsAsUser = request.frame().url().includes('as=user');
    if (request.url().endsWith('/bridge/invoke') && documentActsAsUser === (acting === 'user')) identities.push(request.headers()['x-local-account-id'] ?? 'none');
  });
  await page.goto(`${runtime.url}/admin`);
  await page.getByTestId('acting-as').getByText('Ada Admin (Jira administrator)').waitFor();
  await page.getByRole('heading', { name: 'Connect Backline' }).waitFor();
  expect(new Set(identities)).toEqual(new Set([SIM_USERS.siteAdmin.accountId]));

  identities.length = 0;
  acting = 'user';
  await page.getByLabel('Switch to').selectOption('user');
  await page.waitForURL(/as=user/);
  await page.getByTestId('acting-as').getByText('Pat Plain (plain user)').waitFor();
  await page.getByText('Backline’s global settings are for Jira administrators').waitFor();
  expect(identities.length).toBeGreaterThan(0);
  expect(new Set(identities)).toEqual(new Set([SIM_USERS.plainUser.accountId]));
  await shot('acting-as-plain-user');

  // Nothing sticks: the next page without ?as= is the site admin's again, and says so.
  await page.goto(`${runtime.url}/admin`);
  await page.getByTestId('acting-as').getByText('Ada Admin (Jira administrator)').waitFor();
  await page.getByRole('heading', { name: 'Connect Backline' }).waitFor();
});

test('a fallback source behind the finding’s team, a misspelt placeholder, then an option removed in Jira and Check now', async () => {
  const saved = await invokeAsAdmin('projects/save', { config: { ...APP_TEAM_FROM_OWNER, fields: APP_TEAM_FROM_OWNER.fields }, create: true });
  expect(saved).toMatchObject({ ok: true });

  await page.goto(`${runtime.url}/admin?as=admin`);
  await openTab('Projects');
  await page.getByRole('button', { name: 'Edit Applications' }).click();
  await page.getByRole('heading', { name: 'Applications (APP)', exact: true }).waitFor();

  // Team from the finding's owner: change the source to the Backline field, then the editor asks for a fallback.
  await choose(page, `#src-${SIM_FIELDS.Team}-0-kind`, 'Backline field');
  await choose(page, `#src-${SIM_FIELDS.Team}-0-value`, /\(finding\.owner\.team\)/);
  await page.getByText(/Team is required in APP\/Bug, but its Backline field can be missing on a finding: add a fallback source/).waitFor();
  await page.getByRole('button', { name: 'Add fallback source to Team' }).click();
  await choose(page, `#src-${SIM_FIELDS.Team}-1-value`, 'Payments');
  await page.getByText('Team takes the first source, in this order, that gives a value Jira accepts; the ones below are fallbacks.').waitFor();
  await page.getByText(/add a fallback source/).first().waitFor({ state: 'detached' });

  // A misspelt placeholder is an error that says what was probably meant.
  await page.locator('#src-summary-0-value').fill('[{{finding.severity}}] {{finding.titel}}');
  await page.getByText('The template of Summary uses {{finding.titel}}: finding.titel is not a Backline field: did you mean {{finding.title}}?').waitFor();
  await shot('editor-fallback-and-typo');
  await page.locator('#src-summary-0-value').fill('[{{finding.severity}}] {{finding.title}}');
  await page.getByText(/did you mean/).first().waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText('Saved. New findings use this mapping.').waitFor();

  // Findings: the owner's team when Jira has it as an option, else the fallback.
  await sendFinding('trust-identity', { owner: { team: 'Identity' } });
  await sendFinding('trust-no-owner', {});
  await sendFinding('trust-unknown-team', { owner: { team: 'Marketing' } });
  expect(await teamOf('trust-identity')).toBe('Identity');
  expect(await teamOf('trust-no-owner')).toBe('Payments');
  expect(await teamOf('trust-unknown-team')).toBe('Payments');

  // Payments is removed in Jira: Check now names the field and the option.
  await page.getByRole('button', { name: 'Back to projects' }).click();
  await page.getByRole('row', { name: /Applications/ }).getByText('Valid').waitFor();
  await control('POST', 'fields', { field: 'Team', removeOption: 'Payments' });
  await page.getByRole('button', { name: 'Check now' }).click();
  const row = page.getByRole('row', { name: /Applications/ });
  await row.getByText('Needs attention').waitFor();
  await row.getByText(/Team: option Payments no longer exists in Jira; choose another value/).waitFor();
  await shot('projects-option-removed');
  // The editor marks the stale value at its field.
  await page.getByRole('button', { name: 'Edit Applications' }).click();
  await page.locator(`[data-field="${SIM_FIELDS.Team}"]`).getByText(/option Payments no longer exists/).waitFor();
  await page.getByRole('button', { name: 'Back to projects' }).click();
});

test('Activity and Dead letters stay readable while Jira answers 503, then 429; the quota message says when it resets', async () => {
  // A dead letter to show: an event whose project is not connected.
  await sendFinding('trust-dead', { jira: { projectKey: 'NOPE' } });
  await page.goto(`${runtime.url}/admin?as=admin`);
  await page.getByRole('heading', { name: 'Connect Backline' }).waitFor();

  await control('POST', 'faults', { status: 503, count: 10_000 });
  await page.reload();
  await openTab('Activity');
  await page.getByRole('heading', { name: 'Dead letters' }).waitFor();
  await page.getByRole('heading', { name: 'Activity' }).waitFor();
  await page.getByText('trust-dead').first().waitFor();
  await expect(page.getByRole('alert').count()).resolves.toBe(0);
  await shot('activity-while-jira-503');

  await control('DELETE', 'faults');
  await control('POST', 'faults', { status: 429, count: 10_000, retryAfter: 240 });
  await openTab('Connection');
  await openTab('Activity');
  await page.getByRole('heading', { name: 'Dead letters' }).waitFor();
  await page.getByText('trust-dead').first().waitFor();
  await expect(page.getByRole('alert').count()).resolves.toBe(0);
  await shot('activity-while-jira-429');
  // What does need Jira says when to come back, in words.
  await openTab('Routing rules');
  await openTab('Projects');
  await page.getByText(/in about 4 minutes \(at \d\d:\d\d UTC\)/).first().waitFor();
  await shot('projects-while-jira-429');
  await control('DELETE', 'faults');
});

test('the Slack webhook field: a wrong address is explained under the field, a right one is stored and hidden', async () => {
  await page.goto(`${runtime.url}/admin?as=admin`);
  await openTab('Notifications');
  const field = page.getByLabel('Slack incoming webhook URL');
  await field.fill('https://example.com/services/T1/B1/x');
  await page.getByRole('button', { name: 'Save webhook' }).click();
  await page.locator('#slack-url-error').getByText(/hooks\.slack\.com/).waitFor();
  await expect(field.getAttribute('aria-invalid')).resolves.toBe('true');
  await field.fill('https://hooks.slack.com/services/T1/B1/abcdef');
  await expect(page.locator('#slack-url-error').innerText()).resolves.toBe('');
  await page.getByRole('button', { name: 'Save webhook' }).click();
  await page.getByText('Saved. The webhook URL is stored as a secret and will not be shown again.').waitFor();
  await expect(field.inputValue()).resolves.toBe('');
  await shot('notifications-slack-saved');
});

test('every tab, light and dark: no serious or critical axe problem, every control named', async () => {
  const tabs = ['Connection', 'Projects', 'Routing rules', 'Notifications', 'Activity'];
  for (const theme of ['light', 'dark'] as const) {
    await page.goto(`${runtime.url}/admin?as=admin${theme === 'dark' ? '&theme=dark' : ''}`);
    await page.getByRole('heading', { name: 'Connect Backline' }).waitFor();
    for (const tab of tabs) {
      await openTab(tab);
      await page.getByRole('tabpanel').getByRole('heading').first().waitFor();
      await page.waitForLoadState('networkidle');
      await shot(`${theme}-${tab.toLowerCase().replace(/\s+/g, '-')}`);
      const problems = await seriousViolations(page);
      expect([theme, tab, problems]).toEqual([theme, tab, []]);
      expect([theme, tab, await unnamedControls(page)]).toEqual([theme, tab, []]);
    }
    await openTab('Projects');
    await page.getByRole('button', { name: 'Edit Security' }).click();
    await page.getByTestId('preview').waitFor();
    await shot(`${theme}-editor`);
    expect([theme, 'editor', await seriousViolations(page)]).toEqual([theme, 'editor', []]);
  }
  expect(session.pageErrors).toEqual([]);
});
