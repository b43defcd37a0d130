/**
 * One KeyValueStore contract (test/contracts/key-value-store.ts), three
 * implementations held to it: the in-memory fake of the unit tests, and the
 * real @forge/kvs adapter (src/forge/adapters/kvs.ts) over the local Forge
 * host's KVS stand-in (dev/forge-host/kvs-store.ts), which the local runtime
 * and every integration test use.
 */
import { forgeKeyValueStore } from '../../../src/forge/adapters/kvs';
import { keyValueStoreContract } from '../../contracts/key-value-store';
import { FakeClock as UnitClock, MemoryStore } from '../../fakes';
import { FakeClock, startHost } from '../runtime/helpers';

keyValueStoreContract('in-memory fake (test/fakes/memory-store.ts)', () => {
  const clock = new UnitClock();
  const store = new MemoryStore({ clock });
  return { store, advance: (ms) => clock.advance(ms), failNext: (count, options) => store.failNext(count, options), close: () => undefined };
});

keyValueStoreContract('@forge/kvs adapter over the local Forge host', () => {
  const clock = new FakeClock();
  const host = startHost({ clock });
  return { store: forgeKeyValueStore(), advance: (ms) => clock.advance(ms), failNext: (count, options) => host.kvs.failNext(count, options), close: () => host.close() };
});
