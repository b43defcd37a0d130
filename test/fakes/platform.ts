/**
 * A whole `Platform` made of fakes, for unit and integration tests of the core.
 * Pass `jira` (e.g. `simTransport(sim)`) or `sim` to talk to the simulator.
 */
import type { HttpPoster, JiraTransport, Logger, Platform } from '../../src/core/ports';
import { FakeClock } from './clock';
import { silentLogger } from './logger';
import { MemoryQueue } from './memory-queue';
import { MemorySecrets } from './memory-secrets';
import { MemoryStore } from './memory-store';
import { SIM_BASE_URL, simTransport, type SimulatorLike } from './sim-transport';

export interface TestPlatformOptions {
  jira?: JiraTransport;
  sim?: SimulatorLike;
  /** Base URL the simulator was created with (default SIM_BASE_URL); also the default siteUrl. */
  simBaseUrl?: string;
  clock?: FakeClock;
  store?: MemoryStore;
  secrets?: MemorySecrets;
  queue?: MemoryQueue;
  logger?: Logger;
  http?: HttpPoster;
  siteUrl?: string;
}

export interface TestPlatform extends Platform {
  store: MemoryStore;
  secrets: MemorySecrets;
  queue: MemoryQueue;
  clock: FakeClock;
}

const noJira: JiraTransport = {
  request: async (request) => {
    throw new Error(`No Jira in this test platform (${request.method} ${request.path})`);
  },
};

export function makeTestPlatform(options: TestPlatformOptions = {}): TestPlatform {
  const clock = options.clock ?? new FakeClock();
  const store = options.store ?? new MemoryStore({ clock });
  const baseUrl = options.simBaseUrl ?? SIM_BASE_URL;
  const jira = options.jira ?? (options.sim ? simTransport(options.sim, undefined, baseUrl) : noJira);
  const siteUrl = options.siteUrl ?? (options.sim ? baseUrl : 'https://acme.atlassian.net');
  return {
    jira,
    store,
    secrets: options.secrets ?? new MemorySecrets(),
    queue: options.queue ?? new MemoryQueue(clock),
    clock,
    logger: options.logger ?? silentLogger,
    ...(options.http ? { http: options.http } : {}),
    siteUrl: async () => siteUrl,
  };
}
