/**
 * Markdown → Atlassian Document Format for the description and multi-line
 * text fields (Jira REST v3 takes only ADF there). Markdown comes from
 * Backline findings, i.e. from scanners and ultimately from third parties, so
 * the output is sanitised: links keep only http, https and mailto targets
 * (others become plain text), images become links (no external media is
 * embedded in the issue), and only node and mark types Jira accepts remain.
 * Jira limits these fields to 32,767 characters (FORGE-FACTS.md); longer text
 * is cut at a block or word boundary and ends with a link to the finding.
 */
import { markdownToAdf } from 'marklassian';

export interface AdfMark {
  type: string;
  attrs?: Record<string, unknown>;
}
export interface AdfNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
  marks?: AdfMark[];
  text?: string;
}
export interface AdfDoc {
  version: 1;
  type: 'doc';
  content: AdfNode[];
}

/** Jira's limit for description and multi-line text fields. */
export const JIRA_TEXT_LIMIT = 32_767;
/**
 * Jira stores rich text in a representation with markup around the text, and
 * the limit applies to that; measured size adds this per block node and per
 * mark so a document that "fits" by text alone is not refused.
 */
const BLOCK_OVERHEAD = 8;
const MARK_OVERHEAD = 4;

const SAFE_HREF = /^(https?:|mailto:)/i;

const BLOCK_TYPES = new Set([
  'paragraph', 'heading', 'bulletList', 'orderedList', 'listItem', 'codeBlock', 'blockquote', 'rule', 'panel',
  'table', 'tableRow', 'tableHeader', 'tableCell',
]);
const INLINE_TYPES = new Set(['text', 'hardBreak']);
const MARK_TYPES = new Set(['strong', 'em', 'code', 'strike', 'underline', 'link', 'subsup']);

export function emptyDoc(): AdfDoc {
  return { version: 1, type: 'doc', content: [] };
}

export function isSafeHref(href: unknown): href is string {
  return typeof href === 'string' && SAFE_HREF.test(href.trim());
}

function text(value: string, marks?: AdfMark[]): AdfNode {
  return marks && marks.length > 0 ? { type: 'text', text: value, marks } : { type: 'text', text: value };
}

function paragraph(content: AdfNode[]): AdfNode {
  return { type: 'paragraph', content };
}

function sanitizeMarks(marks: AdfMark[] | undefined): AdfMark[] | undefined {
  if (!marks) return undefined;
  const kept: AdfMark[] = [];
  for (const mark of marks) {
    if (!MARK_TYPES.has(mark.type)) continue;
    if (mark.type === 'link') {
      const href = mark.attrs?.href;
      // javascript:, data:, vbscript: and relative links are dropped; the text stays.
      if (!isSafeHref(href)) continue;
      kept.push({ type: 'link', attrs: { href: href.trim() } });
      continue;
    }
    kept.push(mark.attrs ? { type: mark.type, attrs: mark.attrs } : { type: mark.type });
  }
  return kept;
}

/** An image becomes a link to it (or its alt text): no external media is embedded. */
function mediaToParagraph(node: AdfNode): AdfNode | undefined {
  const media = node.content?.find((child) => child.type === 'media');
  const url = media?.attrs?.url;
  const altAttr = media?.attrs?.alt;
  const alt = typeof altAttr === 'string' && altAttr.trim() ? altAttr.trim() : undefined;
  if (isSafeHref(url) && /^https?:/i.test(url)) return paragraph([text(alt ?? url, [{ type: 'link', attrs: { href: url } }])]);
  return alt ? paragraph([text(alt)]) : undefined;
}

function sanitizeNodes(nodes: AdfNode[] | undefined, inline: boolean): AdfNode[] {
  const result: AdfNode[] = [];
  for (const node of nodes ?? []) {
    if (node.type === 'mediaSingle' || node.type === 'mediaGroup') {
      const replacement = mediaToParagraph(node);
      if (replacement) result.push(...(inline ? replacement.content ?? [] : [replacement]));
      continue;
    }
    if (node.type === 'text') {
      if (typeof node.text !== 'string' || node.text.length === 0) continue;
      result.push(text(node.text, sanitizeMarks(node.marks)));
      continue;
    }
    if (node.type === 'hardBreak') {
      result.push({ type: 'hardBreak' });
      continue;
    }
    if (!BLOCK_TYPES.has(node.type) && !INLINE_TYPES.has(node.type)) {
      // Unknown node: keep its text, if any, so nothing the finding says is lost silently.
      const inner = sanitizeNodes(node.content, true);
      if (inner.length > 0) result.push(...(inline ? inner : [paragraph(inner)]));
      continue;
    }
    const copy: AdfNode = { type: node.type };
    if (node.attrs) copy.attrs = { ...node.attrs };
    if (node.type === 'heading') {
      const level = Number(node.attrs?.level);
      copy.attrs = { level: Number.isInteger(level) && level >= 1 && level <= 6 ? level : 1 };
    }
    if (node.type === 'rule') {
      result.push({ type: 'rule' });
      continue;
    }
    const childrenInline = node.type === 'paragraph' || node.type === 'heading' || node.type === 'codeBlock';
    copy.content = sanitizeNodes(node.content, childrenInline);
    if (node.type === 'codeBlock') {
      // Code blocks take plain text only (no marks).
      copy.content = copy.content.filter((c) => c.type === 'text').map((c) => text(c.text ?? ''));
      if (copy.attrs && typeof copy.attrs.language !== 'string') delete copy.attrs.language;
    }
    // Containers Jira refuses when empty: lists, list items, tables, rows, cells. Keep empty paragraphs out too.
    if (copy.content.length === 0 && node.type !== 'tableCell' && node.type !== 'tableHeader') continue;
    if ((node.type === 'tableCell' || node.type === 'tableHeader') && copy.content.length === 0) copy.content = [paragraph([])];
    result.push(copy);
  }
  return result;
}

