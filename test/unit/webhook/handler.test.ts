import fc from 'fast-check';
import { CodedError } from '../../../src/core/errors';
import type { BacklineEvent } from '../../../src/core/events/schema';
import { signPayload } from '../../../src/core/events/signature';
import type { EventResult } from '../../../src/core/results';
import { ensureSigningSecret, rotateSigningSecret, ROTATION_GRACE_MS } from '../../../src/core/secrets/signing-secret';
import { getLastEvent } from '../../../src/core/webhook/connection-status';
import {
  handleWebtrigger,
  MAX_BODY_BYTES,
  PROCESSING_BUDGET_MS,
  UNAUTHORIZED_BODY,
  type WebtriggerDeps,
  type WebtriggerRequest,
  type WebtriggerResponse,
} from '../../../src/core/webhook/handler';
import { makeTestPlatform, RecordingLogger, type TestPlatform } from '../../fakes';
import { EXAMPLES } from '../events/examples';

const SECRET = 'whsec_unit_test_secret';

interface Harness {
  platform: TestPlatform;
  logger: RecordingLogger;
  calls: Array<{ events: BacklineEvent[]; deadlineAt: number }>;
  deps: WebtriggerDeps;
  /** What the fake processor answers for an event (default: created). */
  answer: (event: BacklineEvent) => EventResult;
}

async function harness(options: { configured?: boolean } = {}): Promise<Harness> {
  const logger = new RecordingLogger();
  const platform = makeTestPlatform({ logger });
  await ensureSigningSecret(platform.secrets, platform.clock, SECRET);
  if (options.configured ?? true) await platform.store.set('config:project:SEC', { projectKey: 'SEC' });
  platform.store.resetStats();
  const h: Harness = {
    platform,
    logger,
    calls: [],
    answer: (event) => ({ eventId: event.id, type: event.type, status: 'created' }),
    deps: {
      platform,
      processEvents: async (events, { deadlineAt }) => {
        h.calls.push({ events, deadlineAt });
        return events.map((event) => h.answer(event));
      },
    },
  };
  return h;
}

function signed(h: Harness, body: string, headerName = 'X-Backline-Signature', secret = SECRET): WebtriggerRequest {
  const t = Math.floor(h.platform.clock.now() / 1000);
  return { method: 'POST', headers: { 'Content-Type': ['application/json'], [headerName]: [signPayload(secret, body, t)] }, body };
}

