/**
 * Secrets remembered between invocations of one warm function instance
 * (docs/performance.md "Forge storage"): every web-trigger delivery must check
 * its signature before anything else, and reading the signing secret is a
 * storage round trip of its own, before the event's reads can start.
 *
 * A remembered value is used for at most `ttlMs` of the platform clock. A
 * caller that finds the value wrong (a signature that does not verify, as
 * after a rotation in another instance) calls `forget` and reads it again, so
 * a rotation is seen at once by deliveries signed with the new secret; a
 * retired secret is still accepted by a warm instance for at most `ttlMs`
 * (docs/events.md §2).
 */
import type { Clock, SecretStore } from '../ports';

/** How long a remembered secret is used: short, since it bounds how long a retired secret still verifies. */
export const SECRET_CACHE_TTL_MS = 60_000;

export class SecretCache {
  private readonly remembered = new Map<string, { value: string | undefined; at: number }>();

  constructor(private readonly ttlMs: number = SECRET_CACHE_TTL_MS) {}

  /** Whether a read of `key` now would be answered from memory (then it may be out of date). */
  holds(key: string, clock: Clock): boolean {
    const entry = this.remembered.get(key);
    return entry !== undefined && clock.now() - entry.at < this.ttlMs && clock.now() >= entry.at;
  }

  /** The store as the invocation sees it: reads come from memory while fresh; writes pass through and drop the entry. */
  over(inner: SecretStore, clock: Clock): SecretStore {
    return {
      get: async (key) => {
        if (this.holds(key, clock)) return this.remembered.get(key)?.value;
        const value = await inner.get(key);
        this.remembered.set(key, { value, at: clock.now() });
        return value;
      },
      set: async (key, value) => {
        this.remembered.delete(key);
        await inner.set(key, value);
      },
      delete: async (key) => {
        this.remembered.delete(key);
        await inner.delete(key);
      },
    };
  }

  /** Drops a remembered value (reading it again may give another answer). */
  forget(key: string): void {
    this.remembered.delete(key);
  }
}
