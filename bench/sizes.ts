/**
 * What the app weighs: the backend bundle as Forge builds it, and the admin
 * page's first load as a browser fetches it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { BACKEND_BUNDLE_FILE, ensureForgeBundle } from '../scripts/forge-build';

export const REPO_ROOT = path.resolve(__dirname, '..');

/**
 * The backend as `forge deploy` would upload it: `index.cjs` of
 * `npm run forge:bundle` (Forge's own Node runtime bundler: webpack, not
 * minified, every dependency inside), bundled first when missing or stale.
 * The source map beside it is uploaded too but never loaded at cold start,
 * so it is not counted.
 */
export function backendBundleBytes(): number {
  ensureForgeBundle();
  return fs.statSync(BACKEND_BUNDLE_FILE).size;
}

export interface FirstLoadFile {
  file: string;
  bytes: number;
  gzipBytes: number;
}

/**
 * The JS and CSS that `static/admin/build/index.html` makes the browser load
 * before the page can render: its module script(s), module preloads (Vite
 * lists the entry's static imports there) and stylesheets. Lazy chunks are not
 * counted. Same rule as scripts/ui-size.ts, read from the HTML itself so it
 * also holds for a build made without Vite's manifest.
 */
export function adminFirstLoad(buildDir = path.join(REPO_ROOT, 'static', 'admin', 'build')): { files: FirstLoadFile[]; gzipBytes: number } | undefined {
  const indexFile = path.join(buildDir, 'index.html');
  if (!fs.existsSync(indexFile)) return undefined;
  const html = fs.readFileSync(indexFile, 'utf8');
  const refs = new Set<string>();
  for (const match of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) refs.add(match[1]);
  for (const match of html.matchAll(/<link\b[^>]*>/g)) {
    const tag = match[0];
    const rel = /\brel="([^"]+)"/.exec(tag)?.[1];
    const href = /\bhref="([^"]+)"/.exec(tag)?.[1];
    if (href && (rel === 'stylesheet' || rel === 'modulepreload')) refs.add(href);
  }
  const files: FirstLoadFile[] = [];
  for (const ref of refs) {
    if (/^[a-z]+:\/\//i.test(ref)) continue; // external URLs are not ours to count (Forge's CSP would block them anyway)
    const file = path.join(buildDir, ref.replace(/^\.?\//, ''));
    if (!fs.existsSync(file)) continue;
    const content = fs.readFileSync(file);
    files.push({ file: path.relative(buildDir, file), bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length });
  }
  return { files, gzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0) };
}

/** `npm run build:ui`; answers false (with the reason on stderr) when the build fails. */
export function buildAdminUi(): boolean {
  const result = spawnSync('npm', ['run', '--silent', 'build:ui'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (result.status !== 0) {
    process.stderr.write(`npm run build:ui failed (admin first load not measured):\n${result.stderr || result.stdout}\n`);
    return false;
  }
  return true;
}
