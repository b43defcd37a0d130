import { markdownToSafeAdf, type AdfNode } from '../../../src/core/mapping/adf';
import { adfSize, JIRA_TEXT_LIMIT, markdownToJiraAdf } from '../../../src/core/mapping/adf-limit';
import { adfSchemaProblem } from '../../../dev/jira-sim/adf-schema';

function texts(nodes: AdfNode[] | undefined): string {
  return (nodes ?? []).map((n) => (n.type === 'text' ? n.text ?? '' : texts(n.content))).join('');
}

function links(nodes: AdfNode[] | undefined): string[] {
  return (nodes ?? []).flatMap((n) => [...(n.marks ?? []).filter((m) => m.type === 'link').map((m) => String(m.attrs?.href)), ...links(n.content)]);
}

describe('Markdown → ADF', () => {
  it('keeps structure Jira understands and is valid ADF', () => {
    const doc = markdownToSafeAdf('# Fix\n\nUpgrade **lodash**:\n\n- to `4.17.21`\n- run tests\n\n```js\nrequire("lodash")\n```\n\n| a | b |\n|---|---|\n| 1 |   |\n\n> quoted');
    expect(doc.content.map((n) => n.type)).toEqual(['heading', 'paragraph', 'bulletList', 'codeBlock', 'table', 'blockquote']);
    expect(adfSchemaProblem(doc)).toBeNull();
  });

  it('drops javascript: and data: links but keeps their text; keeps http, https and mailto', () => {
    const doc = markdownToSafeAdf('[click](javascript:alert(1)) [img](data:text/html;base64,xx) [ok](https://x.test/a) [mail](mailto:sec@acme.test) [rel](/admin)');
    expect(links(doc.content)).toEqual(['https://x.test/a', 'mailto:sec@acme.test']);
    expect(texts(doc.content)).toContain('click');
    expect(texts(doc.content)).toContain('rel');
    expect(adfSchemaProblem(doc)).toBeNull();
  });

  it('turns images into links (no embedded external media) and drops raw HTML', () => {
    const doc = markdownToSafeAdf('![diagram](https://x.test/d.png)\n\n![evil](javascript:x)\n\n<script>alert(1)</script>\n\ntext');
    const json = JSON.stringify(doc);
    expect(json).not.toContain('media');
    expect(json).not.toContain('javascript');
    expect(json).not.toContain('<script>');
    expect(links(doc.content)).toEqual(['https://x.test/d.png']);
    expect(adfSchemaProblem(doc)).toBeNull();
  });

  // Markdown nests freely; Atlassian's schema does not, and Jira refuses the whole issue (400) otherwise.
  it.each([
    ['a heading in a list item', '- # Title\n- **Fix** it', ['Title', 'Fix it']],
    ['a heading in a quote', '> # Heading\n> body', ['Heading', 'body']],
    ['a quote in a quote', '> > deep quote\n> outer', ['deep quote', 'outer']],
    ['a quote in a list item', '- > quoted item', ['quoted item']],
    ['a rule in a quote', '> before\n>\n> ---\n>\n> after', ['before', 'after']],
    ['a table in a list item', '- intro\n\n  | a | b |\n  |---|---|\n  | 1 | 2 |', ['intro', 'a', 'b', '1', '2']],
    ['a table in a quote', '> | sev | pkg |\n> |---|---|\n> | high | lodash |', ['sev', 'pkg', 'high', 'lodash']],
    ['a code block in a list item', '- step\n\n  ```sh\n  npm i lodash@4.17.21\n  ```', ['step', 'npm i lodash@4.17.21']],
    ['a heading in a quote in a list item', '1. one\n   > ## Deep', ['one', 'Deep']],
    ['code with other marks', '**`bold code`** and ~~_`x`_~~', ['bold code', 'and', 'x']],
  ])('rewrites %s into valid ADF and keeps its text', (_what, markdown, expected) => {
    const doc = markdownToSafeAdf(markdown);
    expect(adfSchemaProblem(doc)).toBeNull();
    const all = texts(doc.content);
    for (const piece of expected) expect(all).toContain(piece);
  });

  it('a heading where none is allowed becomes a bold paragraph; a nested quote is unwrapped', () => {
    expect(markdownToSafeAdf('- # Title').content).toEqual([
      { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Title', marks: [{ type: 'strong' }] }] }] }] },
    ]);
    expect(markdownToSafeAdf('> > q').content).toEqual([{ type: 'blockquote', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'q' }] }] }]);
  });

  it('empty Markdown gives an empty document', () => {
    expect(markdownToSafeAdf('  \n ')).toEqual({ version: 1, type: 'doc', content: [] });
  });

  it('cuts text over Jira’s limit at a block boundary and links to the finding', () => {
    const paragraphs = Array.from({ length: 400 }, (_, i) => `Paragraph ${i} ${'lorem ipsum '.repeat(10)}`).join('\n\n');
    const doc = markdownToJiraAdf(paragraphs, 'https://app.backline.ai/findings/f1');
    expect(adfSize(doc)).toBeLessThanOrEqual(JIRA_TEXT_LIMIT);
    expect(texts(doc.content).length).toBeLessThanOrEqual(JIRA_TEXT_LIMIT);
    const last = doc.content[doc.content.length - 1];
    expect(texts([last])).toContain('shortened');
    expect(links([last])).toEqual(['https://app.backline.ai/findings/f1']);
    // every kept paragraph before the cut is whole
    const kept = doc.content.slice(0, -2).map((n) => texts([n]));
    expect(kept.every((t, i) => t.startsWith(`Paragraph ${i} `) && t.trimEnd().endsWith('ipsum'))).toBe(true);
    expect(adfSchemaProblem(doc)).toBeNull();
  });

  it('cuts one huge paragraph at a word, never inside one', () => {
    const doc = markdownToJiraAdf('alpha '.repeat(10_000), undefined);
    const first = texts([doc.content[0]]);
    expect(first.endsWith('alpha…')).toBe(true);
    expect(texts([doc.content[1]])).toContain('Read the full finding in Backline');
    expect(adfSize(doc)).toBeLessThanOrEqual(JIRA_TEXT_LIMIT);
    expect(adfSchemaProblem(doc)).toBeNull();
  });

  it('leaves text under the limit untouched', () => {
    const doc = markdownToJiraAdf('short', 'https://app.backline.ai/findings/f1');
    expect(texts(doc.content)).toBe('short');
  });
});
