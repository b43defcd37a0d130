/**
 * What every admin service runs with: the platform's ports, the calling user
 * (already authorised by the dispatcher, src/core/resolvers/dispatch.ts), the
 * host's environment, and the configuration and Jira metadata stores.
 */
import { ConfigRepository } from '../config/repository';
import { JiraMetadata } from '../jira/metadata';
import type { Platform } from '../ports';
import type { ParsedPayloadOf, ResolverKey, ResultOf } from '../../shared/contracts/admin';
import type { AdminCaller } from './access';

export interface AdminEnvironment {
  /** The `backline-events` web trigger URL (Forge: `webTrigger.getUrl`), asked only when shown. */
  webTriggerUrl(): Promise<string>;
}

export interface AdminContext {
  platform: Platform;
  caller: AdminCaller;
  env: AdminEnvironment;
  repository: ConfigRepository;
  metadata: JiraMetadata;
}

export function adminContext(platform: Platform, caller: AdminCaller, env: AdminEnvironment): AdminContext {
  return {
    platform,
    caller,
    env,
    repository: new ConfigRepository(platform.store, platform.clock),
    metadata: new JiraMetadata(platform.jira, platform.store, platform.clock),
  };
}

export type Service<K extends ResolverKey> = (ctx: AdminContext, payload: ParsedPayloadOf<K>) => Promise<ResultOf<K>>;
export type AdminServices = { [K in ResolverKey]: Service<K> };
