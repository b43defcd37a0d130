/** `SecretStore` over Forge secret storage: encrypted at rest and never returned by queries. */
import { kvs } from '@forge/kvs';
import type { SecretStore } from '../../core/ports';

export function forgeSecretStore(): SecretStore {
  return {
    get: (key) => kvs.getSecret<string>(key),
    set: (key, value) => kvs.setSecret(key, value),
    delete: (key) => kvs.deleteSecret(key),
  };
}
