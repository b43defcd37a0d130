/**
 * The benchmark's scenarios, each measured through the web trigger with the
 * Jira simulator's counters read before and after. Every figure is a count of
 * what really crossed the wire (Jira requests and points, KVS calls) or a
 * wall-clock time measured by the client, as Backline would see it.
 */
import { type Bench, event, finding, lifecycleOf, newFindingId, pullRequest, warmUpLifecycle, type Delta, type Sent } from './harness';

export interface ScenarioOptions {
  /** Single finding.created events measured for createRequests. */
  createSamples: number;
  /** Findings taken through create → PR opened → merged → resolved. */
  lifecycles: number;
  /** New findings sent in batches of 100 (the benchmark's backfill). */
  backfillFindings: number;
  /** PR-opened events over existing issues. */
  prEvents: number;
  /** Parallel web trigger calls for the PR events (Backline sends events concurrently). */
  prConcurrency: number;
}

export interface SingleEventSample {
  type: string;
  ms: number;
  requests: number;
  kvsReads: number;
  kvsWrites: number;
  kvsRoundTrips: number;
}

export interface ScenarioFigures {
  createRequests: number;
  lifecycleRequests: number;
  lifecyclePoints: number;
  /** Jira Software DevOps requests of the same lifecycle (docs/security-tab.md), not in lifecycleRequests. */
  securityInfoRequestsPerLifecycle: number;
  redeliveryRequests: number;
  noChangeUpdateRequests: number;
  backfillRequests: number;
  backfillSeconds: number;
  backfillByRoute: Record<string, number>;
  prEventsRequests: number;
  prEventsByRoute: Record<string, number>;
  /** Every single-event web trigger call of the steady-state scenarios. */
  singles: SingleEventSample[];
  rateLimited: number;
  contractViolations: number;
  failures: string[];
}

function expectOk(sent: Sent, what: string, failures: string[]): void {
  const bad = (sent.body.results ?? []).filter((r) => r.status === 'failed');
  if (sent.status >= 300 && sent.status !== 202) failures.push(`${what}: HTTP ${sent.status} ${JSON.stringify(sent.body).slice(0, 300)}`);
  for (const r of bad) failures.push(`${what}: ${r.eventId} failed: ${r.error?.code} ${r.error?.message}`);
}

const perEvent = (total: number, n: number) => (n === 0 ? 0 : Math.round((total / n) * 100) / 100);

