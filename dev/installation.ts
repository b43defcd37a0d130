/**
 * One more installation of the app, as its own `npm start` process (its own PORT
 * and STATE_DIR) on a Jira simulator already serving over HTTP (`npm run sim`):
 * several of them share one site and its hourly points pool, as Marketplace
 * installations share the app's pool (docs/performance.md). Used by the
 * installations test and the storm benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

export interface Installation {
  name: string;
  url: string;
  child: ChildProcess;
  stateDir: string;
}

export interface InstallationOptions {
  /** The simulator's base URL (real-Jira mode against it). */
  jiraBaseUrl: string;
  signingSecret: string;
  /** Queue delays × this (the simulator's clock runs that much faster). */
  queueDelayScale?: number;
  /** Keep the process's errors in `<stateDir>.log` (default: dropped). */
  logErrors?: boolean;
  /** How long to wait for it to be ready (default 30 s). */
  readyTimeoutMs?: number;
}

/** The account an installation calls Jira as: the simulator counts the shared pool's points by it. */
export const installationAccount = (name: string): string => `${name}@example.com`;

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts it and waits until it has connected the site's project SEC from its create screen (the demo configuration). */
export async function startInstallation(name: string, options: InstallationOptions): Promise<Installation> {
  const port = await freePort();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `backline-${name}-`));
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'dev/start.ts'), '--reset'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      STATE_DIR: stateDir,
      BACKLINE_SIGNING_SECRET: options.signingSecret,
      BACKLINE_SKIP_UI_BUILD: '1',
      HOUSEKEEPING_INTERVAL_MS: '0',
      ...(options.queueDelayScale !== undefined ? { QUEUE_DELAY_SCALE: String(options.queueDelayScale) } : {}),
      JIRA_BASE_URL: options.jiraBaseUrl,
      JIRA_EMAIL: installationAccount(name),
      JIRA_API_TOKEN: 'not-checked-by-the-simulator',
    },
    stdio: options.logErrors ? ['ignore', 'ignore', fs.openSync(`${stateDir}.log`, 'w')] : 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    const ready = fs.existsSync(path.join(stateDir, 'runtime.json')) && (await fetch(`${url}/admin`).then((r) => r.ok, () => false));
    if (ready) return { name, url, child, stateDir };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error(`installation ${name} did not start`);
}
