/**
 * `GET <baseUrl>/browse/KEY`: a plain, readable issue page so a person trying
 * the app locally can open what it created. Every value is escaped; rich text
 * goes through the ADF renderer, which only emits a fixed set of tags.
 */
import { adfToHtml, escapeHtml } from './adf';
import { renderValue } from './fields';
import type { Repr } from './repr';
import { jiraTime, type SimStore } from './store';
import type { AdfDoc, SimIssue } from './types';
import { str } from './util';

const STYLE = `body{font:14px/1.5 -apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:60rem;color:#172b4d}
h1{font-size:1.5rem}table{border-collapse:collapse}td,th{padding:.25rem .75rem;text-align:left;vertical-align:top;border-bottom:1px solid #dfe1e6}
.lozenge{display:inline-block;padding:0 .4rem;border-radius:3px;background:#dfe1e6;font-size:12px;font-weight:600;text-transform:uppercase}
.done{background:#e3fcef;color:#006644}.indeterminate{background:#deebff;color:#0747a6}
pre{background:#f4f5f7;padding:.5rem;overflow:auto}.comment{border-left:3px solid #dfe1e6;padding-left:.75rem;margin:.75rem 0}
.muted{color:#6b778c}`;

/** Short text for a rendered field value (objects by name/value/displayName). */
function display(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(display).filter(Boolean).join(', ');
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const base = str(o.displayName ?? o.name ?? o.value ?? o.key ?? o);
    return o.child ? `${base} › ${display(o.child)}` : base;
  }
  return str(value);
}

export function renderIssuePage(store: SimStore, repr: Repr, issue: SimIssue, extrasHtml: string): string {
  const project = store.projectById(issue.projectId);
  const status = store.status(issue.statusId);
  const type = store.issueType(issue.issueTypeId);
  const resolution = store.data.resolutions.find((r) => r.id === issue.resolutionId);
  const ctx = { store, repr, project };
  const rows: string[] = [];
  const row = (name: string, html: string): void => { rows.push(`<tr><th>${escapeHtml(name)}</th><td>${html}</td></tr>`); };
  row('Type', escapeHtml(type?.name ?? issue.issueTypeId));
  row('Status', `<span class="lozenge ${status.categoryKey}">${escapeHtml(status.name)}</span>`);
  row('Resolution', escapeHtml(resolution?.name ?? 'Unresolved'));
  for (const sf of store.createScreen(project, issue.issueTypeId)) {
    const f = store.field(sf.fieldId);
    if (!f || ['project', 'issuetype', 'summary', 'description'].includes(f.id)) continue;
    const v = issue.fields[f.id];
    const html = f.kind === 'adf' ? adfToHtml(v as AdfDoc | null) : escapeHtml(display(renderValue(f, v, ctx)));
    row(`${f.name} (${f.id})`, html || '<span class="muted">None</span>');
  }
  row('Created', escapeHtml(jiraTime(issue.created)));
  row('Updated', escapeHtml(jiraTime(issue.updated)));

  const comments = issue.comments.map((c) => {
    const author = store.user(c.authorId)?.displayName ?? c.authorId;
    return `<div class="comment"><div class="muted">${escapeHtml(author)} · ${escapeHtml(jiraTime(c.created))}</div>${adfToHtml(c.body)}</div>`;
  }).join('') || '<p class="muted">No comments.</p>';

  const links = issue.remoteLinks.map((l) => {
    const url = str(l.object.url);
    const title = escapeHtml(str(l.object.title ?? url));
    const safe = /^https?:/i.test(url) ? `<a href="${escapeHtml(url)}" rel="noopener noreferrer">${title}</a>` : title;
    const summary = l.object.summary ? ` <span class="muted">${escapeHtml(str(l.object.summary))}</span>` : '';
    return `<li>${safe}${summary}${l.globalId ? ` <code>${escapeHtml(l.globalId)}</code>` : ''}</li>`;
  }).join('');

  const props = Object.entries(issue.properties).map(([k, v]) =>
    `<h3><code>${escapeHtml(k)}</code></h3><pre>${escapeHtml(JSON.stringify(v, null, 2))}</pre>`).join('');

  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>[${escapeHtml(issue.key)}] ${escapeHtml(str(issue.fields.summary))}</title>
<style>${STYLE}</style></head><body>
<p class="muted">${escapeHtml(project.name)} / ${escapeHtml(issue.key)} · Jira simulator</p>
<h1>${escapeHtml(str(issue.fields.summary))}</h1>
<table>${rows.join('')}</table>
<h2>Description</h2>${adfToHtml(issue.fields.description as AdfDoc | null) || '<p class="muted">No description.</p>'}
<h2>Comments</h2>${comments}
<h2>Remote links</h2>${links ? `<ul>${links}</ul>` : '<p class="muted">None.</p>'}
<h2>Issue properties</h2>${props || '<p class="muted">None.</p>'}
${extrasHtml}
</body></html>`;
}

export function renderNotFoundPage(key: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Issue not found</title><style>${STYLE}</style></head>
<body><h1>Issue ${escapeHtml(key)} does not exist</h1><p>It may have been deleted, or the key is wrong.</p></body></html>`;
}
