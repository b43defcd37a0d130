/**
 * The sync engine as the entry points use it (src/forge/entry, dev/runtime, an
 * admin's retry): the processor and the queue consumer with the app's outcome
 * hooks wired in. The engine itself (src/core/sync) knows none of the features
 * that react to what it did; each adds its hook here.
 */
import { ConfigRepository } from './config/repository';
import { devopsWiring } from './devops/hook';
import { keepDeadLetter } from './failures/dead-letters';
import { failureOutcomeHook } from './failures/hooks';
import { metricsOutcomeHook } from './metrics-hook';
import type { Platform } from './ports';
import { Prefetch } from './prefetch';
import { createSyncConsumer } from './sync/consumer';
import { combineOutcomeHooks, type OutcomeHook } from './sync/outcome';
import { createEventProcessor, type EventProcessor, type ProcessorOptions } from './sync/processor';

/** Every feature's reaction to an event's outcome, in order: dead letters and Slack (src/core/failures), the counters (metrics-hook.ts). */
export function appOutcomeHook(platform: Platform, extra?: OutcomeHook, prefetch?: Prefetch): OutcomeHook {
  return combineOutcomeHooks(failureOutcomeHook(platform, prefetch), metricsOutcomeHook(platform.metrics), extra);
}

/**
 * The Security tab and development panel (src/core/devops) collect every applied event
 * and send once, after the invocation's events: their requests are batched together.
 */
export function createAppProcessor(platform: Platform, options: ProcessorOptions = {}): EventProcessor {
  const configs = options.configs ?? new ConfigRepository(platform.store, platform.clock);
  const prefetch = options.prefetch ?? new Prefetch();
  const devops = devopsWiring(platform, configs, prefetch);
  const processor = createEventProcessor(platform, { ...options, configs, prefetch, beforeRecord: devops.beforeRecord, onOutcome: appOutcomeHook(platform, combineOutcomeHooks(devops.hook, options.onOutcome), prefetch) });
  return {
    lastRefusal: () => processor.lastRefusal?.(),
    prepare: (events) => processor.prepare?.(events) ?? Promise.resolve(),
    abandon: () => processor.abandon?.() ?? Promise.resolve(),
    async process(events, processOptions) {
      try {
        return await processor.process(events, processOptions);
      } finally {
        await devops.flush();
      }
    },
  };
}

/** The consumer applies one event per invocation: the DevOps hook sends as soon as it is applied. */
export function createAppConsumer(platform: Platform, options: ProcessorOptions = {}) {
  const configs = options.configs ?? new ConfigRepository(platform.store, platform.clock);
  const prefetch = options.prefetch ?? new Prefetch();
  const devops = devopsWiring(platform, configs, prefetch);
  return createSyncConsumer(platform, {
    ...options,
    configs,
    prefetch,
    beforeRecord: devops.beforeRecord,
    onOutcome: appOutcomeHook(platform, combineOutcomeHooks(devops.hook, options.onOutcome), prefetch),
    keepDeadLetter: (letter) => keepDeadLetter(platform, { ...letter, source: 'consumer' }),
  });
}
