/**
 * Counts what each event came to, for the vendor's view across installations
 * (Forge custom metrics, docs/observability.md): applied (created, updated,
 * unchanged, stale: Jira is right), failed (for good: an admin must act or
 * retry), queued (a retryable failure: the queue, or Backline on a 503, tries
 * again). A redelivery answered from the idempotency record reaches no hook and
 * is not counted twice. An admin reads the same outcomes per event in the
 * Activity tab; the counters only add them up.
 */
import type { Metrics, MetricName } from './ports';
import type { ResultStatus } from './results';
import type { OutcomeHook } from './sync/outcome';

const METRIC_OF_STATUS: Partial<Record<ResultStatus, MetricName>> = {
  created: 'events-applied',
  updated: 'events-applied',
  unchanged: 'events-applied',
  stale: 'events-applied',
  queued: 'events-queued',
};

export function metricsOutcomeHook(metrics: Metrics | undefined): OutcomeHook | undefined {
  if (!metrics) return undefined;
  return async (outcome) => {
    const { result } = outcome;
    const name = result.status === 'failed' ? (result.error?.retryable ? 'events-queued' : 'events-failed') : METRIC_OF_STATUS[result.status];
    if (name) metrics.count(name);
  };
}
