/**
 * Several installations of the app on one Jira site: `npm run sim` serves one
 * simulator over HTTP, and each `npm start` (its own PORT and STATE_DIR) uses
 * it in real-Jira mode. Both installations' issues land in the one site, each
 * keeps its own storage, and the site's hourly points pool is theirs together:
 * when it is spent, both are refused, and each queues its event instead of
 * losing it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { startJiraSimulatorServer, type JiraSimulatorServer } from '../../../dev/jira-sim/server';
import { sign, SIGNATURE_HEADER } from '../../../dev/sign';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SECRET = 'whsec_installations_test_0123456789abcdef';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Installation {
  url: string;
  child: ChildProcess;
  stateDir: string;
}

async function startInstallation(sim: JiraSimulatorServer, name: string): Promise<Installation> {
  const port = await freePort();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `backline-${name}-`));
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'dev/start.ts'), '--reset'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      STATE_DIR: stateDir,
      BACKLINE_SIGNING_SECRET: SECRET,
      BACKLINE_SKIP_UI_BUILD: '1',
      HOUSEKEEPING_INTERVAL_MS: '0',
      JIRA_BASE_URL: sim.url,
      JIRA_EMAIL: `${name}@example.com`,
      JIRA_API_TOKEN: 'not-checked-by-the-simulator',
    },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 300; attempt++) {
    // Ready once it has connected the site's project SEC from its create screen (the demo configuration).
    const ready = fs.existsSync(path.join(stateDir, 'runtime.json')) && (await fetch(`${url}/admin`).then((r) => r.ok, () => false));
    if (ready) return { url, child, stateDir };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error(`installation ${name} did not start`);
}

async function send(installation: Installation, findingId: string) {
  const body = JSON.stringify({
    events: [{ id: `evt_${findingId}`, type: 'finding.created', occurredAt: new Date().toISOString(), data: { finding: { id: findingId, title: `Finding ${findingId}`, severity: 'high', category: 'sca', repository: { name: 'acme/shared' } } } }],
  });
  const response = await fetch(`${installation.url}/webtrigger/backline-events`, { method: 'POST', headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(SECRET, body) }, body });
  return { status: response.status, body: (await response.json()) as { results: Array<{ status: string; issues?: Array<{ key: string }> }> } };
}

let sim: JiraSimulatorServer;
let installations: Installation[] = [];

beforeAll(async () => {
  sim = await startJiraSimulatorServer(0);
  installations = await Promise.all([startInstallation(sim, 'alpha'), startInstallation(sim, 'beta')]);
}, 90_000);

afterAll(async () => {
  for (const installation of installations) {
    installation.child.kill();
    fs.rmSync(installation.stateDir, { recursive: true, force: true });
  }
  await sim?.close();
});

it('two installations write to one site, each with its own storage, and share its points pool', async () => {
  const [alpha, beta] = installations as [Installation, Installation];
  const a = await send(alpha, 'fnd_alpha_1');
  const b = await send(beta, 'fnd_beta_1');
  expect([a.body.results[0]?.status, b.body.results[0]?.status]).toEqual(['created', 'created']);
  const keys = [a.body.results[0]?.issues?.[0]?.key, b.body.results[0]?.issues?.[0]?.key];
  expect(new Set(keys).size).toBe(2);
  expect(sim.simulator.state.issues.size).toBe(2);
  // Each installation has its own storage: beta has no link for alpha's finding, so it looks the finding up in
  // Jira (the `backline` issue property) and finds alpha's issue instead of creating a second one.
  const crossed = await send(beta, 'fnd_alpha_1');
  expect(crossed.body.results[0]?.issues?.[0]?.key).toBe(keys[0]);
  expect(sim.simulator.state.issues.size).toBe(2);

  // The site's hourly pool runs dry for both at once: each answers 202 and keeps its event queued.
  await fetch(`${sim.url}/_sim/quota`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pointsPerHour: 1 }) });
  const refused = await Promise.all([send(alpha, 'fnd_alpha_2'), send(beta, 'fnd_beta_2')]);
  expect(refused.map((r) => [r.status, r.body.results[0]?.status])).toEqual([
    [202, 'queued'],
    [202, 'queued'],
  ]);
  expect(sim.simulator.state.issues.size).toBe(2);
}, 60_000);
