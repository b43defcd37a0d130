/**
 * The local host enforces Forge's function limits (docs/platform-limits.md
 * "Invocation limits"): each test fails if the limit is not enforced. A small
 * app of its own (slow and fast handlers) stands in for Backline, with the
 * timeouts scaled ×0.02 (55 s → 1.1 s) so the test runs in seconds, and a
 * movable clock for the per-minute invocation limits.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AppManifest } from '../../../dev/forge-host';
import { AppFunctions, FUNCTION_LIMITS, ForgeLimitError } from '../../../dev/runtime/functions';

const SCALE = 0.02;
let appDir: string;

beforeAll(() => {
  appDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-limits-'));
  // Each handler sleeps `ms` (from the web trigger body, the resolver payload or the event body), then answers.
  fs.writeFileSync(
    path.join(appDir, 'index.js'),
    `const sleep = async (ms) => { if (ms) await new Promise((r) => setTimeout(r, ms)); };
exports.web = async (request) => { await sleep(Number(request.body)); return { statusCode: 200, headers: {}, body: 'ok' }; };
exports.resolve = async ({ call }) => { await sleep(call.payload.ms); return call.payload.answer ?? 'ok'; };
exports.consume = async (event) => { await sleep(event.body.ms); };
`,
  );
});
afterAll(() => fs.rmSync(appDir, { recursive: true, force: true }));

function app(now: () => number = Date.now): AppFunctions {
  const fn = (key: string, handler: string, timeoutSeconds?: number) => [key, { key, handler, ...(timeoutSeconds ? { timeoutSeconds } : {}) }] as const;
  const manifest: AppManifest = {
    appId: 'ari:cloud:ecosystem::app/limits',
    functions: new Map([fn('web', 'index.web'), fn('resolver', 'index.resolve'), fn('short', 'index.consume'), fn('long', 'index.consume', 900)]),
    webtriggers: [{ key: 'hook', function: 'web' }],
    consumers: [
      { key: 'short-consumer', queue: 'q1', function: 'short' },
      { key: 'long-consumer', queue: 'q2', function: 'long' },
    ],
    scheduledTriggers: [],
    productTriggers: [],
    uiModules: [{ type: 'jira:adminPage', key: 'page', resolverFunction: 'resolver' }],
    entities: new Map(),
  };
  return new AppFunctions(manifest, appDir, { timeoutScale: SCALE, now });
}

const webRequest = (ms: number) => ({ method: 'POST', path: '/', userPath: '', headers: {}, body: String(ms), queryParameters: {} });
const resolve = (functions: AppFunctions, accountId: string, payload: Record<string, unknown> = {}) =>
  functions.resolve({ moduleKey: 'page', functionKey: 'get', payload, accountId, context: {} });
const event = (ms: number) => ({ body: { ms }, queueName: 'q', jobId: 'j', eventId: 'e' });
const timedOut = { name: 'FUNCTION_TIMEOUT', status: 504 };

test('a web trigger gets 55 s and a resolver 25 s: the same 800 ms (×0.02 = 40 s) passes one and stops the other', async () => {
  const functions = app();
  expect((await functions.webtrigger('hook', webRequest(800))).statusCode).toBe(200);
  await expect(resolve(functions, 'u1', { ms: 800 })).rejects.toMatchObject(timedOut);
  await expect(functions.webtrigger('hook', webRequest(1500))).rejects.toMatchObject(timedOut);
});

test('a consumer gets 55 s by default and its timeoutSeconds (≤ 900 s) when the manifest sets it', async () => {
  const functions = app();
  await expect(functions.consume('short-consumer', event(1500))).rejects.toMatchObject(timedOut);
  await expect(functions.consume('long-consumer', event(1500))).resolves.toBeUndefined();
});

test('a resolver answer over 5 MB is refused', async () => {
  const functions = app();
  const big = 'x'.repeat(FUNCTION_LIMITS.invokeResponseBytes);
  await expect(resolve(functions, 'u1', { answer: big })).rejects.toMatchObject({ name: 'PAYLOAD_TOO_LARGE', status: 413 });
  await expect(resolve(functions, 'u1', { answer: big.slice(0, 1024) })).resolves.toHaveLength(1024);
});

test('1,200 invocations a minute per user and 5,000 per installation, then 429 until the minute has passed', async () => {
  let t = Date.UTC(2026, 11, 3, 9, 0, 0);
  const functions = app(() => t);
  for (let i = 0; i < FUNCTION_LIMITS.invocationsPerUserPerMinute; i++) await resolve(functions, 'u1');
  const refused = await resolve(functions, 'u1').catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(ForgeLimitError);
  expect(refused).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
  await expect(resolve(functions, 'u2')).resolves.toBe('ok'); // another user still may

  // 1,200 + 1 so far; fill the installation's minute with other users, then everyone is refused.
  for (let i = 1201; i < FUNCTION_LIMITS.invocationsPerInstallationPerMinute; i++) await resolve(functions, `user-${i % 5}`);
  await expect(resolve(functions, 'u3')).rejects.toMatchObject({ status: 429 });
  await expect(functions.webtrigger('hook', webRequest(0))).rejects.toMatchObject({ status: 429 });

  t += 60_001;
  await expect(resolve(functions, 'u1')).resolves.toBe('ok');
}, 60_000);
