/**
 * `groupedLifecycle14Requests`: the Jira requests of one grouped lifecycle (docs/sync.md
 * "Grouping"): SEC makes one issue per remediation, 14 findings arrive (they wait, no
 * Jira request), one PR is opened, merged, and the remediation is verified. Target ≤ 6;
 * one issue per finding would cost 14 lifecycles (70 requests at 5 each).
 */
import { ConfigRepository } from '../src/core/config/repository';
import { type Bench, event, finding, newFindingId, pullRequest } from './harness';

export async function measureGroupedLifecycle(bench: Bench, log: (line: string) => void): Promise<{ requests: number; issues: number }> {
  log('grouped lifecycle: 14 findings, one remediation, one issue');
  const runtime = bench.runtime;
  const original = await runtime.withPlatform((platform) => new ConfigRepository(platform.store, platform.clock).getProject('SEC'));
  if (!original) throw new Error('grouped bench: SEC is not connected');
  const save = (config: typeof original) => runtime.withPlatform((platform) => new ConfigRepository(platform.store, platform.clock).saveProject(config));
  await save({ ...original, groupBy: 'remediation' });
  try {
    const ids = Array.from({ length: 14 }, () => newFindingId('fnd_grouped'));
    const pr = pullRequest(ids[0] ?? 'fnd_grouped', 4242);
    const findings = ids.map((id) => ({ id }));
    const bodies = [
      { events: ids.map((id) => event('finding.created', { finding: finding(id) })) },
      event('remediation.pr_opened', { ...pr, findings }),
      event('remediation.pr_merged', { ...pr, findings }),
      event('remediation.resolved', { remediation: pr.remediation, findings }),
    ];
    const keys = new Set<string>();
    const { delta } = await bench.measure(
      async () => {
        for (const body of bodies) {
          const sent = await bench.send(body);
          for (const result of sent.body.results ?? []) for (const issue of result.issues ?? []) keys.add(issue.key);
        }
      },
      { idle: true },
    );
    return { requests: delta.requests, issues: keys.size };
  } finally {
    await save(original);
  }
}
