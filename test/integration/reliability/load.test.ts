/** CI-sized load: 500 findings in batches of 100; figures printed (no timing assertions). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runLoad } from './load';

jest.setTimeout(120_000);

test('500 findings through the web trigger: every one applied, one issue each, nothing dead-lettered', async () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-load-ci-'));
  const logSpy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const figures = await runLoad({ total: 500, stateDir });
    logSpy.mockRestore();
    process.stdout.write(`load figures: ${JSON.stringify(figures)}\n`);
    expect(figures).toMatchObject({ ok: true, issues: 500, findingsWithoutExactlyOneIssue: 0 });
  } finally {
    logSpy.mockRestore();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
});