/** Makes any ADF-like document safe and valid for Jira (see the module comment). */
export function sanitizeAdf(doc: { content?: AdfNode[] }): AdfDoc {
  return { version: 1, type: 'doc', content: sanitizeNodes(doc.content, false) };
}

/** Markdown → sanitised ADF. Empty input gives an empty document. */
export function markdownToSafeAdf(markdown: string): AdfDoc {
  if (!markdown.trim()) return emptyDoc();
  let converted: { content?: AdfNode[] };
  try {
    converted = markdownToAdf(markdown);
  } catch {
    // The converter should not throw, but a finding must never fail on its description: fall back to plain text.
    converted = { content: markdown.split(/\n{2,}/).filter((p) => p.trim()).map((p) => paragraph([text(p)])) };
  }
  return sanitizeAdf(converted);
}

/** Measured size of a node (text length plus markup overhead), see BLOCK_OVERHEAD. */
export function adfSize(node: AdfNode | AdfDoc): number {
  if (node.type === 'text') return (node.text?.length ?? 0) + ((node).marks?.length ?? 0) * MARK_OVERHEAD;
  if (node.type === 'hardBreak') return 1;
  let size = node.type === 'doc' ? 0 : BLOCK_OVERHEAD;
  for (const child of node.content ?? []) size += adfSize(child);
  return size;
}

/** Cuts text at the last whitespace within `max` characters (or hard at `max` if there is none nearby). */
export function cutAtWord(value: string, max: number): string {
  if (value.length <= max) return value;
  const slice = value.slice(0, max);
  const lastSpace = slice.search(/\s\S*$/);
  return (lastSpace > max * 0.6 ? slice.slice(0, lastSpace) : slice).trimEnd();
}

/** A paragraph's inline content cut to `budget` measured characters, at a word boundary; undefined if nothing fits. */
function cutParagraph(node: AdfNode, budget: number): AdfNode | undefined {
  let remaining = budget - BLOCK_OVERHEAD - 1; // 1 for the ellipsis
  const kept: AdfNode[] = [];
  for (const child of node.content ?? []) {
    const size = adfSize(child);
    if (size <= remaining) {
      kept.push(child);
      remaining -= size;
      continue;
    }
    if (child.type === 'text' && child.text) {
      const room = remaining - (child.marks?.length ?? 0) * MARK_OVERHEAD;
      const cut = room > 0 ? cutAtWord(child.text, room) : '';
      if (cut) kept.push(text(cut, child.marks));
    }
    break;
  }
  if (kept.length === 0) return undefined;
  kept.push(text('…'));
  return { ...node, content: kept };
}

export function truncationNotice(findingUrl: string | undefined): AdfNode {
  const intro = text('This text was shortened to fit Jira’s limit. ');
  if (findingUrl && /^https:/i.test(findingUrl)) {
    return paragraph([intro, text('Read the full finding in Backline', [{ type: 'link', attrs: { href: findingUrl } }]), text('.')]);
  }
  return paragraph([intro, text('Read the full finding in Backline.')]);
}

/**
 * Fits a document into `limit` measured characters: whole top-level blocks
 * while they fit, then the next paragraph/heading cut at a word, then a final
 * paragraph linking to the finding.
 */
export function truncateAdf(doc: AdfDoc, findingUrl: string | undefined, limit = JIRA_TEXT_LIMIT): { doc: AdfDoc; truncated: boolean } {
  if (adfSize(doc) <= limit) return { doc, truncated: false };
  const notice = truncationNotice(findingUrl);
  let budget = limit - adfSize(notice);
  const content: AdfNode[] = [];
  for (const block of doc.content) {
    const size = adfSize(block);
    if (size <= budget) {
      content.push(block);
      budget -= size;
      continue;
    }
    if (block.type === 'paragraph' || block.type === 'heading') {
      const cut = cutParagraph(block, budget);
      if (cut) content.push(cut);
    }
    break;
  }
  content.push(notice);
  return { doc: { version: 1, type: 'doc', content }, truncated: true };
}

/** Markdown → sanitised ADF that fits Jira's limit. */
export function markdownToJiraAdf(markdown: string, findingUrl?: string, limit = JIRA_TEXT_LIMIT): AdfDoc {
  return truncateAdf(markdownToSafeAdf(markdown), findingUrl, limit).doc;
}
