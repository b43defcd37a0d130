/**
 * Markdown → Atlassian Document Format for the description and multi-line
 * text fields (Jira REST v3 takes only ADF there). Markdown comes from
 * Backline findings, i.e. from scanners and ultimately from third parties, so
 * the output is sanitised: links keep only http, https and mailto targets
 * (others become plain text), images become links (no external media is
 * embedded in the issue), and only node and mark types Jira accepts remain.
 *
 * Markdown nests freely; ADF does not. Atlassian's schema (`@atlaskit/adf-schema`,
 * docs/platform-limits.md "Jira REST endpoints and field limits") lets a list
 * item or a quote hold only paragraphs, lists and code, and Jira refuses the
 * whole issue otherwise. So nesting the schema forbids is rewritten, keeping
 * every piece of text: a heading there becomes a bold paragraph, a quote inside
 * a quote or a list item is unwrapped, a table becomes one paragraph per row,
 * and a rule (which holds no text) is dropped.
 *
 * Jira's length limit is applied by adf-limit.ts.
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

const SAFE_HREF = /^(https?:|mailto:)/i;

/** Where a block sits decides which blocks it may hold (the schema's `content` of each parent). */
type Container = 'doc' | 'listItem' | 'blockquote' | 'tableCell' | 'panel';
const ALLOWED_BLOCKS: Record<Container, ReadonlySet<string>> = {
  doc: new Set(['paragraph', 'heading', 'bulletList', 'orderedList', 'codeBlock', 'blockquote', 'rule', 'panel', 'table']),
  listItem: new Set(['paragraph', 'bulletList', 'orderedList', 'codeBlock']),
  blockquote: new Set(['paragraph', 'bulletList', 'orderedList', 'codeBlock']),
  tableCell: new Set(['paragraph', 'heading', 'bulletList', 'orderedList', 'codeBlock', 'blockquote', 'rule', 'panel']),
  panel: new Set(['paragraph', 'heading', 'bulletList', 'orderedList', 'codeBlock', 'rule']),
};
const STRUCTURE_TYPES = new Set(['listItem', 'tableRow', 'tableCell', 'tableHeader', 'mediaSingle', 'mediaGroup']);
const PANEL_TYPES = new Set(['info', 'note', 'tip', 'warning', 'error', 'success']);
const PLAIN_MARKS = new Set(['strong', 'em', 'strike', 'underline']);

export function emptyDoc(): AdfDoc {
  return { version: 1, type: 'doc', content: [] };
}

export function isSafeHref(href: unknown): href is string {
  return typeof href === 'string' && SAFE_HREF.test(href.trim());
}

export function text(value: string, marks?: AdfMark[]): AdfNode {
  return marks && marks.length > 0 ? { type: 'text', text: value, marks } : { type: 'text', text: value };
}

export function paragraph(content: AdfNode[]): AdfNode {
  return { type: 'paragraph', content };
}

function isBlock(node: AdfNode): boolean {
  return ALLOWED_BLOCKS.doc.has(node.type) || STRUCTURE_TYPES.has(node.type);
}

/**
 * Marks the schema accepts: each type once, links only to safe targets,
 * `subsup` only with its `sub`/`sup` attribute, and `code` combined with
 * nothing but a link (the schema's `code_inline_node`).
 */
function sanitizeMarks(marks: AdfMark[] | undefined): AdfMark[] {
  const kept = new Map<string, AdfMark>();
  for (const mark of marks ?? []) {
    if (kept.has(mark.type)) continue;
    if (mark.type === 'link') {
      const href = mark.attrs?.href;
      // javascript:, data:, vbscript: and relative links are dropped; the text stays.
      if (isSafeHref(href)) kept.set('link', { type: 'link', attrs: { href: href.trim() } });
    } else if (mark.type === 'subsup') {
      const kind = mark.attrs?.type;
      if (kind === 'sub' || kind === 'sup') kept.set('subsup', { type: 'subsup', attrs: { type: kind } });
    } else if (mark.type === 'code' || PLAIN_MARKS.has(mark.type)) {
      kept.set(mark.type, { type: mark.type });
    }
  }
  const list = [...kept.values()];
  return kept.has('code') ? list.filter((m) => m.type === 'code' || m.type === 'link') : list;
}

/** An image becomes a link to it (or its alt text): no external media is embedded. */
function mediaInline(node: AdfNode): AdfNode[] {
  const media = node.content?.find((child) => child.type === 'media');
  const url = media?.attrs?.url;
  const altAttr = media?.attrs?.alt;
  const alt = typeof altAttr === 'string' && altAttr.trim() ? altAttr.trim() : undefined;
  if (isSafeHref(url) && /^https?:/i.test(url)) return [text(alt ?? url, [{ type: 'link', attrs: { href: url } }])];
  return alt ? [text(alt)] : [];
}

/** Inline content of any nodes; blocks met on the way are flattened, joined by `separator`. */
function inlines(nodes: AdfNode[] | undefined, separator: () => AdfNode = () => ({ type: 'hardBreak' })): AdfNode[] {
  const result: AdfNode[] = [];
  const push = (parts: AdfNode[], block: boolean) => {
    if (parts.length === 0) return;
    if (block && result.length > 0) result.push(separator());
    result.push(...parts);
  };
  for (const node of nodes ?? []) {
    if (node.type === 'text') {
      if (typeof node.text === 'string' && node.text.length > 0) push([text(node.text, sanitizeMarks(node.marks))], false);
    } else if (node.type === 'hardBreak') {
      result.push({ type: 'hardBreak' });
    } else if (node.type === 'mediaSingle' || node.type === 'mediaGroup') {
      push(mediaInline(node), true);
    } else {
      push(inlines(node.content, separator), isBlock(node));
    }
  }
  return result;
}

