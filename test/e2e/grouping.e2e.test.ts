/**
 * One issue per remediation, as a new admin sets it up, in headless Chromium
 * against the local runtime: the editor's "One issue per" card (it says the
 * change applies to new findings only), saved; three findings wait; the PR
 * makes one issue whose description is the table of the three, shown on the
 * simulator's issue page, with the three findings as vulnerabilities of its
 * Security panel. Screenshots in test-artifacts/tabs/.
 */
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { LocalRuntime } from '../../dev/server';
import { SAMPLE_FINDING } from '../../src/shared/backline-fields';
import { sendSigned } from '../integration/runtime/local-calls';
import { ARTIFACTS, showingPageOnFailure, startBrowserSession, type BrowserSession } from './session';

jest.setTimeout(180_000);

let session: BrowserSession;
let runtime: LocalRuntime;
let page: Page;

beforeAll(async () => {
  session = await startBrowserSession('grouping');
  ({ runtime, page } = session);
});

afterAll(() => session?.close());

const remediation = { id: 'rem_e2e', title: 'Upgrade lodash to 4.17.21' };
const findings = ['api', 'web', 'worker'].map((part, i) => ({
  ...SAMPLE_FINDING,
  id: `fnd_e2e_${part}`,
  title: `Prototype pollution in lodash (${part})`,
  severity: i === 1 ? 'critical' : 'medium',
  location: { path: `${part}/package-lock.json` },
  jira: { projectKey: 'SEC' },
}));

async function send(body: unknown): Promise<{ results: Array<{ status: string; reason?: string; issues?: Array<{ findingId: string; key: string }> }> }> {
  const response = await sendSigned(runtime, body);
  expect(response.status).toBeLessThan(300);
  await runtime.waitForQueueIdle();
  return (await response.json()) as never;
}

test('an admin makes SEC one issue per remediation; three findings and their PR give one issue with their table', () =>
  showingPageOnFailure(page, 'grouping', async () => {
    await page.goto(`${runtime.url}/admin?as=admin`);
    await page.getByRole('tab', { name: 'Projects' }).click();
    await page.getByRole('button', { name: 'Edit Security' }).click();
    const card = page.getByRole('radiogroup', { name: 'One issue per' });
    await expect(card.getByRole('radio', { name: /^Finding/ }).isChecked()).resolves.toBe(true);
    await card.getByRole('radio', { name: /^Remediation/ }).check();
    await page.getByText('Changed:').waitFor();
    await page.getByText('Applies to new findings only: findings that already have an issue keep it.').waitFor();
    await page.locator('section[aria-labelledby="grouping-title"]').screenshot({ path: path.join(ARTIFACTS, 'grouping-setting.png') });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved. New findings use this mapping.').waitFor();
    await expect(page.getByText('Changed:').count()).resolves.toBe(0);

    const waiting = await send({ events: findings.map((finding, i) => ({ id: `evt-e2e-grp-${i}`, occurredAt: new Date().toISOString(), type: 'finding.created', data: { finding } })) });
    expect(waiting.results.map((r) => r.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(waiting.results[0]?.reason).toMatch(/waiting for its remediation/);

    const opened = await send({
      id: 'evt-e2e-grp-pr',
      occurredAt: new Date().toISOString(),
      type: 'remediation.pr_opened',
      data: { remediation, pullRequest: { url: 'https://github.com/acme/payments-api/pull/77', number: 77 }, findings: findings.map((f) => ({ id: f.id })) },
    });
    const keys = new Set(opened.results[0]?.issues?.map((i) => i.key));
    expect(opened.results[0]?.issues).toHaveLength(3);
    expect(keys.size).toBe(1);
    const [key] = [...keys];

    await page.goto(`${runtime.url}/jira/browse/${key}`);
    await page.getByText('Upgrade lodash to 4.17.21 (3 findings)').first().waitFor();
    await page.getByRole('cell', { name: 'Prototype pollution in lodash (web)' }).waitFor();
    await page.getByRole('cell', { name: 'worker/package-lock.json' }).waitFor();
    // Each finding is still its own vulnerability in the Security panel, linked to the one issue.
    await page.getByText('Security (3 vulnerabilities)').waitFor();
    // The issue panel lists them too.
    await page.getByText('Findings in this issue (3, 3 open)').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'grouping-issue.png'), fullPage: true });
  }));
