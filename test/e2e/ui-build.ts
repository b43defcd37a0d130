/**
 * The admin UI as the e2e tests load it: a production build (the same
 * `vite build` as `npm run build:ui`) into a folder of the tests' own, so a
 * test run never replaces static/admin/build, which `npm start` serves and
 * `forge deploy` ships. One folder per test file: jest runs files in
 * parallel, and two builds must not empty each other's folder.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** Builds the UI into test-artifacts/ui-build/<name> and answers that folder. */
export function buildTestUi(name: string): string {
  const outDir = path.join(ROOT, 'test-artifacts', 'ui-build', name);
  fs.mkdirSync(path.dirname(outDir), { recursive: true });
  execFileSync('npx', ['vite', 'build', '--config', 'static/admin/vite.config.ts', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], {
    cwd: ROOT,
    stdio: 'pipe',
    // jest sets NODE_ENV=test, which would give React's development build: test what ships.
    env: { ...process.env, NODE_ENV: 'production', VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
  });
  return outDir;
}
