/**
 * The sync engine as the entry points use it (src/forge/entry, dev/runtime, an
 * admin's retry): the processor and the queue consumer with the app's outcome
 * hooks wired in. The engine itself (src/core/sync) knows none of the features
 * that react to what it did; each adds its hook here.
 */
import { keepDeadLetter } from './failures/dead-letters';
import { failureOutcomeHook } from './failures/hooks';
import type { Platform } from './ports';
import { createSyncConsumer } from './sync/consumer';
import { combineOutcomeHooks, type OutcomeHook } from './sync/outcome';
import { createEventProcessor, type EventProcessor, type ProcessorOptions } from './sync/processor';

/** Every feature's reaction to an event's outcome, in order: dead letters and Slack (src/core/failures). */
export function appOutcomeHook(platform: Platform, extra?: OutcomeHook): OutcomeHook {
  return combineOutcomeHooks(failureOutcomeHook(platform), extra);
}

export function createAppProcessor(platform: Platform, options: ProcessorOptions = {}): EventProcessor {
  return createEventProcessor(platform, { ...options, onOutcome: appOutcomeHook(platform, options.onOutcome) });
}

export function createAppConsumer(platform: Platform, options: ProcessorOptions = {}) {
  return createSyncConsumer(platform, {
    ...options,
    onOutcome: appOutcomeHook(platform, options.onOutcome),
    keepDeadLetter: (letter) => keepDeadLetter(platform, { ...letter, source: 'consumer' }),
  });
}
