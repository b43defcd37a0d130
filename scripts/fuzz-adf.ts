/**
 * `npm run fuzz:adf [-- runs] [--seed n]`: converts random scanner-style
 * Markdown (test/unit/fuzz/markdown.ts) to ADF, default 100,000 documents, and
 * checks each against Atlassian's ADF schema and for lost text. Prints how many
 * documents the raw Markdown parser would have made invalid (what the
 * converter had to rewrite), and exits non-zero with the first failing
 * document (shrunk) if any.
 */
import fc from 'fast-check';
import { markdownToAdf } from 'marklassian';
import { adfSchemaProblem } from '../dev/jira-sim/adf-schema';
import { markdownToSafeAdf } from '../src/core/mapping/adf';
import { lostText, markdownDocument } from '../test/unit/fuzz/markdown';

const args = process.argv.slice(2);
const seedAt = args.indexOf('--seed');
const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : Date.now() % 2 ** 31;
const runs = Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--seed') ?? 100_000);

let checked = 0;
let rewritten = 0;
const started = performance.now();
const result = fc.check(
  fc.property(markdownDocument, (markdown) => {
    checked++;
    try {
      if (adfSchemaProblem(markdownToAdf(markdown)) !== null) rewritten++;
    } catch {
      rewritten++;
    }
    const doc = markdownToSafeAdf(markdown);
    const problem = adfSchemaProblem(doc);
    if (problem) throw new Error(`not valid ADF: ${problem}`);
    const lost = lostText(markdown, doc);
    if (lost.length > 0) throw new Error(`text lost: ${JSON.stringify(lost)}`);
  }),
  { numRuns: runs, seed },
);
const seconds = ((performance.now() - started) / 1000).toFixed(1);

if (result.failed) {
  console.error(`FAILED after ${result.numRuns} documents (seed ${seed}, ${seconds} s)`);
  console.error(`document: ${JSON.stringify(result.counterexample?.[0])}`);
  console.error(String(result.errorInstance));
  process.exit(1);
}
console.log(`ADF fuzz: ${result.numRuns} random Markdown documents in ${seconds} s (seed ${seed})`);
console.log(`  schema-valid after conversion: ${result.numRuns} of ${result.numRuns}; text lost: 0`);
console.log(`  the parser's raw output was invalid ADF (rewritten by the converter): ${rewritten} of ${checked}`);
