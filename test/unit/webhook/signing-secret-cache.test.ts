/**
 * The web trigger remembers the signing secret between deliveries of one warm
 * instance (src/core/secrets/secret-cache.ts): a delivery then starts with the
 * event's own reads, not a secret-store round trip. A rotation made by another
 * instance is seen at once by a delivery signed with the new secret, and a
 * retired secret verifies for at most SECRET_CACHE_TTL_MS.
 */
import { signPayload } from '../../../src/core/events/signature';
import { SECRET_CACHE_TTL_MS, SecretCache } from '../../../src/core/secrets/secret-cache';
import { ensureSigningSecret, rotateSigningSecret, SIGNING_SECRET_KEY } from '../../../src/core/secrets/signing-secret';
import { handleWebtrigger, type WebtriggerDeps } from '../../../src/core/webhook/handler';
import { makeTestPlatform, MemorySecrets } from '../../fakes';

class CountingSecrets extends MemorySecrets {
  reads = 0;
  override async get(key: string): Promise<string | undefined> {
    if (key === SIGNING_SECRET_KEY) this.reads += 1;
    return super.get(key);
  }
}

async function setup() {
  const secrets = new CountingSecrets();
  const platform = makeTestPlatform({ secrets });
  const first = await ensureSigningSecret(secrets, platform.clock, 'whsec_first_secret_for_the_cache_test');
  secrets.reads = 0;
  const cache = new SecretCache();
  const deps: WebtriggerDeps = { platform, signingSecrets: cache, processEvents: async () => [] };
  const ping = (secret: string) => {
    const body = JSON.stringify({ events: [{ id: `evt_${Math.random().toString(36).slice(2)}`, type: 'ping', occurredAt: '2026-11-28T10:00:00Z', data: {} }] });
    return handleWebtrigger({ method: 'POST', headers: { 'X-Backline-Signature': [signPayload(secret, body, Math.floor(platform.clock.now() / 1000))] }, body }, deps);
  };
  return { secrets, platform, first, ping };
}

it('reads the secret once for many deliveries, and again after the time it may be remembered', async () => {
  const { secrets, platform, first, ping } = await setup();
  for (let i = 0; i < 5; i++) expect((await ping(first)).statusCode).toBe(200);
  expect(secrets.reads).toBe(1);
  platform.clock.advance(SECRET_CACHE_TTL_MS);
  expect((await ping(first)).statusCode).toBe(200);
  expect(secrets.reads).toBe(2);
});

it('a delivery signed with a secret rotated elsewhere verifies at once; a retired one is refused once no longer remembered', async () => {
  const { secrets, platform, first, ping } = await setup();
  expect((await ping(first)).statusCode).toBe(200);
  // Another instance (the admin page's resolver) rotates twice: the first secret's grace ends at once.
  await rotateSigningSecret(secrets, platform.clock);
  const newest = await rotateSigningSecret(secrets, platform.clock);
  secrets.reads = 0;
  expect((await ping(newest)).statusCode).toBe(200);
  expect(secrets.reads).toBe(1);
  // Now remembered as rotated: the retired secret is refused (after one more read, in case it changed again).
  expect((await ping(first)).statusCode).toBe(401);
  expect(secrets.reads).toBe(2);
});

it('a wrong signature is refused, reading the secret again only when a remembered one might be out of date', async () => {
  const { secrets, first, ping } = await setup();
  const wrong = 'whsec_not_the_secret_at_all_000000';
  expect((await ping(wrong)).statusCode).toBe(401);
  expect(secrets.reads).toBe(1); // just read: no second read
  expect((await ping(first)).statusCode).toBe(200);
  expect(secrets.reads).toBe(1);
  expect((await ping(wrong)).statusCode).toBe(401);
  expect(secrets.reads).toBe(2); // remembered: read once more in case it was rotated
});
