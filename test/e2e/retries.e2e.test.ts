/**
 * An event Jira keeps refusing, end to end in headless Chromium against the
 * local runtime: Jira answers 429 (Retry-After 1 s) to every create, the queue tries the event
 * again and again (delays shrunk by `queueDelayScale`) until it is kept as a
 * dead letter. Activity shows it as ONE row with its attempts, not one red
 * row per attempt; once Jira is back, "Retry now" on that row creates the
 * issue and the same row turns Applied. And with real queue delays, an event
 * Jira asked to wait for (429, Retry-After) shows in Pending with its next
 * attempt time. Screenshots in test-artifacts/tabs/.
 */
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { LocalRuntime } from '../../dev/server';
import { SAMPLE_FINDING } from '../../src/shared/backline-fields';
import { sendSigned, simPost } from '../integration/runtime/local-calls';
import { ARTIFACTS, startBrowserSession, type BrowserSession } from './session';

jest.setTimeout(180_000);

let session: BrowserSession;
let runtime: LocalRuntime;
let page: Page;

beforeAll(async () => {
  // Backoff and Retry-After waits become milliseconds, so the queue's retries all happen within the test.
  session = await startBrowserSession('retries', { queueDelayScale: 0.001 });
  ({ runtime, page } = session);
});

afterEach(async () => {
  await fetch(`${runtime.url}/jira/_sim/faults`, { method: 'DELETE' });
});

afterAll(() => session?.close());

async function secSummaries(): Promise<string[]> {
  const response = await fetch(`${runtime.url}/jira/rest/api/3/search/jql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jql: 'project = SEC ORDER BY created DESC', fields: ['summary'], maxResults: 50 }),
  });
  return ((await response.json()) as { issues: Array<{ key: string; fields: { summary: string } }> }).issues.map((i) => i.fields.summary);
}

test('an event retried many times is one Activity row with its attempts, and Retry now applies it once Jira is back', async () => {
  await simPost(runtime, 'faults', { status: 429, count: 10_000, retryAfter: 1, match: { method: 'POST', path: '/rest/api/3/issue' } });
  const title = 'Retried until Jira came back';
  const response = await sendSigned(runtime, { id: 'evt-retried', occurredAt: new Date().toISOString(), type: 'finding.created', data: { finding: { ...SAMPLE_FINDING, id: 'fnd_retried', title, jira: { projectKey: 'SEC' } } } });
  expect(response.status).toBeLessThan(300);
  await runtime.waitForQueueIdle();
  expect(await secSummaries()).not.toContain(title);

  await page.goto(`${runtime.url}/admin?as=admin`);
  await page.getByRole('tab', { name: 'Activity' }).click();
  const activity = page.locator('[data-section="activity"]');
  const state = activity.getByTestId('state-evt-retried');
  await state.waitFor({ timeout: 15_000 });
  // One row for the event, however many times it was tried.
  await expect(state.count()).resolves.toBe(1);
  const before = await state.innerText();
  expect(before).toMatch(/Dead letter\s+\d+ attempts/);
  const attempts = Number(/(\d+) attempts/.exec(before)?.[1]);
  expect(attempts).toBeGreaterThan(1);
  // Jira's refusal in words of the app, once, not one red row per attempt.
  await expect(activity.getByText('JIRA_UNAVAILABLE').count()).resolves.toBe(1);
  await page.screenshot({ path: path.join(ARTIFACTS, 'activity-retried-dead-letter.png'), fullPage: true });

  // Jira is back: Retry now on the Activity row.
  await fetch(`${runtime.url}/jira/_sim/faults`, { method: 'DELETE' });
  await activity.getByRole('button', { name: 'Retry now evt-retried' }).click();
  await state.getByText('Applied').waitFor({ timeout: 15_000 });
  await expect(state.innerText()).resolves.toContain(`${attempts + 1} attempts`);
  await expect(activity.getByTestId('state-evt-retried').count()).resolves.toBe(1);
  await expect(activity.getByRole('button', { name: 'Retry now evt-retried' }).count()).resolves.toBe(0);
  expect((await secSummaries()).filter((s) => s.includes(title))).toHaveLength(1);
  await page.screenshot({ path: path.join(ARTIFACTS, 'activity-retried-applied.png'), fullPage: true });
  expect(session.pageErrors).toEqual([]);
});

test('an event Jira asked to wait for shows in Pending, once, with the time it is tried next', async () => {
  // Real queue delays here: the event must still be waiting when the page shows it.
  const waiting = await startBrowserSession('retries-waiting');
  try {
    await simPost(waiting.runtime, 'faults', { status: 429, count: 5, retryAfter: 120, match: { method: 'POST', path: '/rest/api/3/issue' } });
    const response = await sendSigned(waiting.runtime, { id: 'evt-waiting', occurredAt: new Date().toISOString(), type: 'finding.created', data: { finding: { ...SAMPLE_FINDING, id: 'fnd_waiting', jira: { projectKey: 'SEC' } } } });
    expect(response.status).toBe(202);

    const p = waiting.page;
    await p.goto(`${waiting.runtime.url}/admin?as=admin`);
    await p.getByRole('tab', { name: 'Activity' }).click();
    const activity = p.locator('[data-section="activity"]');
    await activity.getByRole('button', { name: 'Pending' }).click();
    await activity.getByRole('heading', { name: 'Pending' }).waitFor();
    const next = activity.getByTestId('next-attempt-evt-waiting');
    await next.waitFor({ timeout: 15_000 });
    // The time in the page's one date format, e.g. "4 Dec 2026, 04:25 UTC".
    await expect(next.innerText()).resolves.toMatch(/^Next attempt \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d \S+$/);
    await expect(activity.getByTestId('state-evt-waiting').count()).resolves.toBe(1);
    await expect(activity.getByTestId('state-evt-waiting').innerText()).resolves.toMatch(/Queued|Retrying/);
    await p.screenshot({ path: path.join(ARTIFACTS, 'activity-pending-next-attempt.png'), fullPage: true });
    expect(waiting.pageErrors).toEqual([]);
  } finally {
    await waiting.close();
  }
});
