/**
 * Atlassian Document Format: the validation Jira applies to description,
 * multi-line text fields and comments (REST API v3), and a safe HTML rendering
 * for the browse page. Documents are checked against Atlassian's published ADF
 * JSON schema (`adf-schema.ts`); every refusal is also reported to the
 * simulator, which records it as an ADF schema violation.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { adfSchemaProblem } from './adf-schema';
import type { AdfDoc, AdfNode } from './types';
import { isObject, str } from './util';

const BLOCK_NODES = new Set([
  'paragraph', 'heading', 'bulletList', 'orderedList', 'listItem', 'codeBlock', 'blockquote', 'rule', 'panel',
  'table', 'tableRow', 'tableHeader', 'tableCell', 'mediaSingle', 'mediaGroup', 'media', 'expand', 'nestedExpand',
  'taskList', 'taskItem', 'decisionList', 'decisionItem', 'layoutSection', 'layoutColumn', 'blockCard', 'embedCard', 'multiBodiedExtension', 'extension', 'bodiedExtension',
]);
const SAFE_LINK = /^(https?:|mailto:)/i;

/** Jira's answer when a v3 rich-text field gets something that is not an ADF document. */
export const NOT_ADF_MESSAGE = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';

/** Where the ADF problems of the request being handled go (set by the simulator around each request). */
const reporter = new AsyncLocalStorage<(problem: string) => void>();

/** Runs `fn` with `report` receiving every ADF refusal made while it runs. */
export function withAdfReporter<T>(report: (problem: string) => void, fn: () => T): T {
  return reporter.run(report, fn);
}

/**
 * Checks an ADF document; answers a problem description or null. Jira's own
 * message for a malformed document is terse ("INVALID_INPUT"); the simulator
 * says what is wrong so a failing test is easy to fix.
 */
export function validateAdf(value: unknown): string | null {
  const problem = adfProblem(value);
  if (problem) reporter.getStore()?.(problem);
  return problem;
}

function adfProblem(value: unknown): string | null {
  if (!isObject(value) || value.type !== 'doc') return NOT_ADF_MESSAGE;
  if (value.version !== 1) return `${NOT_ADF_MESSAGE}: "version" must be 1.`;
  if (!Array.isArray(value.content)) return `${NOT_ADF_MESSAGE}: "content" must be an array.`;
  const schema = adfSchemaProblem(value);
  if (schema) return `INVALID_INPUT: ${schema}`;
  // Stricter than the schema (its link href is any string): only links that render safely.
  const unsafe = unsafeLink(value.content as AdfNode[], 'doc');
  return unsafe ? `INVALID_INPUT: ${unsafe}` : null;
}

function unsafeLink(nodes: AdfNode[], path: string): string | null {
  for (const [i, node] of nodes.entries()) {
    const here = `${path}.content[${i}]`;
    for (const mark of node.marks ?? []) {
      if (mark.type === 'link' && !SAFE_LINK.test(str(mark.attrs?.href))) return `${here}: link marks need an http, https or mailto href.`;
    }
    const inner = node.content ? unsafeLink(node.content, here) : null;
    if (inner) return inner;
  }
  return null;
}

/** Number of characters of text in a document (what the 32,767 limit counts). */
export function adfTextLength(doc: AdfDoc): number {
  let n = 0;
  const walk = (nodes: AdfNode[] | undefined): void => {
    for (const node of nodes ?? []) {
      if (typeof node.text === 'string') n += node.text.length;
      walk(node.content);
    }
  };
  walk(doc.content);
  return n;
}

/** Plain text of a document (for JQL `~` and the issue page's fallbacks). */
export function adfToText(doc: AdfDoc | null | undefined): string {
  if (!doc) return '';
  const parts: string[] = [];
  const walk = (nodes: AdfNode[] | undefined): void => {
    for (const node of nodes ?? []) {
      if (typeof node.text === 'string') parts.push(node.text);
      walk(node.content);
      if (BLOCK_NODES.has(node.type)) parts.push('\n');
    }
  };
  walk(doc.content);
  return parts.join('').trim();
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const BLOCK_TAGS: Record<string, string> = {
  paragraph: 'p', bulletList: 'ul', orderedList: 'ol', listItem: 'li', blockquote: 'blockquote',
  table: 'table', tableRow: 'tr', tableHeader: 'th', tableCell: 'td', panel: 'div', expand: 'details', nestedExpand: 'details',
  taskList: 'ul', taskItem: 'li', decisionList: 'ul', decisionItem: 'li', layoutSection: 'div', layoutColumn: 'div',
};

/** Renders ADF to HTML. Every string from the document is escaped; only http(s)/mailto links survive. */
export function adfToHtml(doc: AdfDoc | null | undefined): string {
  if (!doc || !Array.isArray(doc.content)) return '';
  return doc.content.map(renderNode).join('');
}

function attr(node: AdfNode, name: string): unknown {
  return node.attrs ? node.attrs[name] : undefined;
}

function renderNode(node: AdfNode): string {
  const inner = (node.content ?? []).map(renderNode).join('');
  switch (node.type) {
    case 'text':
      return renderMarks(escapeHtml(node.text ?? ''), node.marks ?? []);
    case 'hardBreak':
      return '<br>';
    case 'rule':
      return '<hr>';
    case 'heading': {
      const level = Math.min(6, Math.max(1, Number(attr(node, 'level')) || 1));
      return `<h${level}>${inner}</h${level}>`;
    }
    case 'codeBlock':
      return `<pre><code>${inner}</code></pre>`;
    case 'mention':
      return `<span class="mention">@${escapeHtml(str(attr(node, 'text') ?? attr(node, 'id')))}</span>`;
    case 'emoji':
      return escapeHtml(str(attr(node, 'text') ?? attr(node, 'shortName')));
    case 'status':
      return `<span class="lozenge">${escapeHtml(str(attr(node, 'text')))}</span>`;
    case 'date':
      return escapeHtml(new Date(Number(attr(node, 'timestamp'))).toISOString().slice(0, 10));
    case 'inlineCard':
    case 'blockCard':
    case 'embedCard': {
      const url = str(attr(node, 'url'));
      return SAFE_LINK.test(url) ? `<a href="${escapeHtml(url)}" rel="noopener noreferrer">${escapeHtml(url)}</a>` : escapeHtml(url);
    }
    default: {
      const tag = BLOCK_TAGS[node.type];
      return tag ? `<${tag}>${inner}</${tag}>` : inner;
    }
  }
}

function renderMarks(html: string, marks: NonNullable<AdfNode['marks']>): string {
  let out = html;
  for (const mark of marks) {
    switch (mark.type) {
      case 'strong': out = `<strong>${out}</strong>`; break;
      case 'em': out = `<em>${out}</em>`; break;
      case 'code': out = `<code>${out}</code>`; break;
      case 'strike': out = `<s>${out}</s>`; break;
      case 'underline': out = `<u>${out}</u>`; break;
      case 'link': {
        const href = str(mark.attrs?.href);
        if (SAFE_LINK.test(href)) out = `<a href="${escapeHtml(href)}" rel="noopener noreferrer">${out}</a>`;
        break;
      }
      default: break;
    }
  }
  return out;
}
