/**
 * Keys other parts of an invocation will read once, handed to the sync engine
 * so they ride in its first batched storage read (Forge meters reads per
 * installation: docs/platform-limits.md "Storage"). The Security tab's registry
 * and the web trigger's "last event" record each cost a storage call of their
 * own otherwise. A key nobody takes (an invocation with no event to apply) is
 * simply read by its owner as before.
 */
import type { StoreKeyRef } from './ports';

interface Wanted {
  ref: StoreKeyRef;
  prime: (raw: unknown) => void;
}

export class Prefetch {
  private wanted: Wanted[] = [];

  /** `prime` receives the stored value (undefined when absent) if the key was read in the batch. */
  want(ref: StoreKeyRef, prime: (raw: unknown) => void): void {
    this.wanted.push({ ref, prime });
  }

  /** The keys not handed out yet; the engine reads them with its own and primes each. */
  take(): Wanted[] {
    const taken = this.wanted;
    this.wanted = [];
    return taken;
  }
}

/**
 * A value read in a batch, used once: distinguishes "absent" (undefined) from "not read",
 * and a second use reads again (the value may have changed since the batch).
 */
export class Primed<T = unknown> {
  private state: { primed: false } | { primed: true; value: T | undefined } = { primed: false };

  set(value: T | undefined): void {
    this.state = { primed: true, value };
  }

  /** The primed value the first time, else `read()`. */
  async get(read: () => Promise<T | undefined>): Promise<T | undefined> {
    if (!this.state.primed) return read();
    const { value } = this.state;
    this.state = { primed: false };
    return value;
  }
}
