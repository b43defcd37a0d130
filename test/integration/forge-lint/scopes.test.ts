/**
 * `npm run lint:forge` checks every Jira call of the app against the
 * manifest's scopes: a copy of the app with one more route, `GET
 * /rest/api/3/priority/search` (which needs `manage:jira-configuration`, a
 * scope the app does not request), fails the lint and names the scope. This
 * is the call that once slipped through, because the linter could not read
 * the app's paths (issue: Forge as it really is, defect 2).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const ROUTES = 'src/forge/adapters/jira-routes.ts';

function appCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-scopes-'));
  fs.cpSync(path.join(ROOT, 'src'), path.join(dir, 'src'), { recursive: true });
  for (const file of ['manifest.yml', 'tsconfig.json']) fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
  // The manifest's UI resource is a build output; the linter only checks that the folder exists.
  fs.mkdirSync(path.join(dir, 'static/admin/build'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'static/admin/build/index.html'), '<!doctype html>');
  return dir;
}

function lintForge(dir: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'scripts/forge-lint.ts'), '--root', dir, '--no-self-test'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

it('a Jira call that needs a scope the manifest lacks fails lint:forge, named with its scope', () => {
  const dir = appCopy();
  try {
    const routes = path.join(dir, ROUTES);
    const source = fs.readFileSync(routes, 'utf8');
    const marker = '  // Jira Software: the Security tab';
    expect(source).toContain(marker);
    const extra = "  { method: 'GET', path: path('/rest/api/3/priority/search'), send: (requestJira, _none, q, init) => requestJira(route`/rest/api/3/priority/search?${q}`, { ...init, method: 'GET' }) },\n";
    fs.writeFileSync(routes, source.replace(marker, extra + marker));
    const { status, output } = lintForge(dir);
    expect(output).toMatch(/manage:jira-configuration/);
    expect(output).not.toMatch(/Could not perform some linting actions/);
    expect(status).toBe(1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
