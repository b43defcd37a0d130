/**
 * Signs a request body the way Backline does (docs/events.md §2):
 * `X-Backline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + rawBody)>`.
 * Tests use it instead of pre-signed fixtures, so any body can be signed.
 * One implementation: the app's own (src/core/events/signature.ts).
 */
import { signPayload } from '../src/core/events/signature';

export const SIGNATURE_HEADER = 'X-Backline-Signature';

/** The header value for `body` signed with `secret` at `t` (Unix seconds; default now). */
export function sign(secret: string, body: string, t: number = Math.floor(Date.now() / 1000)): string {
  return signPayload(secret, body, t);
}
