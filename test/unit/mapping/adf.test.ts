import { adfSize, JIRA_TEXT_LIMIT, markdownToJiraAdf, markdownToSafeAdf, type AdfNode } from '../../../src/core/mapping/adf';
import { validateAdf } from '../../../dev/jira-sim/adf';

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
    expect(validateAdf(doc)).toBeNull();
  });

  it('drops javascript: and data: links but keeps their text; keeps http, https and mailto', () => {
    const doc = markdownToSafeAdf('[click](javascript:alert(1)) [img](data:text/html;base64,xx) [ok](https://x.test/a) [mail](mailto:sec@acme.test) [rel](/admin)');
    expect(links(doc.content)).toEqual(['https://x.test/a', 'mailto:sec@acme.test']);
    expect(texts(doc.content)).toContain('click');
    expect(texts(doc.content)).toContain('rel');
    expect(validateAdf(doc)).toBeNull();
  });

  it('turns images into links (no embedded external media) and drops raw HTML', () => {
    const doc = markdownToSafeAdf('![diagram](https://x.test/d.png)\n\n![evil](javascript:x)\n\n<script>alert(1)</script>\n\ntext');
    const json = JSON.stringify(doc);
    expect(json).not.toContain('media');
    expect(json).not.toContain('javascript');
    expect(json).not.toContain('<script>');
    expect(links(doc.content)).toEqual(['https://x.test/d.png']);
    expect(validateAdf(doc)).toBeNull();
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
    expect(validateAdf(doc)).toBeNull();
  });

  it('cuts one huge paragraph at a word, never inside one', () => {
    const doc = markdownToJiraAdf('alpha '.repeat(10_000), undefined);
    const first = texts([doc.content[0]]);
    expect(first.endsWith('alpha…')).toBe(true);
    expect(texts([doc.content[1]])).toContain('Read the full finding in Backline');
    expect(adfSize(doc)).toBeLessThanOrEqual(JIRA_TEXT_LIMIT);
    expect(validateAdf(doc)).toBeNull();
  });

  it('leaves text under the limit untouched', () => {
    const doc = markdownToJiraAdf('short', 'https://app.backline.ai/findings/f1');
    expect(texts(doc.content)).toBe('short');
  });
});