export async function runScenarios(bench: Bench, options: ScenarioOptions, log: (line: string) => void): Promise<ScenarioFigures> {
  const failures: string[] = [];
  const singles: SingleEventSample[] = [];

  /** One signed single-event call, measured (Jira requests, KVS calls, time). */
  const single = async (body: ReturnType<typeof event>, what: string): Promise<{ sent: Sent; delta: Delta }> => {
    const { value: sent, delta } = await bench.measure(() => bench.send(body));
    expectOk(sent, what, failures);
    return { sent, delta };
  };
  const sample = (type: string, sent: Sent, delta: Delta) =>
    singles.push({ type, ms: sent.ms, requests: delta.requests, kvsReads: delta.kvsReads, kvsWrites: delta.kvsWrites, kvsRoundTrips: delta.kvsRoundTrips });

  // --- Warm-up: create metadata, the workflow graph (every status the lifecycle visits), the link store marker.
  log('warm-up: one finding through its whole lifecycle');
  for (const body of warmUpLifecycle()) await single(body, `warm-up ${body.type}`);
  const warmBatch = [newFindingId('fnd_warm'), newFindingId('fnd_warm')];
  await bench.send({ events: warmBatch.map((id) => event('finding.created', { finding: finding(id) })) });
  await bench.runtime.waitForQueueIdle();

  // --- finding.created, steady state.
  log(`finding.created × ${options.createSamples}`);
  let createTotal = 0;
  const createdBodies: Array<ReturnType<typeof event>> = [];
  for (let i = 0; i < options.createSamples; i++) {
    const body = event('finding.created', { finding: finding(newFindingId()) });
    const { sent, delta } = await single(body, 'create');
    createTotal += delta.requests;
    createdBodies.push(body);
    sample('finding.created', sent, delta);
  }

  // --- Lifecycle: create, PR opened, merged, resolved (remediation verified).
  log(`lifecycle × ${options.lifecycles}`);
  let lifecycleRequests = 0;
  let lifecyclePoints = 0;
  let lifecycleDevops = 0;
  const lifecycleBodies: Array<ReturnType<typeof event>> = [];
  for (let i = 0; i < options.lifecycles; i++) {
    for (const body of lifecycleOf(newFindingId(), 1000 + i)) {
      const { sent, delta } = await single(body, `lifecycle ${body.type}`);
      lifecycleRequests += delta.requests;
      lifecyclePoints += delta.points;
      lifecycleDevops += delta.devopsRequests;
      lifecycleBodies.push(body);
      sample(body.type, sent, delta);
    }
  }

  // --- Redelivery: the same bodies again (new signatures): duplicates, no Jira call.
  log('redelivery');
  const redelivered = [...createdBodies.slice(0, 3), ...lifecycleBodies.slice(0, 4)];
  let redeliveryTotal = 0;
  for (const body of redelivered) {
    const { sent, delta } = await single(body, 'redelivery');
    redeliveryTotal += delta.requests;
    if (sent.body.results?.[0]?.status !== 'duplicate') failures.push(`redelivery of ${body.id} answered ${sent.body.results?.[0]?.status}`);
    sample(`${body.type} (redelivery)`, sent, delta);
  }

  // --- finding.updated that changes nothing Backline maps.
  log('unchanged finding.updated');
  let noChangeTotal = 0;
  const unchanged = createdBodies.slice(0, Math.min(5, createdBodies.length));
  for (const created of unchanged) {
    const original = created.data.finding as Record<string, unknown>;
    const { sent, delta } = await single(event('finding.updated', { finding: original }), 'unchanged update');
    noChangeTotal += delta.requests;
    sample('finding.updated (no change)', sent, delta);
  }

  // --- Backfill: N new findings in batches of 100, until the queue is idle.
  log(`backfill: ${options.backfillFindings} findings in batches of 100`);
  const backfillIds: string[] = [];
  const started = performance.now();
  const backfill = await bench.measure(
    async () => {
      for (let offset = 0; offset < options.backfillFindings; offset += 100) {
        const ids = Array.from({ length: Math.min(100, options.backfillFindings - offset) }, () => newFindingId('fnd_bf'));
        backfillIds.push(...ids);
        const sent = await bench.send({ events: ids.map((id) => event('finding.created', { finding: finding(id) })) });
        expectOk(sent, `backfill batch ${offset / 100 + 1}`, failures);
      }
    },
    { idle: true },
  );
  const backfillSeconds = (performance.now() - started) / 1000;

  // --- PR opened over existing issues, sent concurrently.
  log(`${options.prEvents} PR events over existing issues (concurrency ${options.prConcurrency})`);
  const targets = backfillIds.slice(0, options.prEvents);
  const prRun = await bench.measure(
    async () => {
      let next = 0;
      const worker = async () => {
        while (next < targets.length) {
          const index = next++;
          const id = targets[index];
          const sent = await bench.send(event('remediation.pr_opened', { ...pullRequest(id, 5000 + index), findings: [{ id }] }));
          expectOk(sent, 'PR event', failures);
        }
      };
      await Promise.all(Array.from({ length: options.prConcurrency }, worker));
    },
    { idle: true },
  );

  const stats = await bench.stats();
  return {
    createRequests: perEvent(createTotal, options.createSamples),
    lifecycleRequests: perEvent(lifecycleRequests, options.lifecycles),
    lifecyclePoints: perEvent(lifecyclePoints, options.lifecycles),
    securityInfoRequestsPerLifecycle: perEvent(lifecycleDevops, options.lifecycles),
    redeliveryRequests: perEvent(redeliveryTotal, redelivered.length),
    noChangeUpdateRequests: perEvent(noChangeTotal, unchanged.length),
    backfillRequests: backfill.delta.requests,
    backfillSeconds: Math.round(backfillSeconds * 10) / 10,
    backfillByRoute: backfill.delta.byRoute,
    prEventsRequests: prRun.delta.requests,
    prEventsByRoute: prRun.delta.byRoute,
    singles,
    rateLimited: stats.rateLimited,
    contractViolations: stats.contractViolations,
    failures,
  };
}
