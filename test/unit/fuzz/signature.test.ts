/**
 * Fuzzing the web trigger's only gate (src/core/events/signature.ts): it never
 * throws, whatever the header, and only the exact signature of the exact body
 * at a fresh time verifies. fast-check prints the seed and the shrunk
 * counterexample on failure; rerun with FC_SEED=<seed>.
 */
import fc from 'fast-check';
import { computeSignature, parseSignatureHeader, signPayload, verifySignature } from '../../../src/core/events/signature';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
const runs = (numRuns: number) => ({ numRuns, ...(seed !== undefined ? { seed } : {}) });
const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const T = Math.floor(NOW / 1000);
const SECRET = 'whsec_fuzz_0123456789abcdef';

const headerish = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.array(fc.oneof(fc.constant('t='), fc.constant('v1='), fc.constant('v0='), fc.constant(','), fc.constant('='), fc.stringMatching(/^[0-9a-f]{0,70}$/), fc.string({ maxLength: 10 })), { maxLength: 30 }).map((parts) => parts.join('')),
);

test('never throws on any header and body; random headers never verify', () => {
  fc.assert(
    fc.property(fc.option(headerish, { nil: undefined }), fc.string({ maxLength: 500 }), (header, body) => {
      expect(() => parseSignatureHeader(header)).not.toThrow();
      expect(verifySignature({ header, rawBody: body, secrets: [SECRET], nowMs: NOW })).toBe(false);
    }),
    runs(500),
  );
});

test('the exact signature verifies; any change of body, secret, time or one hex digit does not', () => {
  fc.assert(
    fc.property(
      fc.string({ maxLength: 400 }),
      fc.string({ maxLength: 400 }),
      fc.integer({ min: -300, max: 300 }),
      fc.integer({ min: 0, max: 63 }),
      (body, other, skew, digit) => {
        const t = T + skew;
        const header = signPayload(SECRET, body, t);
        expect(verifySignature({ header, rawBody: body, secrets: [SECRET], nowMs: NOW })).toBe(true);
        if (other !== body) expect(verifySignature({ header, rawBody: other, secrets: [SECRET], nowMs: NOW })).toBe(false);
        expect(verifySignature({ header, rawBody: body, secrets: [`${SECRET}x`], nowMs: NOW })).toBe(false);
        // Re-timed: the same v1 under another t.
        expect(verifySignature({ header: header.replace(`t=${t}`, `t=${t + 1}`), rawBody: body, secrets: [SECRET], nowMs: NOW })).toBe(false);
        const hex = computeSignature(SECRET, body, t);
        const flipped = hex.slice(0, digit) + ((parseInt(hex[digit], 16) + 1) % 16).toString(16) + hex.slice(digit + 1);
        expect(verifySignature({ header: `t=${t},v1=${flipped}`, rawBody: body, secrets: [SECRET], nowMs: NOW })).toBe(false);
      },
    ),
    runs(300),
  );
});

test('outside the 300 s window nothing verifies, even with the right secret', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), fc.integer({ min: 301, max: 10 ** 7 }), fc.boolean(), (body, age, future) => {
      const t = future ? T + age : T - age;
      expect(verifySignature({ header: signPayload(SECRET, body, t), rawBody: body, secrets: [SECRET], nowMs: NOW })).toBe(false);
    }),
    runs(300),
  );
});
