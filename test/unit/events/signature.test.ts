import { createHmac } from 'node:crypto';
import { computeSignature, parseSignatureHeader, signPayload, verifySignature } from '../../../src/core/events/signature';

const secret = 'whsec_test_secret';
const body = '{"id":"evt_1","type":"ping","occurredAt":"2026-11-28T10:00:00Z","data":{}}';
const t = 1_764_324_000; // 2026-11-28T10:00:00Z
const nowMs = t * 1000;

function verify(header: string | undefined, overrides: Partial<Parameters<typeof verifySignature>[0]> = {}): boolean {
  return verifySignature({ header, rawBody: body, secrets: [secret], nowMs, ...overrides });
}

describe('signPayload', () => {
  it('is HMAC-SHA256 over `${t}.${rawBody}` keyed by the secret, lowercase hex', () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signPayload(secret, body, t)).toBe(`t=${t},v1=${expected}`);
    expect(computeSignature(secret, body, t)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('signs the UTF-8 bytes of non-ASCII bodies and secrets', () => {
    const text = '{"title":"Überprüfung – 漏洞 🔒"}';
    const expected = createHmac('sha256', Buffer.from('sëcret', 'utf8')).update(Buffer.from(`${t}.${text}`, 'utf8')).digest('hex');
    expect(computeSignature('sëcret', text, t)).toBe(expected);
    expect(verifySignature({ header: signPayload('sëcret', text, t), rawBody: text, secrets: ['sëcret'], nowMs })).toBe(true);
  });
});

describe('verifySignature', () => {
  it('accepts a good signature', () => {
    expect(verify(signPayload(secret, body, t))).toBe(true);
  });

  it('rejects a missing or empty header', () => {
    expect(verify(undefined)).toBe(false);
    expect(verify('')).toBe(false);
  });

  it.each([
    ['no v1', `t=${t}`],
    ['no t', `v1=${computeSignature(secret, body, t)}`],
    ['t not a number', `t=abc,v1=${computeSignature(secret, body, t)}`],
    ['t negative', `t=-${t},v1=${computeSignature(secret, body, t)}`],
    ['t with fraction', `t=${t}.5,v1=${computeSignature(secret, body, t)}`],
    ['two t', `t=${t},t=${t},v1=${computeSignature(secret, body, t)}`],
    ['v1 not hex', `t=${t},v1=${'z'.repeat(64)}`],
    ['v1 too short', `t=${t},v1=${computeSignature(secret, body, t).slice(0, 63)}`],
    ['v1 too long', `t=${t},v1=${computeSignature(secret, body, t)}00`],
    ['garbage', 'Bearer abc'],
    ['part without =', `t=${t},v1`],
    ['huge header', `t=${t},v1=${computeSignature(secret, body, t)},x=${'a'.repeat(5000)}`],
  ])('rejects a malformed header (%s)', (_name, header) => {
    expect(verify(header)).toBe(false);
  });

  it('rejects a signature made with another secret', () => {
    expect(verify(signPayload('whsec_other', body, t))).toBe(false);
  });

  it('rejects when no secret is configured', () => {
    expect(verify(signPayload(secret, body, t), { secrets: [] })).toBe(false);
    expect(verify(signPayload('', body, t), { secrets: [''] })).toBe(false);
  });

  it('rejects a tampered body', () => {
    const header = signPayload(secret, body, t);
    expect(verify(header, { rawBody: body.replace('ping', 'pong') })).toBe(false);
    expect(verify(header, { rawBody: `${body} ` })).toBe(false);
  });

  it('rejects a signature whose t was changed after signing', () => {
    const v1 = computeSignature(secret, body, t);
    expect(verify(`t=${t + 1},v1=${v1}`)).toBe(false);
  });

  it('accepts up to 300 s of clock skew either way, and rejects beyond', () => {
    expect(verify(signPayload(secret, body, t - 300))).toBe(true);
    expect(verify(signPayload(secret, body, t + 300))).toBe(true);
    expect(verify(signPayload(secret, body, t - 301))).toBe(false); // expired (replay)
    expect(verify(signPayload(secret, body, t + 301))).toBe(false); // from the future
  });

  it('honours a custom tolerance', () => {
    expect(verify(signPayload(secret, body, t - 60), { toleranceSeconds: 30 })).toBe(false);
  });

  it('accepts when any of several v1 values matches, in any position', () => {
    const good = computeSignature(secret, body, t);
    const bad = computeSignature('whsec_old', body, t);
    expect(verify(`t=${t},v1=${bad},v1=${good}`)).toBe(true);
    expect(verify(`t=${t},v1=${good},v1=${bad}`)).toBe(true);
    expect(verify(`t=${t},v1=${bad},v1=${bad}`)).toBe(false);
  });

  it('matches any accepted secret (rotation)', () => {
    const header = signPayload('whsec_previous', body, t);
    expect(verify(header, { secrets: ['whsec_current', 'whsec_previous'] })).toBe(true);
    expect(verify(header, { secrets: ['whsec_current'] })).toBe(false);
  });

  it('ignores unknown schemes and whitespace around parts', () => {
    const good = computeSignature(secret, body, t);
    expect(verify(`t=${t}, v0=deadbeef, v1=${good}`)).toBe(true);
    expect(verify(`t=${t},v1=${good.toUpperCase()}`)).toBe(true);
  });
});

describe('parseSignatureHeader', () => {
  it('reads t and every v1', () => {
    const a = 'a'.repeat(64);
    const b = 'b'.repeat(64);
    expect(parseSignatureHeader(`t=${t},v1=${a},v1=${b}`)).toEqual({ timestamp: t, signatures: [a, b] });
  });
});
