/**
 * Where `npm run forge:bundle` (scripts/forge-bundle.ts) writes what `forge
 * deploy` would upload, and a cheap way for the benchmark and the bundled
 * smoke test to make sure it is there and current without loading the
 * bundler themselves.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '..');
export const FORGE_BUILD_DIR = path.join(root, 'build', 'forge');
/** The Node runtime bundle: one `[name].cjs` per handler module (manifest `handler: index.x` → `index.cjs`). */
export const BACKEND_BUNDLE_DIR = path.join(FORGE_BUILD_DIR, 'backend');
export const BACKEND_BUNDLE_FILE = path.join(BACKEND_BUNDLE_DIR, 'index.cjs');
/** One folder per manifest resource, as the CLI would zip it. */
export const RESOURCES_DIR = path.join(FORGE_BUILD_DIR, 'resources');

/** What the bundle is made of: newer than the bundle means the bundle is stale. */
const INPUTS = ['src', 'manifest.yml', 'package-lock.json', 'tsconfig.json'];

function newestMtime(file: string): number {
  const stat = fs.statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(file).reduce((newest, entry) => Math.max(newest, newestMtime(path.join(file, entry))), 0);
}

export function forgeBundleIsCurrent(): boolean {
  if (!fs.existsSync(BACKEND_BUNDLE_FILE)) return false;
  const built = fs.statSync(BACKEND_BUNDLE_FILE).mtimeMs;
  return INPUTS.every((input) => !fs.existsSync(path.join(root, input)) || newestMtime(path.join(root, input)) <= built);
}

/** Runs `npm run forge:bundle` unless the bundle is current; throws with its output when it fails. */
export function ensureForgeBundle(): void {
  if (forgeBundleIsCurrent()) return;
  // The admin page is a manifest resource the bundle packs: a fresh clone has not built it yet.
  if (!fs.existsSync(path.join(root, 'static', 'admin', 'build', 'index.html'))) {
    const ui = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
    if (ui.status !== 0) throw new Error(`npm run build failed:\n${ui.stdout}\n${ui.stderr}`);
  }
  const result = spawnSync('npx', ['tsx', path.join('scripts', 'forge-bundle.ts')], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm run forge:bundle failed:\n${result.stdout}\n${result.stderr}`);
}

/**
 * Every `resource:<key>;<file>` in the manifest's modules (the form a module's
 * `icon` takes to point into a resource) must name a file of that resource as
 * built, or Jira shows a broken image.
 */
export function missingResourceFiles(manifestText: string, resourcesDir: string): string[] {
  const missing: string[] = [];
  const visit = (value: unknown): void => {
    const reference = typeof value === 'string' ? /^resource:([^;]+);(.+)$/.exec(value) : null;
    if (reference) {
      const [, resourceKey = '', file = ''] = reference;
      const target = path.resolve(resourcesDir, resourceKey, file);
      if (!target.startsWith(path.join(resourcesDir, resourceKey) + path.sep) || !fs.existsSync(target)) missing.push(reference[0]);
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  const manifest: unknown = parse(manifestText);
  if (manifest && typeof manifest === 'object' && 'modules' in manifest) visit(manifest.modules);
  return missing;
}
