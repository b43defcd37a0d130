/**
 * One browser test file's world: the admin UI built into the file's own folder
 * (ui-build.ts), the local runtime on a fresh state folder with the Jira
 * simulator, and headless Chromium (Debian's) with one page whose uncaught
 * errors are collected.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../../dev/server';
import { buildTestUi } from './ui-build';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts', 'tabs');

export interface BrowserSession {
  runtime: LocalRuntime;
  browser: Browser;
  page: Page;
  /** Uncaught errors of the page (none expected). */
  pageErrors: string[];
  close(): Promise<void>;
}

export async function startBrowserSession(name: string, runtimeOptions: LocalRuntimeOptions = {}): Promise<BrowserSession> {
  const uiBuildDir = buildTestUi(name);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `backline-e2e-${name}-`));
  const runtime = await startLocalRuntime({ uiBuildDir, port: 0, reset: true, stateDir, quiet: true, housekeepingIntervalMs: 0, ...runtimeOptions });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return {
    runtime,
    browser,
    page,
    pageErrors,
    async close() {
      await browser.close();
      await runtime.close();
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs a browser test's steps; when one fails, the error also carries what the page showed then
 * (its visible text) and a screenshot `<name>-failure.png`, so a failure seen once in CI can be read.
 */
export async function showingPageOnFailure(page: Page, name: string, steps: () => Promise<void>): Promise<void> {
  try {
    await steps();
  } catch (error) {
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-failure.png`), fullPage: true }).catch(() => undefined);
    const text = await page.locator('body').innerText({ timeout: 2_000 }).catch(() => '(page text unavailable)');
    if (error instanceof Error) error.message += `\n\nThe page showed (${page.url()}):\n${text.slice(0, 4_000)}`;
    throw error;
  }
}
