/**
 * Web trigger time when Forge storage is a network round trip away: the same
 * lifecycle events as the steady-state scenarios, with every KVS call answered
 * after `kvsLatencyMs` (the local KVS answers instantly otherwise, which hides
 * how many storage calls an event makes in sequence).
 */
import { type Bench, lifecycleOf, newFindingId, percentile } from './harness';

export interface KvsLatencyFigures {
  kvsLatencyMs: number;
  samples: number;
  p95Ms: number;
  failures: string[];
}

export async function measureWithKvsLatency(bench: Bench, kvsLatencyMs: number, lifecycles: number, log: (line: string) => void): Promise<KvsLatencyFigures> {
  log(`lifecycle × ${lifecycles} with ${kvsLatencyMs} ms per KVS call`);
  const times: number[] = [];
  const failures: string[] = [];
  bench.runtime.host.setKvsLatency(kvsLatencyMs);
  try {
    for (let i = 0; i < lifecycles; i++) {
      for (const body of lifecycleOf(newFindingId('fnd_kvslat'), 7000 + i)) {
        const sent = await bench.send(body);
        const failed = (sent.body.results ?? []).filter((r) => r.status === 'failed');
        if (sent.status >= 300 || failed.length > 0) failures.push(`KVS latency ${body.type}: HTTP ${sent.status} ${JSON.stringify(sent.body).slice(0, 200)}`);
        times.push(sent.ms);
      }
    }
  } finally {
    bench.runtime.host.setKvsLatency(0);
  }
  return { kvsLatencyMs, samples: times.length, p95Ms: Math.round(percentile(times, 95)), failures };
}
