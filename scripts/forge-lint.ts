/**
 * `npm run lint:forge`: the client-side rules of `forge lint`, offline.
 *
 * The CLI's `forge lint` needs an Atlassian login and network, so this calls
 * `@forge/lint` directly (../shared/forge/TOOLCHAIN.md): a stub feature-flag
 * client (no Statsig), and local API specs through `USE_LOCAL_SWAGGER=1` —
 * the Jira platform OpenAPI document for `LOCAL_JIRA_SWAGGER` (env
 * `JIRA_OPENAPI`, default ../shared/jira/jira-platform-openapi.json), and an
 * empty `{"paths":{}}` for the other products, which this app does not call.
 *
 * Every Jira call of the app is a `requestJira(route`…`, { method })` line in
 * src/forge/adapters/jira-routes.ts, which the permission linter reads. After
 * linting the app, a self-test lints the same sources against the manifest
 * without `write:jira-work` and `read:jira-user` and fails unless the linter
 * reports both: that proves it saw the app's calls (a tsconfig `include` of
 * `["src"]`, or a call it cannot parse, makes it check nothing, silently).
 * `--no-self-test` skips it.
 *
 * Exits non-zero on any lint error, on a linter that crashed ("Could not
 * perform some linting actions", which `forge lint` only prints as a warning),
 * or on a failed self-test.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lint, problemCount, reportLintResults, type LintResult } from '@forge/lint';
import { validate } from '@forge/manifest';
import { parse, stringify } from 'yaml';

const root = path.resolve(__dirname, '..');
/** The app to lint (its src/, manifest.yml, tsconfig.json): this repository, or `--root <dir>` (tests lint a changed copy). */
const rootFlag = process.argv.indexOf('--root');
const appRoot = rootFlag >= 0 && process.argv[rootFlag + 1] ? path.resolve(process.argv[rootFlag + 1] ?? '') : root;

/**
 * The feature-flag client `lint()` wants is the CLI's Statsig service (network,
 * login). The client-side linters only ask it for the list of deprecated
 * runtimes (a dynamic config); offline, every flag is off and every dynamic
 * config absent, so the linters use their built-in defaults. `lint()` types
 * the parameter with the concrete service class of its own nested copy of
 * @forge/cli-shared, hence the one cast of this stub.
 */
type LintFlags = Parameters<typeof lint>[4];
const offlineFlags = {
  checkGate: async () => false,
  getDynamicConfig: async () => null,
  getDeprecatedRuntimes: async (): Promise<string[]> => [],
} as unknown as LintFlags;

/** Linter crashes are only logged by `@forge/lint` (abstract-linter.js `linterFailed`): remember them. */
const crashes: string[] = [];
const logger = {
  info: (message: string) => {
    if (message.includes('Could not perform some linting actions')) crashes.push(message.trim());
    console.log(message);
  },
};

function configureLocalSpecs(tmp: string): void {
  const jira = path.resolve(process.env.JIRA_OPENAPI ?? path.join(root, '../shared/jira/jira-platform-openapi.json'));
  if (!fs.existsSync(jira)) throw new Error(`Jira OpenAPI document not found at ${jira} (set JIRA_OPENAPI)`);
  const stub = path.join(tmp, 'empty-openapi.json');
  fs.writeFileSync(stub, '{"paths":{}}');
  process.env.USE_LOCAL_SWAGGER = '1';
  process.env.LOCAL_JIRA_SWAGGER = jira;
  for (const name of ['LOCAL_JSM_SWAGGER', 'LOCAL_JSW_SWAGGER', 'LOCAL_CONF_SWAGGER', 'LOCAL_CONF_V2_SWAGGER', 'LOCAL_BB_SWAGGER']) process.env[name] = stub;
}

function sourceFiles(dir: string, base: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full, base));
    else if (/\.(t|j)sx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path.relative(base, full));
  }
  return out.sort();
}

/** Lints `files` (relative to `cwd`) against `manifestFile`; `lint` reads tsconfig.json from the working directory. */
async function lintIn(cwd: string, manifestFile: string): Promise<LintResult[]> {
  const previous = process.cwd();
  process.chdir(cwd);
  try {
    const validation = await validate(false, manifestFile);
    const manifest = validation.manifestObject?.typedContent;
    if (!manifest) throw new Error(`cannot read ${manifestFile}`);
    const files = sourceFiles(path.join(cwd, 'src'), cwd);
    if (files.length === 0) throw new Error(`no source files under ${cwd}/src`);
    return await lint(files, manifest, 'development', logger, offlineFlags, { linter: { mode: 'client-side' } });
  } finally {
    process.chdir(previous);
  }
}

/** The app's own sources against its manifest without two scopes its calls need: both must be reported. */
async function selfTest(tmp: string): Promise<boolean> {
  const probe = path.join(tmp, 'self-test');
  fs.mkdirSync(probe, { recursive: true });
  fs.cpSync(path.join(appRoot, 'src'), path.join(probe, 'src'), { recursive: true });
  fs.copyFileSync(path.join(appRoot, 'tsconfig.json'), path.join(probe, 'tsconfig.json'));
  const removed = ['write:jira-work', 'read:jira-user'];
  const manifest = parse(fs.readFileSync(path.join(appRoot, 'manifest.yml'), 'utf8')) as { permissions: { scopes: string[] } };
  manifest.permissions.scopes = manifest.permissions.scopes.filter((scope) => !removed.includes(scope));
  fs.writeFileSync(path.join(probe, 'manifest.yml'), stringify(manifest));
  const results = await lintIn(probe, path.join(probe, 'manifest.yml'));
  const missing = removed.filter((scope) => !results.some((result) => result.errors.some((error) => error.message.includes(scope))));
  console.log(
    missing.length === 0
      ? `self-test: ok (the app's calls without ${removed.join(' and ')} are reported)`
      : `self-test: FAILED: the permission linter did not report the missing scope(s) ${missing.join(', ')}`,
  );
  return missing.length === 0;
}

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-lint-'));
  try {
    configureLocalSpecs(tmp);
    const results = await lintIn(appRoot, path.join(appRoot, 'manifest.yml'));
    reportLintResults(logger, results);
    const { errors, warnings } = problemCount(results);
    console.log(`forge lint (offline, client-side): ${errors} error(s), ${warnings} warning(s)`);
    let ok = errors === 0;
    if (!process.argv.includes('--no-self-test')) ok = (await selfTest(tmp)) && ok;
    if (crashes.length > 0) {
      console.log(`forge lint: ${crashes.length} linter crash(es): a crashed linter checks nothing`);
      ok = false;
    }
    process.exitCode = ok ? 0 : 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error('forge lint failed to run:', error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
