/**
 * Downloads Atlassian's current OpenAPI document of the Jira Cloud platform REST
 * API to `.local/jira-platform-openapi.json`, for machines without
 * `../shared/jira/` (a fresh clone elsewhere). Then run with
 * `JIRA_OPENAPI=.local/jira-platform-openapi.json` to turn the Jira simulator's
 * contract check on. The document is not committed (see ../shared/jira/README.md).
 *
 *   npm run fetch-openapi [-- --out <file>]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const URL_V3 = 'https://developer.atlassian.com/cloud/jira/platform/swagger-v3.v3.json';

async function main(): Promise<void> {
  const outArg = process.argv.indexOf('--out');
  const out = resolve(outArg > 0 && process.argv[outArg + 1] ? process.argv[outArg + 1] : '.local/jira-platform-openapi.json');
  console.log(`Downloading ${URL_V3} …`);
  const res = await fetch(URL_V3, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(60_000) });
  if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText} from ${URL_V3}`);
  const text = await res.text();
  const doc = JSON.parse(text) as { openapi?: string; paths?: Record<string, unknown>; info?: { version?: string } };
  // Refuse anything that is not the document (a captive portal page, an error body).
  if (!doc.openapi || !doc.paths || Object.keys(doc.paths).length < 100) throw new Error('The download is not the Jira platform OpenAPI document.');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  console.log(`Wrote ${out} (OpenAPI ${doc.openapi}, version ${doc.info?.version ?? '?'}, ${Object.keys(doc.paths).length} paths).`);
  console.log(`Use it: JIRA_OPENAPI=${out} npm test`);
}

main().catch((e: unknown) => {
  console.error(`fetch-openapi failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
