/**
 * Load: N findings (default 10,000) through the web trigger in signed batches
 * of 100 on the local runtime and its Jira simulator, then wait for the queue,
 * verify every finding has exactly one issue (by the `backline` property) and
 * print figures, with RSS sampled throughout to show memory stays bounded.
 *
 *   npm run load                 # 10,000 findings
 *   npm run load -- 2000         # another size
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runLoad } from '../test/integration/reliability/load';

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 10_000);
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-load-'));
  const figures = await runLoad({ total, stateDir, log: (line) => console.log(line) });
  console.log(JSON.stringify(figures, null, 2));
  fs.rmSync(stateDir, { recursive: true, force: true });
  if (!figures.ok) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
