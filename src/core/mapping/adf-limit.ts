/**
 * Jira limits the description and multi-line text fields to 32,767
 * characters (docs/platform-limits.md "Jira REST endpoints and field limits").
 * A longer document is cut at a block or word boundary and ends with a link to
 * the finding; what remains is still valid ADF (whole blocks, or a paragraph
 * or heading cut inside its text).
 */
import { markdownToSafeAdf, paragraph, text, type AdfDoc, type AdfNode } from './adf';

/** Jira's limit for description and multi-line text fields. */
export const JIRA_TEXT_LIMIT = 32_767;
/**
 * Jira stores rich text in a representation with markup around the text, and
 * the limit applies to that; measured size adds this per block node and per
 * mark so a document that "fits" by text alone is not refused.
 */
const BLOCK_OVERHEAD = 8;
const MARK_OVERHEAD = 4;

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
  // Never split a surrogate pair: half an emoji is not text Jira can store.
  const end = max > 0 && /[\uD800-\uDBFF]/.test(value.charAt(max - 1)) ? max - 1 : max;
  const slice = value.slice(0, end);
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
