/**
 * `npm start`: the app on the local Forge platform and the Jira simulator.
 *
 *   npm start                 # http://localhost:8080
 *   npm start -- --reset      # from empty state (and the demo configuration again)
 *
 * Environment: PORT (8080), STATE_DIR (.local/), BACKLINE_SIGNING_SECRET,
 * JIRA_BASE_URL + JIRA_EMAIL + JIRA_API_TOKEN (a real site instead of the
 * simulator), JIRA_OPENAPI (the OpenAPI document the simulator checks against),
 * HOUSEKEEPING_INTERVAL_MS, KVS_LATENCY_MS (wait before each storage answer),
 * QUEUE_DELAY_SCALE (multiplies every queue delay: 1/SIM_CLOCK_SPEED beside a fast `npm run sim`),
 * BACKLINE_SKIP_UI_BUILD=1 (do not build the admin UI).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, startLocalRuntime } from './server';
import { intEnv, positiveEnv } from './env';

function newestMtime(dir: string, skip: Set<string>): number {
  if (!fs.existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full, skip) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds static/admin when its build is missing or older than its sources (the UI is developed alongside). */
function buildUiIfNeeded(): void {
  if (process.env.BACKLINE_SKIP_UI_BUILD === '1') return;
  const uiDir = path.join(REPO_ROOT, 'static', 'admin');
  if (!fs.existsSync(path.join(uiDir, 'vite.config.ts'))) return;
  const built = path.join(uiDir, 'build', 'index.html');
  const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
  const sourcesAt = Math.max(newestMtime(uiDir, new Set(['build', 'node_modules'])), newestMtime(path.join(REPO_ROOT, 'src', 'shared'), new Set()));
  if (builtAt >= sourcesAt) return;
  console.log(builtAt === 0 ? 'Building the admin UI (static/admin/build is missing)…' : 'Rebuilding the admin UI (sources changed)…');
  const result = spawnSync('npm', ['run', '--silent', 'build:ui'], { cwd: REPO_ROOT, stdio: 'inherit', timeout: 120_000 });
  if (result.status !== 0) console.warn('The admin UI build failed; /admin will say so. The rest of the runtime works.');
}


async function main(): Promise<void> {
  const reset = process.argv.includes('--reset');
  buildUiIfNeeded();
  const port = intEnv('PORT');
  const housekeepingIntervalMs = intEnv('HOUSEKEEPING_INTERVAL_MS');
  const queueDelayScale = positiveEnv('QUEUE_DELAY_SCALE');
  const runtime = await startLocalRuntime({
    reset,
    ...(port !== undefined ? { port } : {}),
    ...(process.env.STATE_DIR ? { stateDir: process.env.STATE_DIR } : {}),
    ...(process.env.BACKLINE_SIGNING_SECRET ? { signingSecret: process.env.BACKLINE_SIGNING_SECRET } : {}),
    ...(process.env.JIRA_OPENAPI ? { jiraOpenapiPath: process.env.JIRA_OPENAPI } : {}),
    ...(housekeepingIntervalMs !== undefined ? { housekeepingIntervalMs } : {}),
    ...(queueDelayScale !== undefined ? { queueDelayScale } : {}),
  });
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    runtime.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
