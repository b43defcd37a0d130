/**
 * `npm run forge:bundle`: what `forge deploy` would upload, built offline by
 * the same code the CLI runs (@forge/cli out/deploy/packager/*.js):
 *
 * 1. `ConfigFile.getAppHandlers()` / `getResources()` (@forge/cli-shared) read
 *    manifest.yml exactly as the CLI does;
 * 2. the Node runtime bundler (`getNodeBundler` of @forge/bundler: webpack +
 *    ts-loader, target node18, `[name].cjs`) bundles every handler module into
 *    `build/forge/backend/` with the runtime artifacts the CLI adds
 *    (`__forge__.cjs`, `runtime.json`);
 * 3. the native UI bundler (`NativeUIBundler.bundleResources`) bundles each
 *    UI Kit resource (`render: native`) into `build/forge/resources/<key>/`;
 * 4. pre-built resources (Custom UI directories) are copied as the CLI zips
 *    them, into `build/forge/resources/<key>/`.
 *
 * What the CLI does that cannot run offline (docs/platform-limits.md "Bundling"):
 * - the Node runtime wrapper (`__forge__.cjs`) is downloaded from Atlassian's
 *   runtime CDN (@forge/bundler out/wrapper-provider.js `NetworkWrapperProvider`);
 *   here a placeholder takes its place and `runtime.json` says so;
 * - the Custom UI `index.html` gets Atlassian's bridge and iframe-resizer
 *   scripts injected (@forge/cli out/service/resource-packaging-service.js),
 *   both fetched from the network; the copy here is the file as built;
 * - zipping, upload and deployment need a login.
 *
 * Exits non-zero when a bundler fails or a manifest `resource:<key>;<file>`
 * reference (e.g. an icon) names a file the build does not contain.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getEntryPoints, getNodeBundler, NativeUIBundler } from '@forge/bundler';
// Not re-exported by the package index; the type of getNodeBundler's second parameter.
import type { WrapperProvider } from '@forge/bundler/out/wrapper-provider';
import { ConfigFile, FileSystemReader, FileSystemWriter, shouldBundleResource, type Logger, type StatsigService } from '@forge/cli-shared';

import { FORGE_BUILD_DIR, missingResourceFiles } from './forge-build';

const root = path.resolve(__dirname, '..');

const verbose = process.argv.includes('--verbose');
const logger: Logger = {
  traceEnabled: false,
  debugEnabled: verbose,
  trace: () => undefined,
  debug: (message) => {
    if (verbose) console.log(message);
  },
  info: (message) => console.log(message),
  warn: (message) => console.warn(`warning: ${message}`),
  error: (error) => console.error(error.message),
};

/**
 * Stands in for the runtime wrapper the CLI downloads. Forge's wrapper loads
 * the bundle and calls the handler the function names; this one only makes
 * the bundle loadable the same way, and says what it is if run.
 */
const PLACEHOLDER_WRAPPER = `'use strict';
// OFFLINE PLACEHOLDER written by npm run forge:bundle: forge deploy replaces this file with
// Atlassian's Node runtime wrapper, downloaded from its runtime CDN. It is not what runs on Forge.
module.exports = require('./index.cjs');
`;
const offlineWrapper: WrapperProvider = {
  getNodeRuntimeWrapper: async () => ({ script: PLACEHOLDER_WRAPPER, source: 'offline placeholder (scripts/forge-bundle.ts)', version: 'offline-placeholder' }),
  // The CLI asks for a loader only behind a feature gate; offline every gate is off.
  getNodeRuntimeLoader: async () => undefined,
};

/**
 * The CLI's Statsig client (network, login). The Node bundler asks it one
 * thing, and only when `app.package.bundler: typescript` is set (not here).
 */
const offlineStatsig = { isTypescriptBundlerEnabled: async () => false } as unknown as StatsigService;

function copyInto(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  fs.cpSync(from, to, { recursive: true });
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

export async function forgeBundle(outDir = FORGE_BUILD_DIR): Promise<{ backendFiles: string[]; resources: string[] }> {
  const previous = process.cwd();
  // The CLI runs in the app directory: ConfigFile reads ./manifest.yml, the bundlers resolve src/ from here.
  process.chdir(root);
  try {
    fs.rmSync(outDir, { recursive: true, force: true });
    const configFile = new ConfigFile(new FileSystemReader(), new FileSystemWriter());
    const handlers = await configFile.getAppHandlers();
    const resources = await configFile.getResources();

    const backendDir = path.join(outDir, 'backend');
    const node = getNodeBundler(logger, offlineWrapper, configFile, offlineStatsig);
    const backend = await node.bundle({ appDirectory: root, entryPoints: getEntryPoints(handlers) });
    copyInto(backend.outputDir, backendDir);
    for (const [name, content] of backend.additionalOutputs ?? []) {
      fs.mkdirSync(path.dirname(path.join(backendDir, name)), { recursive: true });
      fs.writeFileSync(path.join(backendDir, name), content);
    }
    fs.rmSync(backend.outputDir, { recursive: true, force: true });

    const resourcesDir = path.join(outDir, 'resources');
    const [toBundle, preBuilt] = [resources.filter(shouldBundleResource), resources.filter((r) => !shouldBundleResource(r))];
    const native = await new NativeUIBundler(logger).bundleResources(toBundle);
    for (const bundled of native.nativeUiBundlesDetails) {
      copyInto(bundled.path, path.join(resourcesDir, bundled.key));
      fs.rmSync(bundled.path, { recursive: true, force: true });
    }
    for (const resource of preBuilt) {
      const from = path.join(root, resource.path);
      if (!fs.existsSync(path.join(from, 'index.html'))) {
        throw new Error(`Resource "${resource.key}" (${resource.path}) has no index.html: build it first (npm run build)`);
      }
      copyInto(from, path.join(resourcesDir, resource.key));
    }

    const missing = missingResourceFiles(fs.readFileSync(path.join(root, 'manifest.yml'), 'utf8'), resourcesDir);
    if (missing.length > 0) throw new Error(`manifest.yml references files the build does not contain: ${missing.join(', ')}`);
    return { backendFiles: filesUnder(backendDir), resources: resources.map((r) => r.key) };
  } finally {
    process.chdir(previous);
  }
}

if (require.main === module) {
  forgeBundle()
    .then(({ backendFiles, resources }) => {
      const bytes = (file: string) => fs.statSync(path.join(FORGE_BUILD_DIR, 'backend', file)).size;
      const code = backendFiles.filter((f) => f.endsWith('.cjs'));
      console.log(`forge:bundle: backend ${code.map((f) => `${f} ${bytes(f)} B`).join(', ')}; resources ${resources.join(', ')} → ${path.relative(root, FORGE_BUILD_DIR)}/`);
    })
    .catch((error: unknown) => {
      console.error('forge:bundle failed:', error instanceof Error ? error.message : error);
      process.exitCode = 1;
    });
}
