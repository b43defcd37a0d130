/**
 * Several installations of the app on one Jira site: `npm run sim` serves one
 * simulator over HTTP, and each `npm start` (its own PORT and STATE_DIR) uses
 * it in real-Jira mode. Both installations' issues land in the one site, each
 * keeps its own storage, and the site's hourly points pool is theirs together:
 * when it is spent, both are refused, and each queues its event instead of
 * losing it.
 */
import * as fs from 'node:fs';
import { startInstallation, type Installation } from '../../../dev/installation';
import { startJiraSimulatorServer, type JiraSimulatorServer } from '../../../dev/jira-sim/server';
import { sign, SIGNATURE_HEADER } from '../../../dev/sign';

const SECRET = 'whsec_installations_test_0123456789abcdef';

const startOne = (sim: JiraSimulatorServer, name: string): Promise<Installation> => startInstallation(name, { jiraBaseUrl: sim.url, signingSecret: SECRET });

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
  installations = await Promise.all([startOne(sim, 'alpha'), startOne(sim, 'beta')]);
}, 90_000);

afterAll(async () => {
  // A killed runtime may still be writing its state files: remove them once it has exited.
  await Promise.all(
    installations.map(async ({ child, stateDir }) => {
      const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
      fs.rmSync(stateDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    }),
  );
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
