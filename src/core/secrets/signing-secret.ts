/**
 * The signing secret shared with Backline, with rotation.
 *
 * Stored in Forge secret storage (`kvs.setSecret`: encrypted, never listed or
 * queried) under one key, as JSON `{ current, previous?, previousValidUntil?, rotatedAt? }`.
 * A rotation keeps the previous secret valid for 24 hours (docs/events.md §2)
 * so an admin can paste the new one into Backline without dropping events.
 * Only the immediately previous secret survives a rotation: rotating twice in a
 * day ends the grace period of the oldest one, which is what an admin rotating
 * after a leak wants.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Clock, SecretStore } from '../ports';

export const SIGNING_SECRET_KEY = 'signing-secret';
export const ROTATION_GRACE_MS = 24 * 60 * 60 * 1000;
const SECRET_PREFIX = 'whsec_';

const storedSecretSchema = z.object({
  current: z.string().min(1),
  previous: z.string().min(1).optional(),
  /** Epoch ms until which `previous` is still accepted. */
  previousValidUntil: z.number().optional(),
  /** Epoch ms when `current` came into effect. */
  rotatedAt: z.number().optional(),
});
export type StoredSigningSecret = z.infer<typeof storedSecretSchema>;

/** What the admin page may show: never the secret itself. */
export interface SigningSecretStatus {
  exists: boolean;
  /** When the current secret was generated or rotated in (epoch ms). */
  rotatedAt?: number;
  /** Present while the previous secret is still accepted (epoch ms). */
  previousValidUntil?: number;
}

/** 32 random bytes, base64url, with a recognisable prefix (like Stripe's `whsec_`) so leaks are easy to spot in logs and scanners. */
export function generateSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64url');
}

async function read(secrets: SecretStore): Promise<StoredSigningSecret | undefined> {
  const raw = await secrets.get(SIGNING_SECRET_KEY);
  if (raw === undefined || raw.length === 0) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    // A bare string (e.g. set by hand through the CLI) is a current secret without history.
    return { current: raw };
  }
  const parsed = storedSecretSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

async function write(secrets: SecretStore, value: StoredSigningSecret): Promise<void> {
  await secrets.set(SIGNING_SECRET_KEY, JSON.stringify(value));
}

function previousStillValid(stored: StoredSigningSecret, nowMs: number): stored is StoredSigningSecret & { previous: string; previousValidUntil: number } {
  return stored.previous !== undefined && stored.previousValidUntil !== undefined && stored.previousValidUntil > nowMs;
}

/**
 * The current secret, creating one on first use. With `provided` (the local
 * runtime's `BACKLINE_SIGNING_SECRET`), that value becomes the current secret:
 * an operator-supplied secret is authoritative, so no previous one stays valid.
 */
export async function ensureSigningSecret(secrets: SecretStore, clock: Clock, provided?: string): Promise<string> {
  const stored = await read(secrets);
  if (provided !== undefined && provided.length > 0) {
    if (stored?.current !== provided) await write(secrets, { current: provided, rotatedAt: clock.now() });
    return provided;
  }
  if (stored) return stored.current;
  const current = generateSigningSecret();
  await write(secrets, { current, rotatedAt: clock.now() });
  return current;
}

/** A new current secret; the old one stays accepted for 24 hours. Answers the new secret (shown once to the admin). */
export async function rotateSigningSecret(secrets: SecretStore, clock: Clock): Promise<string> {
  const stored = await read(secrets);
  const now = clock.now();
  const current = generateSigningSecret();
  await write(
    secrets,
    stored ? { current, previous: stored.current, previousValidUntil: now + ROTATION_GRACE_MS, rotatedAt: now } : { current, rotatedAt: now },
  );
  return current;
}

/** Every secret a request may be signed with right now: current first, then the previous one inside its grace window. */
export async function acceptedSigningSecrets(secrets: SecretStore, clock: Clock): Promise<string[]> {
  const stored = await read(secrets);
  if (!stored) return [];
  return previousStillValid(stored, clock.now()) ? [stored.current, stored.previous] : [stored.current];
}

export async function signingSecretStatus(secrets: SecretStore, clock: Clock): Promise<SigningSecretStatus> {
  const stored = await read(secrets);
  if (!stored) return { exists: false };
  return {
    exists: true,
    ...(stored.rotatedAt !== undefined ? { rotatedAt: stored.rotatedAt } : {}),
    ...(previousStillValid(stored, clock.now()) ? { previousValidUntil: stored.previousValidUntil } : {}),
  };
}

/** Housekeeping: forgets the previous secret once its grace window has passed. Answers whether anything was removed. */
export async function pruneExpiredSecret(secrets: SecretStore, clock: Clock): Promise<boolean> {
  const stored = await read(secrets);
  if (!stored || stored.previous === undefined || previousStillValid(stored, clock.now())) return false;
  await write(secrets, { current: stored.current, ...(stored.rotatedAt !== undefined ? { rotatedAt: stored.rotatedAt } : {}) });
  return true;
}
