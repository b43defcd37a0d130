/** The SecretStore adapter over Forge secret storage: round trip, delete, and never listed with the keys. */
import { forgeKeyValueStore } from '../../../src/forge/adapters/kvs';
import { forgeSecretStore } from '../../../src/forge/adapters/secrets';
import type { ForgeHost } from '../../../dev/forge-host';
import { startHost } from '../runtime/helpers';

let host: ForgeHost;
beforeEach(() => {
  host = startHost();
});
afterEach(() => host.close());

it('stores, reads and deletes secrets apart from ordinary keys', async () => {
  const secrets = forgeSecretStore();
  await secrets.set('signing-secret', JSON.stringify({ current: 'whsec_abc' }));
  expect(await secrets.get('signing-secret')).toBe('{"current":"whsec_abc"}');
  expect(await forgeKeyValueStore().get('signing-secret')).toBeUndefined();
  expect((await forgeKeyValueStore().list('')).items).toEqual([]);
  await secrets.delete('signing-secret');
  expect(await secrets.get('signing-secret')).toBeUndefined();
});
