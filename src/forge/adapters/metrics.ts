/**
 * `Metrics` over Forge custom metrics (`@forge/metrics`, whose only export is
 * `internalMetrics`: counters the platform attaches the app's identity to). A
 * counter must be registered in the developer console before Forge records it
 * (docs/observability.md); an unregistered or failing counter is ignored,
 * because counting must never fail an event.
 */
import { internalMetrics } from '@forge/metrics';
import type { Logger, MetricName, Metrics } from '../../core/ports';

export function forgeMetrics(logger?: Logger): Metrics {
  let warned = false;
  return {
    count(name: MetricName, by = 1) {
      try {
        internalMetrics.counter(name).incrBy(by);
      } catch (error) {
        if (!warned) logger?.warn('metrics: counter not recorded', { name, error: error instanceof Error ? error.message : String(error) });
        warned = true;
      }
    },
  };
}
