/** The Connection card's services: the web trigger, the signing secret and the last event received. */
import { rotateSigningSecret, signingSecretStatus } from '../secrets/signing-secret';
import { getLastEvent, type LastEvent } from '../webhook/connection-status';
import type { ConnectionInfo, LastEventSummary } from '../../shared/contracts/admin';
import type { AdminServices } from './context';
import { readPressure } from '../sync/pressure-state';

function summariseLastEvent(event: LastEvent): LastEventSummary {
  const counts = event.statusCounts ? Object.entries(event.statusCounts).map(([status, n]) => `${n} ${status}`) : [];
  const message = `${event.eventCount} event${event.eventCount === 1 ? '' : 's'}, HTTP ${event.httpStatus}${counts.length ? ` (${counts.join(', ')})` : ''}`;
  return {
    at: new Date(event.at).toISOString(),
    ...(event.types.length ? { type: event.types.join(', ') } : {}),
    outcome: event.outcome,
    message,
  };
}

export const connectionServices: Pick<AdminServices, 'connection/get' | 'secret/rotate'> = {
  async 'connection/get'(ctx): Promise<ConnectionInfo> {
    const [status, last, url, pressure] = await Promise.all([
      signingSecretStatus(ctx.platform.secrets, ctx.platform.clock),
      getLastEvent(ctx.platform.store),
      ctx.env.webTriggerUrl(),
      readPressure(ctx.platform.store, ctx.platform.clock.now()),
    ]);
    return {
      webTriggerUrl: url,
      secret: {
        configured: status.exists,
        ...(status.rotatedAt !== undefined ? { createdAt: new Date(status.rotatedAt).toISOString() } : {}),
        ...(status.previousValidUntil !== undefined ? { previousValidUntil: new Date(status.previousValidUntil).toISOString() } : {}),
      },
      lastEvent: last ? summariseLastEvent(last) : null,
      ...(pressure ? { pressure: { resetAt: new Date(pressure.resetAt).toISOString(), waiting: pressure.waiting, more: pressure.more } } : {}),
    };
  },

  async 'secret/rotate'(ctx) {
    const secret = await rotateSigningSecret(ctx.platform.secrets, ctx.platform.clock);
    const status = await signingSecretStatus(ctx.platform.secrets, ctx.platform.clock);
    ctx.platform.logger.info('signing secret rotated', { by: ctx.caller.accountId });
    return {
      secret,
      createdAt: new Date(status.rotatedAt ?? ctx.platform.clock.now()).toISOString(),
      ...(status.previousValidUntil !== undefined ? { previousValidUntil: new Date(status.previousValidUntil).toISOString() } : {}),
    };
  },
};
