/**
 * The issue panel for the local runtime's issue page (`/jira/browse/<KEY>` in
 * the Jira simulator, option `renderIssueExtras`): the SAME view model as the
 * UI Kit panel (src/core/panel/view-model.ts), rendered as a static HTML box.
 * Every text and attribute is escaped; links come only from the view model,
 * which builds them from checked https URLs.
 */
import { buildPanelViewModel, type FindingView, type LabelView, type LinkView, type PanelViewModel, type Tone } from '../src/core/panel/view-model';
import { PANEL_RESOLVER_KEY, panelResultSchema, type PanelResult } from '../src/shared/contracts/panel';

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Lozenge colours of the Atlassian design system (subtle and bold variants). */
const TONES: Record<Tone, { bg: string; fg: string; boldBg: string; boldFg: string }> = {
  default: { bg: '#DFE1E6', fg: '#42526E', boldBg: '#42526E', boldFg: '#FFFFFF' },
  inprogress: { bg: '#DEEBFF', fg: '#0747A6', boldBg: '#0052CC', boldFg: '#FFFFFF' },
  moved: { bg: '#FFF0B3', fg: '#172B4D', boldBg: '#FF991F', boldFg: '#172B4D' },
  new: { bg: '#EAE6FF', fg: '#403294', boldBg: '#5243AA', boldFg: '#FFFFFF' },
  removed: { bg: '#FFEBE6', fg: '#BF2600', boldBg: '#DE350B', boldFg: '#FFFFFF' },
  success: { bg: '#E3FCEF', fg: '#006644', boldBg: '#00875A', boldFg: '#FFFFFF' },
};

function lozenge(value: LabelView): string {
  const tone = TONES[value.tone];
  const [bg, fg] = value.bold ? [tone.boldBg, tone.boldFg] : [tone.bg, tone.fg];
  return `<span class="bl-lozenge bl-${value.tone}${value.bold ? ' bl-bold' : ''}" style="background:${bg};color:${fg};border-radius:3px;padding:0 4px;font-size:11px;font-weight:700;text-transform:uppercase">${escapeHtml(value.label)}</span>`;
}

function link(value: LinkView): string {
  if (!value.href) return escapeHtml(value.text);
  return `<a href="${escapeHtml(value.href)}" target="_blank" rel="noopener noreferrer">${escapeHtml(value.text)}</a>`;
}

function row(label: string, html: string): string {
  return `<div class="bl-row"><strong>${escapeHtml(label)}</strong> ${html}</div>`;
}

function message(kind: 'error' | 'warning', title: string, text: string): string {
  const colours = kind === 'error' ? 'background:#FFEBE6;border-left:3px solid #DE350B' : 'background:#FFFAE6;border-left:3px solid #FF991F';
  return `<div class="bl-message bl-${kind}" role="${kind === 'error' ? 'alert' : 'status'}" style="${colours};padding:8px"><strong>${escapeHtml(title)}</strong><div>${escapeHtml(text)}</div></div>`;
}

