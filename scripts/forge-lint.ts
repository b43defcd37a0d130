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
 * The app's own Jira calls go through one adapter with `assumeTrustedRoute`
 * (src/forge/adapters/jira.ts), which the permission linter cannot see into; so
 * after linting the app, a self-test lints a probe that calls a user endpoint
 * against the manifest without `read:jira-user` and fails unless the linter
 * reports it. That proves the linter really ran (a tsconfig `include` of
 * `["src"]` makes it lint nothing, silently). `--no-self-test` skips it.
 *
 * Exits non-zero on any lint error or a failed self-test.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lint, problemCount, reportLintResults, type LintResult } from '@forge/lint';
import { validate } from '@forge/manifest';
import { parse, stringify } from 'yaml';

const root = path.resolve(__dirname, '..');

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

const logger = { info: (message: string) => console.log(message) };

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

/** A probe app calling `GET /rest/api/3/user/search` (scope read:jira-user) with that scope removed. */
async function selfTest(tmp: string): Promise<boolean> {
  const probe = path.join(tmp, 'probe');
  fs.mkdirSync(path.join(probe, 'src'), { recursive: true });
  fs.writeFileSync(path.join(probe, 'tsconfig.json'), JSON.stringify({ include: ['src/**/*'] }));
  fs.writeFileSync(
    path.join(probe, 'src/index.ts'),
    "import api, { route } from '@forge/api';\nexport const run = async () => api.asApp().requestJira(route`/rest/api/3/user/search?query=ada`);\n",
  );
  const manifest = parse(fs.readFileSync(path.join(root, 'manifest.yml'), 'utf8')) as { permissions: { scopes: string[] } };
  manifest.permissions.scopes = manifest.permissions.scopes.filter((scope) => scope !== 'read:jira-user');
  fs.writeFileSync(path.join(probe, 'manifest.yml'), stringify(manifest));
  const results = await lintIn(probe, path.join(probe, 'manifest.yml'));
  const reported = results.some((result) => result.errors.some((error) => error.message.includes('read:jira-user')));
  console.log(
    reported
      ? 'self-test: ok (a Jira user endpoint without read:jira-user is reported)'
      : 'self-test: FAILED: the permission linter did not report a missing read:jira-user scope',
  );
  return reported;
}

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-lint-'));
  try {
    configureLocalSpecs(tmp);
    const results = await lintIn(root, path.join(root, 'manifest.yml'));
    reportLintResults(logger, results);
    const { errors, warnings } = problemCount(results);
    console.log(`forge lint (offline, client-side): ${errors} error(s), ${warnings} warning(s)`);
    let ok = errors === 0;
    if (!process.argv.includes('--no-self-test')) ok = (await selfTest(tmp)) && ok;
    process.exitCode = ok ? 0 : 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error('forge lint failed to run:', error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
