/**
 * Offline Forge manifest validation (`forge lint` needs a login; the
 * @forge/manifest package ships the same schema and reference checks).
 *
 * `static/admin/build` is the Custom UI's vite output and is not committed:
 * `.ci/run` builds it before the tests, so CI validates everything. On a fresh
 * clone without a build (`npm install && npm test`), the one "missing resource"
 * error for that directory is tolerated here, and its index.html is checked
 * once the build exists.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validate } from '@forge/manifest';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '../..');
const manifestFile = path.join(root, 'manifest.yml');
const adminBuild = path.join(root, 'static/admin/build');

function manifest(): any {
  return parse(fs.readFileSync(manifestFile, 'utf8'));
}

describe('manifest.yml', () => {
  it('passes @forge/manifest full validation (schema, functions, handler files, resources, scopes)', async () => {
    const result = await validate(false, manifestFile);
    const buildMissing = !fs.existsSync(adminBuild);
    const errors = (result.errors ?? []).filter(
      (error) => !(buildMissing && error.message.includes("missing resource 'static/admin/build'")),
    );
    expect(errors.map((error) => error.message)).toEqual([]);
  }, 30_000);

  it('names only handlers that src/index.ts exports', () => {
    const index = fs.readFileSync(path.join(root, 'src/index.ts'), 'utf8');
    const exported = new Set([...index.matchAll(/export\s*\{([^}]*)\}/g)].flatMap((m) => (m[1] ?? '').split(',').map((name) => name.trim().split(/\s+as\s+/).pop()?.trim())));
    const handlers: string[] = manifest().modules.function.map((fn: { handler: string }) => fn.handler);
    for (const handler of handlers) {
      const [file, name] = handler.split('.');
      expect(file).toBe('index');
      expect(exported).toContain(name);
    }
  });

  it('declares a dynamic, v2 web trigger backline-events and stays under the Forge limits', () => {
    const m = manifest();
    expect(m.modules.webtrigger).toEqual([expect.objectContaining({ key: 'backline-events', response: { type: 'dynamic' }, urlFormat: 'v2' })]);
    expect(m.app.runtime.name).toBe('nodejs22.x');
    expect(m.modules.scheduledTrigger.length).toBeLessThanOrEqual(5);
    for (const resource of m.resources) expect(resource.key.length).toBeLessThanOrEqual(23);
    expect(fs.statSync(manifestFile).size).toBeLessThan(200 * 1024);
  });

  it('points the admin resource at a directory with index.html once the UI is built', () => {
    if (!fs.existsSync(adminBuild)) return; // built by `npm run build:ui` (see .ci/run)
    expect(fs.existsSync(path.join(adminBuild, 'index.html'))).toBe(true);
  });
});
