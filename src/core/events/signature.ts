/**
 * Request signing for the Backline → Jira web trigger (docs/events.md "Signing").
 *
 * Header: `X-Backline-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]`, where
 * each `v1` is HMAC-SHA256(key = secret's UTF-8 bytes, message = `${t}.${rawBody}`).
 *
 * The web trigger URL is public (Forge does not authenticate it), so this check
 * is the app's only gate: it runs on the raw body before anything is parsed or
 * stored, compares in constant time, and never says which part failed.
 * Modelled on stripe-node `Webhooks.ts` and octokit `verifyWithFallback`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-backline-signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A SHA-256 HMAC in lowercase hex is always 64 characters. */
const HEX_SHA256 = /^[0-9a-f]{64}$/;
/** Unix seconds: digits only (no sign, no exponent, no fraction), at most 12 of them. */
const UNIX_SECONDS = /^[0-9]{1,12}$/;
/** Headers larger than this are not signatures: refuse before any work. */
const MAX_HEADER_LENGTH = 4096;
/** More candidate signatures than this is not a rotation, it is an attempt to make us hash a lot. */
const MAX_SIGNATURES = 8;

export interface ParsedSignatureHeader {
  timestamp: number;
  signatures: string[];
}

/**
 * Parses `t=...,v1=...`; answers undefined when malformed. Unknown schemes
 * (`v0=`, a future `v2=`) are ignored, as Stripe does, so a sender can add a
 * new scheme before receivers know it.
 */
export function parseSignatureHeader(header: string | undefined): ParsedSignatureHeader | undefined {
  if (header === undefined || header.length === 0 || header.length > MAX_HEADER_LENGTH) return undefined;
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === 't') {
      if (timestamp !== undefined || !UNIX_SECONDS.test(value)) return undefined;
      timestamp = Number(value);
    } else if (name === 'v1') {
      // Uppercase hex is accepted: hex case carries no meaning, and the
      // comparison below is over the decoded bytes.
      const lower = value.toLowerCase();
      if (!HEX_SHA256.test(lower)) return undefined;
      signatures.push(lower);
    }
  }
  if (timestamp === undefined || signatures.length === 0 || signatures.length > MAX_SIGNATURES) return undefined;
  return { timestamp, signatures };
}

/** Lowercase hex HMAC-SHA256 of `${t}.${rawBody}` keyed by the secret's UTF-8 bytes. */
export function computeSignature(secret: string, rawBody: string, timestampSeconds: number): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${timestampSeconds}.${rawBody}`, 'utf8').digest('hex');
}

/**
 * The header value for a body, for tests and tools (the local `npm run send`
 * CLI and `dev/sign.ts` use this same implementation).
 */
export function signPayload(secret: string, rawBody: string, timestampSeconds: number): string {
  return `t=${timestampSeconds},v1=${computeSignature(secret, rawBody, timestampSeconds)}`;
}

export interface VerifySignatureInput {
  /** The `X-Backline-Signature` header value, or undefined when absent. */
  header: string | undefined;
  /** The body exactly as received. */
  rawBody: string;
  /** Every secret currently accepted (current first, then the previous one during a rotation). */
  secrets: string[];
  /** Milliseconds since the epoch. */
  nowMs: number;
  toleranceSeconds?: number;
}

/** True when the header is well formed, fresh, and any `v1` matches any accepted secret. */
export function verifySignature({
  header,
  rawBody,
  secrets,
  nowMs,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
}: VerifySignatureInput): boolean {
  const parsed = parseSignatureHeader(header);
  if (!parsed) return false;
  // Both directions: an old `t` is a replay, a future `t` would let a captured
  // request be replayed until that future time.
  if (Math.abs(nowMs / 1000 - parsed.timestamp) > toleranceSeconds) return false;

  const candidates = parsed.signatures.map((hex) => Buffer.from(hex, 'hex'));
  let matched = false;
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    const expected = Buffer.from(computeSignature(secret, rawBody, parsed.timestamp), 'hex');
    for (const candidate of candidates) {
      // timingSafeEqual throws on different lengths; the length is public (always 32 bytes here).
      // No early exit: every candidate is compared against every secret.
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) matched = true;
    }
  }
  return matched;
}
