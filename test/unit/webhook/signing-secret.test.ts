import { signPayload, verifySignature } from '../../../src/core/events/signature';
import {
  acceptedSigningSecrets,
  ensureSigningSecret,
  pruneExpiredSecret,
  rotateSigningSecret,
  ROTATION_GRACE_MS,
  SIGNING_SECRET_KEY,
  signingSecretStatus,
} from '../../../src/core/secrets/signing-secret';
import { FakeClock, MemorySecrets } from '../../fakes';

const HOUR = 60 * 60 * 1000;

function setup() {
  return { secrets: new MemorySecrets(), clock: new FakeClock() };
}

describe('signing secret', () => {
  it('is generated once, on first use, as whsec_ + 32 random bytes (base64url)', async () => {
    const { secrets, clock } = setup();
    const first = await ensureSigningSecret(secrets, clock);
    expect(first).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(await ensureSigningSecret(secrets, clock)).toBe(first);
    expect(await ensureSigningSecret(new MemorySecrets(), clock)).not.toBe(first);
  });

  it('uses a provided secret (local runtime BACKLINE_SIGNING_SECRET)', async () => {
    const { secrets, clock } = setup();
    await ensureSigningSecret(secrets, clock);
    expect(await ensureSigningSecret(secrets, clock, 'whsec_local')).toBe('whsec_local');
    expect(await acceptedSigningSecrets(secrets, clock)).toEqual(['whsec_local']);
  });

  it('is stored as JSON under one secret-store key', async () => {
    const { secrets, clock } = setup();
    const current = await ensureSigningSecret(secrets, clock);
    expect(JSON.parse((await secrets.get(SIGNING_SECRET_KEY)) ?? '')).toEqual({ current, rotatedAt: clock.now() });
  });

  it('accepts nothing before one exists', async () => {
    const { secrets, clock } = setup();
    expect(await acceptedSigningSecrets(secrets, clock)).toEqual([]);
    expect(await signingSecretStatus(secrets, clock)).toEqual({ exists: false });
  });

  it('treats a bare string stored by hand as the current secret', async () => {
    const secrets = new MemorySecrets({ [SIGNING_SECRET_KEY]: 'whsec_manual' });
    expect(await acceptedSigningSecrets(secrets, new FakeClock())).toEqual(['whsec_manual']);
  });

  describe('rotation', () => {
    it('keeps the previous secret valid for 24 hours, then only the new one', async () => {
      const { secrets, clock } = setup();
      const old = await ensureSigningSecret(secrets, clock);
      const fresh = await rotateSigningSecret(secrets, clock);
      expect(fresh).not.toBe(old);
      expect(await acceptedSigningSecrets(secrets, clock)).toEqual([fresh, old]);

      const body = '{"id":"e","type":"ping","occurredAt":"2026-11-28T10:00:00Z","data":{}}';
      const verifyWith = async (secret: string) => {
        const t = Math.floor(clock.now() / 1000);
        return verifySignature({ header: signPayload(secret, body, t), rawBody: body, secrets: await acceptedSigningSecrets(secrets, clock), nowMs: clock.now() });
      };

      clock.advance(ROTATION_GRACE_MS - 1);
      expect(await verifyWith(old)).toBe(true); // inside the window
      expect(await verifyWith(fresh)).toBe(true);

      clock.advance(1);
      expect(await verifyWith(old)).toBe(false); // window over
      expect(await verifyWith(fresh)).toBe(true);
    });

    it('reports status without revealing the secret', async () => {
      const { secrets, clock } = setup();
      const old = await ensureSigningSecret(secrets, clock);
      clock.advance(HOUR);
      const fresh = await rotateSigningSecret(secrets, clock);
      const status = await signingSecretStatus(secrets, clock);
      expect(status).toEqual({ exists: true, rotatedAt: clock.now(), previousValidUntil: clock.now() + ROTATION_GRACE_MS });
      expect(JSON.stringify(status)).not.toContain(old);
      expect(JSON.stringify(status)).not.toContain(fresh);
      clock.advance(ROTATION_GRACE_MS);
      expect(await signingSecretStatus(secrets, clock)).toEqual({ exists: true, rotatedAt: clock.now() - ROTATION_GRACE_MS });
    });

    it('rotating twice ends the grace of the oldest secret', async () => {
      const { secrets, clock } = setup();
      const first = await ensureSigningSecret(secrets, clock);
      const second = await rotateSigningSecret(secrets, clock);
      const third = await rotateSigningSecret(secrets, clock);
      expect(await acceptedSigningSecrets(secrets, clock)).toEqual([third, second]);
      expect(await acceptedSigningSecrets(secrets, clock)).not.toContain(first);
    });

    it('creates a secret when rotating before one exists', async () => {
      const { secrets, clock } = setup();
      const fresh = await rotateSigningSecret(secrets, clock);
      expect(await acceptedSigningSecrets(secrets, clock)).toEqual([fresh]);
    });
  });

  describe('pruneExpiredSecret', () => {
    it('removes the previous secret only after its window', async () => {
      const { secrets, clock } = setup();
      await ensureSigningSecret(secrets, clock);
      const fresh = await rotateSigningSecret(secrets, clock);
      expect(await pruneExpiredSecret(secrets, clock)).toBe(false);
      expect(JSON.parse((await secrets.get(SIGNING_SECRET_KEY)) ?? '{}')).toHaveProperty('previous');

      clock.advance(ROTATION_GRACE_MS);
      expect(await pruneExpiredSecret(secrets, clock)).toBe(true);
      expect(JSON.parse((await secrets.get(SIGNING_SECRET_KEY)) ?? '{}')).toEqual({ current: fresh, rotatedAt: clock.now() - ROTATION_GRACE_MS });
      expect(await pruneExpiredSecret(secrets, clock)).toBe(false);
    });

    it('does nothing without a secret', async () => {
      const { secrets, clock } = setup();
      expect(await pruneExpiredSecret(secrets, clock)).toBe(false);
      expect(await secrets.get(SIGNING_SECRET_KEY)).toBeUndefined();
    });
  });
});
