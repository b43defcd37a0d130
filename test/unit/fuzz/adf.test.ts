/**
 * Every Markdown document a scanner could send becomes ADF that Atlassian's
 * own schema accepts, and no text the Markdown parser found is lost on the way
 * (nesting the schema forbids is rewritten, never dropped). CI runs a few
 * thousand documents; `npm run fuzz:adf` runs 100,000 and more.
 */
import fc from 'fast-check';
import { adfSchemaProblem } from '../../../dev/jira-sim/adf-schema';
import { markdownToSafeAdf } from '../../../src/core/mapping/adf';
import { adfSize, markdownToJiraAdf } from '../../../src/core/mapping/adf-limit';
import { lostText, markdownDocument } from './markdown';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
const runs = (numRuns: number) => ({ numRuns, ...(seed !== undefined ? { seed } : {}) });

test('random Markdown converts to schema-valid ADF with every piece of text kept', () => {
  fc.assert(
    fc.property(markdownDocument, (markdown) => {
      const doc = markdownToSafeAdf(markdown);
      expect(adfSchemaProblem(doc)).toBeNull();
      expect(lostText(markdown, doc)).toEqual([]);
    }),
    runs(Number(process.env.FUZZ_ADF_RUNS ?? 3000)),
  );
});

test('a document cut to a length limit stays schema-valid and within the limit', () => {
  fc.assert(
    fc.property(fc.array(markdownDocument, { minLength: 1, maxLength: 8 }), fc.integer({ min: 200, max: 3000 }), (parts, limit) => {
      const doc = markdownToJiraAdf(parts.join('\n\n'), 'https://app.backline.ai/findings/fnd_1', limit);
      expect(adfSchemaProblem(doc)).toBeNull();
      expect(adfSize(doc)).toBeLessThanOrEqual(limit);
    }),
    runs(300),
  );
});