function header(response: WebtriggerResponse, name: string): string[] | undefined {
  return Object.entries(response.headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
}

function parse(response: WebtriggerResponse): any {
  expect(header(response, 'content-type')).toEqual(['application/json']);
  return JSON.parse(response.body);
}

async function send(h: Harness, body: unknown): Promise<WebtriggerResponse> {
  return handleWebtrigger(signed(h, JSON.stringify(body)), h.deps);
}

/** Everything the app has stored, to compare before and after a request. */
async function snapshot(platform: TestPlatform): Promise<unknown> {
  const keys = platform.store.keys();
  const values = await Promise.all(keys.map((key) => platform.store.get(key)));
  return { keys, values, secret: await platform.secrets.get('signing-secret'), pushed: platform.queue.pushes.length };
}

describe('web trigger: transport', () => {
  it('answers 405 with Allow: POST for other methods', async () => {
    const h = await harness();
    for (const method of ['GET', 'PUT', 'DELETE', 'OPTIONS']) {
      const response = await handleWebtrigger({ ...signed(h, '{}'), method }, h.deps);
      expect(response.statusCode).toBe(405);
      expect(header(response, 'allow')).toEqual(['POST']);
      expect(parse(response).error.code).toBe('METHOD_NOT_ALLOWED');
    }
  });

  it('answers 413 over 1 MiB, counting UTF-8 bytes, before checking the signature', async () => {
    const h = await harness();
    const ascii = 'a'.repeat(MAX_BODY_BYTES + 1);
    expect((await handleWebtrigger(signed(h, ascii), h.deps)).statusCode).toBe(413);
    // 600k characters, 1.2 MB in UTF-8:
    const wide = 'é'.repeat(600_000);
    const response = await handleWebtrigger({ method: 'POST', headers: {}, body: wide }, h.deps);
    expect(response.statusCode).toBe(413);
    expect(parse(response).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('accepts exactly 1 MiB (then judges the signature and content)', async () => {
    const h = await harness();
    const body = JSON.stringify({ ...EXAMPLES.ping(), pad: '' });
    const padded = body.replace('"pad":""', `"pad":"${'x'.repeat(MAX_BODY_BYTES - Buffer.byteLength(body))}"`);
    expect(Buffer.byteLength(padded)).toBe(MAX_BODY_BYTES);
    expect((await handleWebtrigger(signed(h, padded), h.deps)).statusCode).toBe(200);
  });
});

describe('web trigger: signature', () => {
  it('answers 401 with exactly the contract body when the header is missing', async () => {
    const h = await harness();
    const response = await handleWebtrigger({ method: 'POST', headers: {}, body: JSON.stringify(EXAMPLES.ping()) }, h.deps);
    expect(response.statusCode).toBe(401);
    expect(response.body).toBe('{"error":{"code":"UNAUTHORIZED","message":"invalid or missing signature"}}');
    expect(response.body).toBe(UNAUTHORIZED_BODY);
    expect(header(response, 'content-type')).toEqual(['application/json']);
  });

  it.each(['X-Backline-Signature', 'x-backline-signature', 'X-BACKLINE-SIGNATURE', 'x-Backline-signaTure'])('reads the header named %s', async (name) => {
    const h = await harness();
    expect((await handleWebtrigger(signed(h, JSON.stringify(EXAMPLES.ping()), name), h.deps)).statusCode).toBe(200);
  });

  it('answers the same 401 for a wrong secret, an expired timestamp and a tampered body', async () => {
    const h = await harness();
    const body = JSON.stringify(EXAMPLES.ping());
    const wrongSecret = signed(h, body, 'X-Backline-Signature', 'whsec_wrong');
    const t = Math.floor(h.platform.clock.now() / 1000) - 301;
    const expired = { method: 'POST', headers: { 'X-Backline-Signature': [signPayload(SECRET, body, t)] }, body };
    const tampered = { ...signed(h, body), body: body.replace('evt_ping_1', 'evt_ping_2') };
    for (const request of [wrongSecret, expired, tampered]) {
      const response = await handleWebtrigger(request, h.deps);
      expect([response.statusCode, response.body]).toEqual([401, UNAUTHORIZED_BODY]);
    }
  });

  it('checks the signature before parsing: unsigned junk is 401, not 400', async () => {
    const h = await harness();
    const response = await handleWebtrigger({ method: 'POST', headers: {}, body: '{not json' }, h.deps);
    expect(response.statusCode).toBe(401);
  });

  it('answers 401 to everything while no signing secret exists', async () => {
    const h = await harness();
    await h.platform.secrets.delete('signing-secret');
    expect((await send(h, EXAMPLES.ping())).statusCode).toBe(401);
  });

  it('accepts the previous secret for 24 hours after a rotation, then refuses it', async () => {
    const h = await harness();
    await rotateSigningSecret(h.platform.secrets, h.platform.clock);
    const body = JSON.stringify(EXAMPLES.ping());
    expect((await handleWebtrigger(signed(h, body), h.deps)).statusCode).toBe(200);
    h.platform.clock.advance(ROTATION_GRACE_MS + 1000);
    expect((await handleWebtrigger(signed(h, body), h.deps)).statusCode).toBe(401);
  });
});

describe('web trigger: body', () => {
  it('answers 400 INVALID_JSON for malformed JSON, without echoing it', async () => {
    const h = await harness();
    for (const body of ['{"id":', '', 'undefined', "{'a':1}"]) {
      const response = await handleWebtrigger(signed(h, body), h.deps);
      expect(response.statusCode).toBe(400);
      expect(parse(response)).toEqual({ error: { code: 'INVALID_JSON', message: 'the request body is not valid JSON' } });
    }
  });

  it('answers 400 INVALID_EVENT listing every problem, and applies nothing', async () => {
    const h = await harness();
    const bad = EXAMPLES['finding.created']();
    (bad.data).finding.severity = 'urgent';
    delete (bad.data).finding.title;
    const response = await send(h, { events: [EXAMPLES['finding.created'](), bad] });
    expect(response.statusCode).toBe(400);
    expect(parse(response)).toEqual({
      error: {
        code: 'INVALID_EVENT',
        message: '2 problems in the request body',
        details: [
          { path: 'events[1].data.finding.title', message: 'required' },
          { path: 'events[1].data.finding.severity', message: 'expected one of critical, high, medium, low, info' },
        ],
      },
    });
    expect(h.calls).toHaveLength(0);
  });

  it('says "1 problem" in the singular', async () => {
    const h = await harness();
    const response = await send(h, { ...EXAMPLES.ping(), type: 'finding.deleted' });
    expect(parse(response).error.message).toBe('1 problem in the request body');
    expect(parse(response).error.details[0].message).toContain('unknown event type "finding.deleted"');
  });

  it('answers 400 (not a crash) to a deeply nested body', async () => {
    const h = await harness();
    const body = `{"id":"e","type":"finding.created","occurredAt":"2026-11-28T10:00:00Z","data":{"finding":{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}}`;
    const response = await handleWebtrigger(signed(h, body), h.deps);
    expect(response.statusCode).toBe(400);
    expect(parse(response).error.details[0].message).toContain('nested deeper than');
  });
});

describe('web trigger: configuration', () => {
  it('answers 422 NOT_CONFIGURED for work when no project is connected', async () => {
    const h = await harness({ configured: false });
    const response = await send(h, EXAMPLES['finding.created']());
    expect(response.statusCode).toBe(422);
    expect(parse(response).error.code).toBe('NOT_CONFIGURED');
    expect(h.calls).toHaveLength(0);
  });

  it('answers ping and issue.lookup before any project is connected', async () => {
    const h = await harness({ configured: false });
    expect((await send(h, EXAMPLES.ping())).statusCode).toBe(200);
    h.answer = (event) => ({ eventId: event.id, type: event.type, status: 'ok', issues: [] });
    expect((await send(h, EXAMPLES['issue.lookup']())).statusCode).toBe(200);
    expect((await send(h, { events: [EXAMPLES.ping(), EXAMPLES['finding.created']()] })).statusCode).toBe(422);
  });

  it('uses the injected project check when given', async () => {
    const h = await harness({ configured: true });
    const response = await handleWebtrigger(signed(h, JSON.stringify(EXAMPLES['finding.created']())), { ...h.deps, hasAnyProject: async () => false });
    expect(response.statusCode).toBe(422);
  });
});

describe('web trigger: results and status codes', () => {
  it('answers ping itself with ok, without the processor', async () => {
    const h = await harness();
    const response = await send(h, EXAMPLES.ping());
    expect(response.statusCode).toBe(200);
    expect(parse(response)).toEqual({ results: [{ eventId: 'evt_ping_1', type: 'ping', status: 'ok' }] });
    expect(h.calls).toHaveLength(0);
  });

  it('keeps request order when pings are mixed into a batch', async () => {
    const h = await harness();
    const events = [EXAMPLES['finding.created'](), { ...EXAMPLES.ping(), id: 'p1' }, EXAMPLES['finding.updated']()];
    const body = parse(await send(h, { events }));
    expect(body.results.map((r: EventResult) => [r.eventId, r.status])).toEqual([
      ['evt_7f3a', 'created'],
      ['p1', 'ok'],
      ['evt_7f3c', 'created'],
    ]);
    expect(h.calls[0]?.events.map((e) => e.id)).toEqual(['evt_7f3a', 'evt_7f3c']);
  });

  it('gives the processor a deadline 25 s from now', async () => {
    const h = await harness();
    await send(h, EXAMPLES['finding.created']());
    expect(h.calls[0]?.deadlineAt).toBe(h.platform.clock.now() + PROCESSING_BUDGET_MS);
    expect(PROCESSING_BUDGET_MS).toBeLessThan(55_000);
  });

  it('answers 200 when every result is final, including non-retryable failures', async () => {
    const h = await harness();
    h.answer = (event) =>
      event.type === 'finding.updated'
        ? { eventId: event.id, type: event.type, status: 'failed', error: { code: 'NO_ROUTE', message: 'no project', retryable: false } }
        : { eventId: event.id, type: event.type, status: 'duplicate' };
    const response = await send(h, { events: [EXAMPLES['finding.created'](), EXAMPLES['finding.updated']()] });
    expect(response.statusCode).toBe(200);
    expect(parse(response).results[1].error.code).toBe('NO_ROUTE');
  });

  it('answers 202 when any result is queued', async () => {
    const h = await harness();
    h.answer = (event) => ({ eventId: event.id, type: event.type, status: event.type === 'finding.updated' ? 'queued' : 'created' });
    const response = await send(h, { events: [EXAMPLES['finding.created'](), EXAMPLES['finding.updated']()] });
    expect(response.statusCode).toBe(202);
    expect(parse(response).results.map((r: EventResult) => r.status)).toEqual(['created', 'queued']);
  });

  it('answers 503 with Retry-After when a retryable failure could not be queued', async () => {
    const h = await harness();
    h.answer = (event) => ({ eventId: event.id, type: event.type, status: 'failed', error: { code: 'JIRA_UNAVAILABLE', message: 'Jira 503', retryable: true } });
    const response = await send(h, EXAMPLES['finding.created']());
    expect(response.statusCode).toBe(503);
    expect(Number(header(response, 'retry-after')?.[0])).toBeGreaterThan(0);
    expect(parse(response).results[0].error.code).toBe('JIRA_UNAVAILABLE');
  });

  it('answers 503 (never 500) when the processor throws, without leaking the error', async () => {
    const h = await harness();
    h.deps.processEvents = async () => {
      throw new TypeError('cannot read properties of undefined (secret internals)');
    };
    const response = await send(h, EXAMPLES['finding.created']());
    expect(response.statusCode).toBe(503);
    expect(header(response, 'retry-after')).toBeDefined();
    expect(response.body).not.toContain('secret internals');
    expect(parse(response).error).toMatchObject({ code: 'INTERNAL', retryable: true });
  });

  it('passes a retryable coded error through as 503 with its code', async () => {
    const h = await harness();
    h.deps.processEvents = async () => {
      throw new CodedError('STORAGE_UNAVAILABLE', 'storage is unavailable', { retryable: true });
    };
    expect(parse(await send(h, EXAMPLES['finding.created']())).error.code).toBe('STORAGE_UNAVAILABLE');
  });

  it('answers 503 when the secret store is unavailable', async () => {
    const h = await harness();
    h.platform.secrets.get = async () => {
      throw new Error('secret store down');
    };
    const response = await send(h, EXAMPLES.ping());
    expect(response.statusCode).toBe(503);
  });

  it('answers 503 when the processor breaks its contract (wrong number of results)', async () => {
    const h = await harness();
    h.deps.processEvents = async () => [];
    expect((await send(h, EXAMPLES['finding.created']())).statusCode).toBe(503);
  });
});

describe('web trigger: last event received', () => {
  it('records time, types and outcome with one write per request', async () => {
    const h = await harness();
    h.platform.clock.advance(5000);
    h.answer = (event) => ({ eventId: event.id, type: event.type, status: event.type === 'finding.updated' ? 'queued' : 'created' });
    await send(h, { events: [EXAMPLES['finding.created'](), EXAMPLES['finding.updated'](), { ...EXAMPLES['finding.created'](), id: 'x2' }] });
    expect(h.platform.store.stats.writes).toBe(1);
    expect(await getLastEvent(h.platform.store)).toEqual({
      at: h.platform.clock.now(),
      types: ['finding.created', 'finding.updated'],
      eventCount: 3,
      httpStatus: 202,
      outcome: 'queued',
      statusCounts: { created: 2, queued: 1 },
    });
  });

  it('records a ping and a 422', async () => {
    const h = await harness({ configured: false });
    await send(h, EXAMPLES.ping());
    expect(await getLastEvent(h.platform.store)).toMatchObject({ types: ['ping'], outcome: 'ok', httpStatus: 200 });
    await send(h, EXAMPLES['finding.created']());
    expect(await getLastEvent(h.platform.store)).toMatchObject({ types: ['finding.created'], outcome: 'not_configured', httpStatus: 422 });
  });

  it('never fails the request when recording fails', async () => {
    const h = await harness();
    h.platform.store.failNext(1, { kind: 'write' });
    expect((await send(h, EXAMPLES.ping())).statusCode).toBe(200);
  });
});

describe('web trigger: bad input', () => {
  const badRequests: Array<[string, (h: Harness) => WebtriggerRequest]> = [
    ['GET', (h) => ({ ...signed(h, JSON.stringify(EXAMPLES.ping())), method: 'GET' })],
    ['too large', (h) => signed(h, 'x'.repeat(MAX_BODY_BYTES + 10))],
    ['unsigned', () => ({ method: 'POST', headers: {}, body: JSON.stringify(EXAMPLES['finding.created']()) })],
    ['wrong secret', (h) => signed(h, JSON.stringify(EXAMPLES['finding.created']()), 'x-backline-signature', 'whsec_nope')],
    ['invalid JSON', (h) => signed(h, '{"events":[')],
    ['invalid event', (h) => signed(h, JSON.stringify({ ...EXAMPLES['finding.created'](), occurredAt: 'soon' }))],
    ['null body', () => ({ method: 'POST', headers: {}, body: null })],
  ];

  it.each(badRequests)('%s: changes no stored state and reaches no processor', async (_name, make) => {
    const h = await harness();
    const before = await snapshot(h.platform);
    const response = await handleWebtrigger(make(h), h.deps);
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    expect(await snapshot(h.platform)).toEqual(before);
    expect(h.platform.store.stats.writes).toBe(0);
    expect(h.calls).toHaveLength(0);
  });

  it('answers every request as the contract says, never 5xx, and never writes for a refusal (property)', async () => {
    const h = await harness();
    const before = await snapshot(h.platform);
    const jsonish = fc.oneof(
      fc.string(),
      fc.json(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.record({ id: fc.string(), type: fc.constantFrom('ping', 'finding.created', 'nope'), occurredAt: fc.string(), data: fc.jsonValue() }).map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(jsonish, fc.boolean(), fc.constantFrom('POST', 'GET', 'post'), async (body, sign, method) => {
        const request = sign ? { ...signed(h, body), method } : { method, headers: { 'x-backline-signature': ['t=1,v1=00'] }, body };
        const callsBefore = h.calls.length;
        const response = await handleWebtrigger(request, h.deps);
        const answer: { error?: { code?: string }; results?: unknown[] } = JSON.parse(response.body);
        // The processor here always succeeds, so the only answers are the contract's: 405, 401,
        // 200 with one result per event, or 400 for a body that is not JSON or not an event.
        // A 5xx (the handler's catch-all 503 included) means an input reached code that threw.
        if (method === 'GET') expect([response.statusCode, answer.error?.code]).toEqual([405, 'METHOD_NOT_ALLOWED']);
        else if (!sign) expect(response.statusCode).toBe(401);
        else if (response.statusCode === 200) {
          expect(h.calls).toHaveLength(callsBefore + 1);
          expect(answer.results).toHaveLength(h.calls[callsBefore]?.events.length ?? -1);
        } else {
          expect(response.statusCode).toBe(400);
          expect(['INVALID_JSON', 'INVALID_EVENT']).toContain(answer.error?.code);
        }
        if (response.statusCode >= 400) {
          expect(h.calls).toHaveLength(callsBefore);
          expect(h.platform.store.stats.writes).toBe(0);
        } else h.platform.store.resetStats();
      }),
      { numRuns: 300 },
    );
    // Accepted requests may record "last event"; nothing else changes.
    const after = (await snapshot(h.platform)) as { keys: string[] };
    expect(after.keys.filter((key) => key !== 'webhook:last-event')).toEqual((before as { keys: string[] }).keys);
  });

  it('never logs the secret, the signature or the body', async () => {
    const h = await harness();
    const body = JSON.stringify({ ...EXAMPLES['finding.created'](), occurredAt: 'soon' });
    const request = signed(h, body);
    await handleWebtrigger(request, h.deps);
    await handleWebtrigger({ ...request, body: `${body} ` }, h.deps);
    await send(h, EXAMPLES['finding.created']());
    const logged = JSON.stringify(h.logger.entries);
    expect(logged).not.toContain(SECRET);
    expect(logged).not.toContain(request.headers['X-Backline-Signature']?.[0]?.slice(-64));
    expect(logged).not.toContain('Prototype Pollution');
  });
});
