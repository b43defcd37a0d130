/**
 * `npm run smoke -- --site` runs the acceptance lifecycle through the local
 * runtime's real-Jira mode (HTTP with basic auth, as against a Jira Cloud
 * site). Here it runs against the simulator served over HTTP (`--sim`), so
 * the script a person with a site would run is itself tested.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

function smoke(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'scripts/smoke.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, JIRA_BASE_URL: '', JIRA_EMAIL: '', JIRA_API_TOKEN: '', ...env },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

it('the site smoke test passes against the simulator in real-Jira mode, checking each step as a person sees it', () => {
  const { status, output } = smoke(['--site', '--sim']);
  expect(output).toMatch(/ok\s+remediation\.pr_merged\s+status\s+expected In Review, got In Review/);
  expect(output).toMatch(/ok\s+redelivery\s+answer\s+expected 200 duplicate, got 200 duplicate/);
  expect(output).toMatch(/smoke: all \d+ checks as promised/);
  expect(status).toBe(0);
}, 150_000);

it('without a site or --sim it says what it needs and does not run', () => {
  const { status, output } = smoke(['--site']);
  expect(output).toMatch(/needs JIRA_BASE_URL, JIRA_EMAIL and JIRA_API_TOKEN/);
  expect(status).toBe(2);
});
