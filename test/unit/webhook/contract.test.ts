/**
 * Contract test: the exported `webtrigger` handler from src/index.ts (the one
 * manifest.yml names), called with Forge-shaped requests (`headers` as arrays,
 * `body` a string), running through the real Forge adapters on the local
 * platform hook (dev/forge-host: `__forge_fetch__` → in-process KVS and secrets).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { installForgeHost, loadManifest, type ForgeHost } from '../../../dev/forge-host';
import { signPayload } from '../../../src/core/events/signature';
import { systemClock } from '../../../src/core/ports';
import { ensureSigningSecret } from '../../../src/core/secrets/signing-secret';
import { getLastEvent } from '../../../src/core/webhook/connection-status';
import { forgeKeyValueStore } from '../../../src/forge/adapters/kvs';
import { forgeSecretStore } from '../../../src/forge/adapters/secrets';
import { webtrigger } from '../../../src/index';
import { EXAMPLES } from '../events/examples';

const SECRET = 'whsec_contract_test';
let host: ForgeHost;
let stateDir: string;
let logged: jest.SpyInstance[];

beforeEach(async () => {
  // The Forge platform logger writes JSON lines to the console: keep them to check, out of the test output.
  logged = (['log', 'warn', 'error'] as const).map((level) => jest.spyOn(console, level).mockImplementation(() => undefined));
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-contract-'));
  host = installForgeHost({ stateDir, manifest: loadManifest(path.resolve(__dirname, '../../../manifest.yml')), reset: true });
  await ensureSigningSecret(forgeSecretStore(), systemClock, SECRET);
});

afterEach(() => {
  const lines = JSON.stringify(logged.flatMap((spy) => spy.mock.calls));
  expect(lines).not.toContain(SECRET);
  expect(lines).not.toContain('Prototype Pollution'); // no request body in logs
  for (const spy of logged) spy.mockRestore();
  host.close();
  fs.rmSync(stateDir, { recursive: true, force: true });
});

/** A request as Forge hands it to the function: lower-case header names, every value an array. */
function forgeRequest(body: string, headers: Record<string, string[]> = {}, method = 'POST') {
  return {
    method,
    path: '/',
    userPath: '',
    headers: { 'content-type': ['application/json'], 'user-agent': ['Backline/1.0'], ...headers },
    queryParameters: {},
    body,
  };
}

function signedRequest(body: unknown) {
  const text = JSON.stringify(body);
  return forgeRequest(text, { 'x-backline-signature': [signPayload(SECRET, text, Math.floor(Date.now() / 1000))] });
}

/** Forge turns anything but `{ statusCode, headers: {name: string[]}, body: string }` into a 500. */
function expectForgeShape(response: unknown): void {
  expect(response).toEqual({ statusCode: expect.any(Number), headers: expect.any(Object), body: expect.any(String) });
  const { headers } = response as { headers: Record<string, unknown> };
  for (const value of Object.values(headers)) expect(Array.isArray(value) && value.every((v) => typeof v === 'string')).toBe(true);
}

describe('webtrigger (src/index.ts) with Forge-shaped requests', () => {
  it('answers a signed ping with 200 ok and records the last event in Forge storage', async () => {
    const response = await webtrigger(signedRequest(EXAMPLES.ping()));
    expectForgeShape(response);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ results: [{ eventId: 'evt_ping_1', type: 'ping', status: 'ok' }] });
    expect(await getLastEvent(forgeKeyValueStore())).toMatchObject({ types: ['ping'], outcome: 'ok', httpStatus: 200 });
  });

  it('answers 401 to an unsigned request and stores nothing', async () => {
    const response = await webtrigger(forgeRequest(JSON.stringify(EXAMPLES['finding.created']())));
    expectForgeShape(response);
    expect(response.statusCode).toBe(401);
    expect(response.body).toBe('{"error":{"code":"UNAUTHORIZED","message":"invalid or missing signature"}}');
    expect(await getLastEvent(forgeKeyValueStore())).toBeUndefined();
  });

  it('answers 405 with Allow: POST', async () => {
    const response = await webtrigger(forgeRequest('', {}, 'GET'));
    expectForgeShape(response);
    expect([response.statusCode, response.headers.Allow]).toEqual([405, ['POST']]);
  });

  it('answers 400 with every problem for an invalid body', async () => {
    const body = EXAMPLES['finding.created']();
    body.data.finding.severity = 'urgent';
    const response = await webtrigger(signedRequest(body));
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).error.details).toEqual([
      { path: 'data.finding.severity', message: 'expected one of critical, high, medium, low, info' },
    ]);
  });

  it('answers 422 NOT_CONFIGURED for a finding before any project is connected', async () => {
    const response = await webtrigger(signedRequest(EXAMPLES['finding.created']()));
    expectForgeShape(response);
    expect(response.statusCode).toBe(422);
    expect(JSON.parse(response.body).error.code).toBe('NOT_CONFIGURED');
  });

  it('tolerates a request without headers or body (never a Forge 500)', async () => {
    const response = await webtrigger({ method: 'POST' });
    expectForgeShape(response);
    expect(response.statusCode).toBe(401);
  });
});
