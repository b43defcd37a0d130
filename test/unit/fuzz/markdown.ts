/**
 * Random scanner-style Markdown for fuzzing the Markdown → ADF converter:
 * paragraphs with marks and links (safe and hostile), headings, rules, code
 * (fenced and indented), tables, and lists and quotes nested in each other to
 * any depth: the nesting Atlassian's ADF schema forbids is what breaks Jira.
 * Shared by the jest property test and `npm run fuzz:adf`.
 */
import fc from 'fast-check';
import { markdownToAdf } from 'marklassian';
import type { AdfNode } from '../../../src/core/mapping/adf';

const word = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('CVE-2026-1234', 'lodash', 'upgrade', 'to', '4.17.21', 'fix', 'SQL', 'injection', 'in', 'the', 'parser', 'é', '日本', '🙂', 'a_b', 'x*y', '<b>', '&amp;', '#1', '\\*') },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 8 }).map((s) => s.replace(/\s+/g, ' ')) },
);
const words = fc.array(word, { minLength: 1, maxLength: 6 }).map((w) => w.join(' '));
const href = fc.constantFrom('https://ok.example/a?b=1', 'http://x.example', 'mailto:a@b.c', 'javascript:alert(1)', 'data:text/html;base64,PHNjcmlwdD4=', '//evil.example', 'relative/path', 'vbscript:x');

const inline: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: words },
  { weight: 1, arbitrary: words.map((t) => `**${t}**`) },
  { weight: 1, arbitrary: words.map((t) => `_${t}_`) },
  { weight: 1, arbitrary: words.map((t) => `\`${t.replace(/`/g, '')}\``) },
  { weight: 1, arbitrary: words.map((t) => `~~${t}~~`) },
  { weight: 1, arbitrary: words.map((t) => `**\`${t.replace(/`/g, '')}\`**`) },
  { weight: 1, arbitrary: fc.tuple(words, href).map(([t, h]) => `[${t}](${h})`) },
  { weight: 1, arbitrary: fc.tuple(words, href).map(([t, h]) => `![${t}](${h})`) },
  { weight: 1, arbitrary: href.map((h) => `<${h}>`) },
  { weight: 1, arbitrary: fc.constantFrom('<br>', '<script>alert(1)</script>', '  \n') },
);
const line = fc.array(inline, { minLength: 1, maxLength: 4 }).map((parts) => parts.join(' '));

const leaf: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: line },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 6 }), line).map(([n, t]) => `${'#'.repeat(n)} ${t}`) },
  { weight: 1, arbitrary: fc.constantFrom('---', '***', '___') },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('', 'js', 'python'), fc.array(words, { minLength: 1, maxLength: 3 })).map(([lang, lines]) => `\`\`\`${lang}\n${lines.join('\n')}\n\`\`\``) },
  { weight: 1, arbitrary: words.map((t) => `    ${t}`) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.array(words, { minLength: 1, maxLength: 9 })).map(([cols, cells]) => {
      const row = (from: number) => `| ${Array.from({ length: cols }, (_, i) => (cells[(from + i) % cells.length] ?? 'x').replace(/\|/g, '')).join(' | ')} |`;
      return [row(0), `|${' --- |'.repeat(cols)}`, row(cols), row(2 * cols)].join('\n');
    }),
  },
);

function indent(block: string, first: string, rest: string): string {
  return block.split('\n').map((l, i) => (i === 0 ? first : rest) + l).join('\n');
}

/** A Markdown block: a leaf, or a list / quote holding blocks (which may hold blocks …). */
const { block } = fc.letrec<{ block: string }>((tie) => ({
  block: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('block'), { minLength: 1, maxLength: 3 }).map((items) => items.map((b) => indent(b, '- ', '  ')).join('\n')),
    fc.array(tie('block'), { minLength: 1, maxLength: 3 }).map((items) => items.map((b, i) => indent(b, `${i + 1}. `, '   ')).join('\n')),
    fc.array(tie('block'), { minLength: 1, maxLength: 2 }).map((parts) => indent(parts.join('\n\n'), '> ', '> ')),
  ),
}));

/** A whole document: blocks separated by blank lines (sometimes by a single newline). */
export const markdownDocument: fc.Arbitrary<string> = fc
  .array(fc.tuple(block, fc.constantFrom('\n\n', '\n')), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.map(([b, sep]) => b + sep).join(''));

/** Every text node's text, in document order. */
export function textChunks(node: { content?: AdfNode[]; text?: string; type?: string }): string[] {
  if (node.type === 'text') return node.text ? [node.text] : [];
  return (node.content ?? []).flatMap(textChunks);
}

/**
 * The text the parser found in `markdown` that is missing from `converted`
 * (empty when none is lost). Whitespace is ignored and text may be added
 * (table separators, image links), but every parsed piece must appear, in order.
 */
export function lostText(markdown: string, converted: { content?: AdfNode[] }): string[] {
  let parsed: { content?: AdfNode[] };
  try {
    parsed = markdownToAdf(markdown);
  } catch {
    return [];
  }
  const squeeze = (s: string) => s.replace(/\s+/g, '');
  const haystack = squeeze(textChunks(converted).join(''));
  const lost: string[] = [];
  let from = 0;
  for (const chunk of textChunks(parsed).map(squeeze).filter(Boolean)) {
    const at = haystack.indexOf(chunk, from);
    if (at < 0) lost.push(chunk);
    else from = at + chunk.length;
  }
  return lost;
}
