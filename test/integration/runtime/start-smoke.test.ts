/**
 * `npm start` as a person runs it: a child process on a free port with its own
 * STATE_DIR, ready within 15 s, answering a signed ping on the web trigger and
 * serving the Jira simulator under /jira.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import { sign } from '../../../dev/sign';
import { REPO_ROOT, tempStateDir } from './helpers';

const SECRET = 'whsec_smoke_test_secret';
let child: ChildProcess | undefined;

afterEach(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    // npm does not pass signals on to tsx's node: stop the whole process group we started.
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function waitForLine(proc: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no ready line within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  });
}

it('starts, prints what a person needs, answers a signed ping and serves the simulator', async () => {
  const port = await freePort();
  child = spawn('npm', ['start', '--silent'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(port), STATE_DIR: tempStateDir(), BACKLINE_SIGNING_SECRET: SECRET, BACKLINE_SKIP_UI_BUILD: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so afterEach can stop npm, tsx and node together
  });
  const url = `http://localhost:${port}`;
  const output = await waitForLine(child, new RegExp(`Backline local runtime ready on ${url}`), 15_000);
  expect(output).toContain(`${url}/webtrigger/backline-events`);
  expect(output).toContain(SECRET);
  expect(output).toContain(`${url}/admin`);
  expect(output).toContain(`${url}/jira`);

  const body = JSON.stringify({ id: 'evt_smoke_ping', type: 'ping', occurredAt: new Date().toISOString(), data: {} });
  const ping = await fetch(`${url}/webtrigger/backline-events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-backline-signature': sign(SECRET, body) },
    body,
  });
  const answer = { status: ping.status, body: (await ping.json()) as unknown };
  expect(answer).toEqual({ status: 200, body: { results: [expect.objectContaining({ eventId: 'evt_smoke_ping', status: 'ok' })] } });

  const serverInfo = await fetch(`${url}/jira/rest/api/3/serverInfo`);
  expect(serverInfo.status).toBe(200);
  expect(((await serverInfo.json()) as { baseUrl: string }).baseUrl).toBe(`${url}/jira`);
}, 30_000);