/** Text of a code block: plain text only, line breaks kept as newlines. */
function codeText(nodes: AdfNode[] | undefined): AdfNode[] {
  return inlines(nodes, () => text('\n')).map((n) => text(n.type === 'hardBreak' ? '\n' : (n.text ?? '')));
}

function emphasised(nodes: AdfNode[]): AdfNode[] {
  return nodes.map((n) => (n.type === 'text' ? text(n.text ?? '', sanitizeMarks([...(n.marks ?? []), { type: 'strong' }])) : n));
}

/** A table where the schema allows none: one paragraph per row, cells separated by " | ". */
function tableAsParagraphs(table: AdfNode): AdfNode[] {
  return (table.content ?? [])
    .map((row) => inlines(row.type === 'tableRow' ? row.content : [row], () => text(' | ')))
    .filter((content) => content.length > 0)
    .map(paragraph);
}

function list(node: AdfNode): AdfNode | undefined {
  const items = (node.content ?? [])
    .map((item) => blocks(item.type === 'listItem' ? item.content : [item], 'listItem'))
    .filter((content) => content.length > 0)
    .map((content): AdfNode => ({ type: 'listItem', content }));
  if (items.length === 0) return undefined;
  const order = Number(node.attrs?.order);
  if (node.type === 'orderedList' && Number.isInteger(order) && order >= 0) return { type: 'orderedList', attrs: { order }, content: items };
  return { type: node.type, content: items };
}

function table(node: AdfNode): AdfNode | undefined {
  const rows = (node.content ?? [])
    .map((row) => (row.type === 'tableRow' ? row.content ?? [] : [row]).map((cell): AdfNode => {
      const content = blocks(cell.type === 'tableCell' || cell.type === 'tableHeader' ? cell.content : [cell], 'tableCell');
      return { type: cell.type === 'tableHeader' ? 'tableHeader' : 'tableCell', content: content.length > 0 ? content : [paragraph([])] };
    }))
    .filter((cells) => cells.length > 0)
    .map((cells): AdfNode => ({ type: 'tableRow', content: cells }));
  return rows.length > 0 ? { type: 'table', content: rows } : undefined;
}

/** One source node as blocks valid inside `container`. */
function block(node: AdfNode, container: Container): AdfNode[] {
  const allowed = ALLOWED_BLOCKS[container];
  switch (node.type) {
    case 'paragraph': {
      const content = inlines(node.content);
      return content.length > 0 ? [paragraph(content)] : [];
    }
    case 'heading': {
      const content = inlines(node.content);
      if (content.length === 0) return [];
      if (!allowed.has('heading')) return [paragraph(emphasised(content))];
      const level = Number(node.attrs?.level);
      return [{ type: 'heading', attrs: { level: Number.isInteger(level) && level >= 1 && level <= 6 ? level : 1 }, content }];
    }
    case 'codeBlock': {
      const content = codeText(node.content);
      if (content.length === 0) return [];
      const language = node.attrs?.language;
      return [typeof language === 'string' ? { type: 'codeBlock', attrs: { language }, content } : { type: 'codeBlock', content }];
    }
    case 'bulletList':
    case 'orderedList': {
      const result = list(node);
      return result ? [result] : [];
    }
    case 'rule':
      return allowed.has('rule') ? [{ type: 'rule' }] : [];
    case 'blockquote': {
      if (!allowed.has('blockquote')) return blocks(node.content, container);
      const content = blocks(node.content, 'blockquote');
      return content.length > 0 ? [{ type: 'blockquote', content }] : [];
    }
    case 'panel': {
      const panelType = node.attrs?.panelType;
      if (!allowed.has('panel') || typeof panelType !== 'string' || !PANEL_TYPES.has(panelType)) return blocks(node.content, container);
      const content = blocks(node.content, 'panel');
      return content.length > 0 ? [{ type: 'panel', attrs: { panelType }, content }] : [];
    }
    case 'table': {
      if (!allowed.has('table')) return tableAsParagraphs(node);
      const result = table(node);
      return result ? [result] : [];
    }
    default: {
      // Structure met out of place, or a node type this app does not write: keep what it holds.
      if ((node.content ?? []).some(isBlock)) return blocks(node.content, container);
      const content = inlines([node]);
      return content.length > 0 ? [paragraph(content)] : [];
    }
  }
}

/** Any nodes as blocks valid inside `container`; loose inline nodes are gathered into paragraphs. */
function blocks(nodes: AdfNode[] | undefined, container: Container): AdfNode[] {
  const result: AdfNode[] = [];
  let loose: AdfNode[] = [];
  const flush = () => {
    const content = inlines(loose);
    if (content.length > 0) result.push(paragraph(content));
    loose = [];
  };
  for (const node of nodes ?? []) {
    if (!isBlock(node)) {
      loose.push(node);
      continue;
    }
    flush();
    result.push(...block(node, container));
  }
  flush();
  return result;
}

/** Makes any ADF-like document safe and valid for Jira (see the module comment). */
export function sanitizeAdf(doc: { content?: AdfNode[] }): AdfDoc {
  return { version: 1, type: 'doc', content: blocks(doc.content, 'doc') };
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
