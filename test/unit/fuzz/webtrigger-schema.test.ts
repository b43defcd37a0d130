/**
 * Fuzzing the event schema through the web trigger handler: arbitrary JSON,
 * correctly signed, gets only 400-class answers (never a 500 or 503), and
 * never reaches the processor or changes stored state. Valid events mutated
 * at random paths (including `__proto__`/`constructor` keys) behave the same.
 */
import fc from 'fast-check';
import { signPayload } from '../../../src/core/events/signature';
import { handleWebtrigger } from '../../../src/core/webhook/handler';
import { validateRequestBody } from '../../../src/core/events/validate';
import { ensureSigningSecret } from '../../../src/core/secrets/signing-secret';
import type { BacklineEvent } from '../../../src/core/events/schema';
import type { EventResult } from '../../../src/core/results';
import { makeTestPlatform } from '../../fakes';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
const runs = (numRuns: number) => ({ numRuns, ...(seed !== undefined ? { seed } : {}) });
const SECRET = 'whsec_fuzz_schema_0123456789';

async function setup(accept = false) {
  const platform = makeTestPlatform();
  await ensureSigningSecret(platform.secrets, platform.clock, SECRET);
  await platform.store.set('config:project:SEC', { projectKey: 'SEC' });
  let processed = 0;
  const deps = {
    platform,
    hasAnyProject: async () => true,
    processEvents: async (events: BacklineEvent[]): Promise<EventResult[]> => {
      processed++;
      if (!accept) throw new Error('the processor must not be reached with an invalid body');
      return events.map((e) => ({ eventId: e.id, type: e.type, status: 'unchanged' }));
    },
  };
  const call = (raw: string) =>
    handleWebtrigger({ method: 'POST', headers: { 'X-Backline-Signature': [signPayload(SECRET, raw, Math.floor(platform.clock.now() / 1000))] }, body: raw }, deps);
  return { platform, call, processed: () => processed };
}

const valid = {
  id: 'evt_1',
  type: 'finding.created',
  occurredAt: '2026-11-28T10:00:00Z',
  data: { finding: { id: 'fnd_1', title: 'T', severity: 'high' } },
};

function storeKeys(platform: ReturnType<typeof makeTestPlatform>): Promise<string[]> {
  return platform.store.list<unknown>('', { limit: 100 }).then((page) => page.items.map((i) => i.key).filter((k) => !k.startsWith('webtrigger:') && !k.startsWith('connection:')));
}

test('arbitrary JSON: a 400, never a 5xx, never processed, nothing stored', async () => {
  const { platform, call, processed } = await setup();
  const before = await storeKeys(platform);
  await fc.assert(
    fc.asyncProperty(fc.jsonValue({ maxDepth: 6 }), async (value) => {
      const raw = JSON.stringify(value) ?? 'null';
      const response = await call(raw);
      if (validateRequestBody(JSON.parse(raw)).ok) return; // astronomically rare: a valid event
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body)).toMatchObject({ error: { code: expect.stringMatching(/^INVALID_(EVENT|JSON)$/) } });
    }),
    runs(400),
  );
  expect(processed()).toBe(0);
  expect(await storeKeys(platform)).toEqual(before);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

test('not JSON at all: INVALID_JSON', async () => {
  const { call } = await setup();
  await fc.assert(
    fc.asyncProperty(fc.string({ maxLength: 200 }), async (raw) => {
      let json = true;
      try {
        JSON.parse(raw);
      } catch {
        json = false;
      }
      fc.pre(!json);
      const response = await call(raw);
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body).error.code).toBe('INVALID_JSON');
    }),
    runs(300),
  );
});

const dangerousKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'polluted', 'id', 'type', 'data', 'finding', 'severity', 'events');
const junk = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant({ polluted: true }), fc.constant({ prototype: { polluted: true } }));

test('a valid event with random paths replaced or added (prototype keys included): 400 or accepted, never 5xx, no pollution', async () => {
  const { call } = await setup(true);
  await fc.assert(
    fc.asyncProperty(fc.array(dangerousKey, { minLength: 1, maxLength: 4 }), junk, fc.boolean(), async (path, value, batch) => {
      // Build the JSON text by hand so `__proto__` is a real own key, as a hostile sender would send it.
      const base = JSON.parse(JSON.stringify(valid)) as Record<string, unknown>;
      let raw = JSON.stringify(batch ? { events: [base] } : base);
      const injected = path.reduceRight<string>((inner, key) => `{${JSON.stringify(key)}:${inner}}`, JSON.stringify(value));
      raw = raw.replace(/^\{/, `{"x":${injected},`).replace('"finding":{', `"finding":{"extra":${injected},`);
      const response = await call(raw);
      expect(response.statusCode).toBeLessThan(500);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    }),
    runs(300),
  );
});