function findingHtml(view: FindingView): string {
  const parts: string[] = [];
  const head = [view.severity ? lozenge(view.severity) : '', lozenge(view.status)].filter(Boolean).join(' ');
  parts.push(`<div class="bl-head">${head}${view.backline ? ` <span class="bl-backline">${link(view.backline)}</span>` : ''}</div>`);
  parts.push(`<h4 class="bl-title" style="margin:8px 0">${escapeHtml(view.title)}</h4>`);
  if (view.sync.error) parts.push(message('error', view.sync.error.title, view.sync.error.message));
  const facts: string[] = [];
  if (view.cvss) {
    facts.push(row('CVSS', `<span class="bl-badge">${escapeHtml(view.cvss.score)}</span> ${escapeHtml(view.cvss.rating)}${view.cvss.vector ? ` <code>${escapeHtml(view.cvss.vector)}</code>` : ''}`));
  }
  if (view.cves.length > 0) facts.push(row('CVE', view.cves.map(link).join(', ')));
  if (view.cwes.length > 0) facts.push(row('CWE', view.cwes.map(link).join(', ')));
  if (view.package) {
    const name = view.package.ecosystem ? `${view.package.name} (${view.package.ecosystem})` : view.package.name;
    facts.push(row('Package', `${escapeHtml(name)}${view.package.versions ? ` <code>${escapeHtml(view.package.versions)}</code>` : ''}`));
  }
  if (view.repository) facts.push(row('Repository', link(view.repository)));
  if (view.location) facts.push(row('Location', link(view.location)));
  if (view.sla) {
    facts.push(row('SLA due', `${escapeHtml(view.sla.dueDate)} ${lozenge({ label: view.sla.text, tone: view.sla.tone, bold: view.sla.overdue })}`));
  }
  if (facts.length > 0) parts.push(`<div class="bl-facts">${facts.join('')}</div>`);
  if (view.remediation || view.pullRequests.length > 0) {
    const items: string[] = [];
    if (view.remediation) items.push(`<div class="bl-remediation">${link(view.remediation.title)}${view.remediation.mode ? ` ${lozenge({ label: view.remediation.mode, tone: 'new' })}` : ''}</div>`);
    for (const pr of view.pullRequests) {
      const extra = [pr.repository, pr.time].filter((x): x is string => x !== undefined).map(escapeHtml).join(' · ');
      items.push(`<div class="bl-pr">${lozenge(pr.state)} ${link(pr.link)}${extra ? ` <small>${extra}</small>` : ''}</div>`);
    }
    parts.push(`<h5 style="margin:8px 0 4px">Remediation</h5>${items.join('')}`);
  }
  if (view.members) {
    const rows = view.members.rows.map((m) => `<div class="bl-member">${m.severity ? `${lozenge(m.severity)} ` : ''}${lozenge(m.status)} ${link(m.finding)}${m.location ? ` <small>${escapeHtml(m.location)}</small>` : ''}</div>`);
    parts.push(`<h5 style="margin:8px 0 4px">${escapeHtml(view.members.heading)}</h5>${rows.join('')}`);
  }
  const footer = [view.sync.lastSynced, view.note].filter((x): x is string => x !== undefined);
  if (footer.length > 0) parts.push(`<div class="bl-footer" style="color:#6B778C;font-size:12px;margin-top:8px">${footer.map(escapeHtml).join('<br>')}</div>`);
  return parts.join('\n');
}

/** The view model as an HTML fragment: a "Backline" box. */
export function renderPanelHtml(model: PanelViewModel): string {
  let body: string;
  switch (model.kind) {
    case 'loading':
      body = '<p>Loading…</p>';
      break;
    case 'unlinked':
      body = `<p class="bl-unlinked" style="color:#6B778C">${escapeHtml(model.message)}</p>`;
      break;
    case 'error':
      body = message('warning', model.title, model.message);
      break;
    case 'finding':
      body = findingHtml(model);
      break;
  }
  return `<section class="backline-panel" aria-label="Backline" style="border:1px solid #DFE1E6;border-radius:3px;padding:12px;margin:16px 0">\n<h3 style="margin:0 0 8px">Backline</h3>\n${body}\n</section>`;
}

export interface IssuePanelHtmlOptions {
  /** Calls the panel resolver for an issue key and answers what it returned (the same JSON the UI Kit panel gets). */
  load: (issueKey: string) => Promise<unknown>;
  now?: () => number;
}

/** `renderIssueExtras` for the Jira simulator: asks the panel resolver, renders the answer; never throws. */
export function issuePanelHtml(options: IssuePanelHtmlOptions): (issueKey: string) => Promise<string> {
  const now = options.now ?? Date.now;
  return async (issueKey) => {
    let result: PanelResult;
    try {
      const parsed = panelResultSchema.safeParse(await options.load(issueKey));
      result = parsed.success ? parsed.data : { ok: false, error: { code: 'INTERNAL', message: 'The panel resolver answered an unexpected shape.' } };
    } catch (error) {
      result = { ok: false, error: { code: 'INTERNAL', message: `The panel resolver failed: ${error instanceof Error ? error.message : String(error)}` } };
    }
    return renderPanelHtml(buildPanelViewModel(result, now()));
  };
}

/** What the local runtime needs to call the panel resolver the way the bridge does. */
export interface ResolverHost {
  resolve(input: { moduleKey: string; functionKey: string; payload: unknown; accountId: string; context: Record<string, unknown> }): Promise<unknown>;
}

/**
 * Wires `issuePanelHtml` to the runtime's resolver host (dev/runtime/functions.ts
 * `AppFunctions`): the real `panel-resolver` function runs, with the issue in
 * `context.extension` as Forge puts it, acting as `accountId`.
 */
export function localIssuePanelExtras(functions: ResolverHost, accountId: string | (() => string), moduleKey = 'backline-issue-panel'): (issueKey: string) => Promise<string> {
  return issuePanelHtml({
    load: (issueKey) => {
      const who = typeof accountId === 'function' ? accountId() : accountId;
      return functions.resolve({
        moduleKey,
        functionKey: PANEL_RESOLVER_KEY,
        payload: {},
        accountId: who,
        context: { accountId: who, accountType: 'licensed', extension: { type: 'jira:issuePanel', issue: { key: issueKey } } },
      });
    },
  });
}
