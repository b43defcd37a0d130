/**
 * A stand-in for Backline's receiving end of outbound events
 * (docs/outbound.md), mounted by the local runtime:
 *
 *   POST /backline/_sim/receive/<any path>   where the app's egress to `*.backline.ai` lands
 *   GET  /backline/_sim/inbox                what arrived: `{ events: [{ receivedAt, path, signatureValid, eventId, type, event }] }`
 *   POST /backline/_sim/inbox/reset          empties the inbox and ends an outage
 *   POST /backline/_sim/outage               `{ "status": 503 }` answers that status from now on (0: back up)
 *
 * Each delivery is checked as Backline checks them: the `X-Backline-Signature`
 * header against the app's accepted signing secrets, with the code that checks
 * the app's own inbound events (src/core/events/signature.ts). A valid delivery
 * is answered 202, an invalid one 401 (and recorded, so tests can see it).
 */
import { SIGNATURE_HEADER, verifySignature } from '../../src/core/events/signature';

export const RECEIVE_PREFIX = '/backline/_sim/receive';

export interface InboxEntry {
  receivedAt: string;
  path: string;
  signatureValid: boolean;
  eventId: string | null;
  type: string | null;
  event: unknown;
}

export class BacklineReceiver {
  readonly inbox: InboxEntry[] = [];
  /** HTTP status answered while Backline is "down"; 0 = up. */
  outageStatus = 0;

  constructor(
    private readonly acceptedSecrets: () => Promise<string[]>,
    private readonly now: () => number = Date.now,
  ) {}

  async receive(path: string, headers: Record<string, string[]>, rawBody: string): Promise<{ status: number; body: unknown }> {
    if (this.outageStatus) return { status: this.outageStatus, body: { message: 'Backline stand-in: simulated outage' } };
    const signatureValid = verifySignature({ header: headers[SIGNATURE_HEADER]?.[0], rawBody, secrets: await this.acceptedSecrets(), nowMs: this.now() });
    let event: unknown = null;
    try {
      event = JSON.parse(rawBody);
    } catch {
      event = rawBody;
    }
    const field = (name: string): string | null =>
      event && typeof event === 'object' && name in event && typeof (event as Record<string, unknown>)[name] === 'string' ? String((event as Record<string, unknown>)[name]) : null;
    this.inbox.push({ receivedAt: new Date(this.now()).toISOString(), path, signatureValid, eventId: field('id'), type: field('type'), event });
    return signatureValid ? { status: 202, body: { accepted: true } } : { status: 401, body: { message: 'invalid signature' } };
  }

  reset(): void {
    this.inbox.length = 0;
    this.outageStatus = 0;
  }
}
