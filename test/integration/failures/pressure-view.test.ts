/**
 * The admin page tells an admin about quota pressure in words: after Jira
 * said the hour's points are nearly spent, `connection/get` carries when they
 * reset and how many events wait, and the Connection tab shows it
 * (docs/performance.md "Under pressure").
 */
import { startLocalRuntime, type LocalRuntime } from '../../../dev/server';
import { SAMPLE_FINDING } from '../../../src/shared/backline-fields';
import type { ConnectionInfo } from '../../../src/shared/contracts/admin';
import { tempStateDir } from '../runtime/helpers';
import { invokeAs, sendSigned, simPost } from '../runtime/local-calls';

let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startLocalRuntime({ port: 0, stateDir: tempStateDir(), reset: true, quiet: true, housekeepingIntervalMs: 0 });
});
afterAll(() => runtime.close());

async function connection(): Promise<ConnectionInfo> {
  const answer = await invokeAs<ConnectionInfo>(runtime, 'connection/get', {});
  expect(answer.ok).toBe(true);
  return answer.data;
}

const send = (events: unknown[]) => sendSigned(runtime, { events });

const created = (id: string, severity: string) => ({ id: `evt-${id}`, occurredAt: new Date().toISOString(), type: 'finding.created', data: { finding: { ...SAMPLE_FINDING, id, severity, jira: { projectKey: 'SEC' } } } });

it('says nothing without pressure, and in words how many wait and when the points reset once Jira says they are nearly spent', async () => {
  expect((await send([created('fnd_pv_0', 'high')])).status).toBe(200);
  expect((await connection()).pressure).toBeUndefined();

  // Another app's work spends the shared pool: 40 points left of the hour, under 20 %.
  for (let i = 0; i < 200; i++) await fetch(`${runtime.url}/jira/rest/api/3/myself`);
  const stats = (await (await fetch(`${runtime.url}/jira/_sim/stats`)).json()) as { points: number };
  await simPost(runtime, 'quota', { pointsPerHour: stats.points + 40 });

  const sentAt = Date.now();
  // The delivery learns the pressure from its first Jira answer (a high finding resolved), then queues what can wait.
  const resolved = { id: 'evt-pv-resolved', occurredAt: new Date().toISOString(), type: 'finding.resolved', data: { finding: { ...SAMPLE_FINDING, id: 'fnd_pv_0', severity: 'high', jira: { projectKey: 'SEC' } }, reason: 'fixed' } };
  const response = await send([resolved, created('fnd_pv_1', 'high'), created('fnd_pv_2', 'low'), created('fnd_pv_3', 'medium'), created('fnd_pv_4', 'critical')]);
  expect(response.status).toBe(202);
  const answer = (await response.json()) as { results: Array<{ status: string }> };
  expect(answer.results.map((r) => r.status)).toEqual(['updated', 'created', 'queued', 'queued', 'created']);

  const pressure = (await connection()).pressure;
  expect(pressure).toMatchObject({ waiting: 2, more: false });
  expect(Date.parse(pressure?.resetAt ?? '')).toBeGreaterThan(sentAt);
});
