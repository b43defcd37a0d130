/**
 * The browse page's "Development" section: what Jira's development panel shows
 * for an issue from the DevOps APIs (routes/devops.ts): the vulnerabilities
 * associated with it (Security) and the pull requests linked to it, each with
 * its state, the way the panel lists GitHub's or Snyk's.
 */
import { escapeHtml } from '../adf';
import type { DevopsSimStore } from './devops';

const LOZENGE: Record<string, string> = { open: 'indeterminate', closed: 'done', ignored: '', unknown: '', OPEN: 'indeterminate', MERGED: 'done', DECLINED: '', UNKNOWN: '' };

function link(url: string, text: string): string {
  return /^https?:/i.test(url) ? `<a href="${escapeHtml(url)}" rel="noopener noreferrer">${escapeHtml(text)}</a>` : escapeHtml(text);
}

export function renderDevelopmentPanel(devops: DevopsSimStore, issueKey: string): string {
  const vulnerabilities = devops.vulnerabilitiesOf(issueKey).map((v) => {
    const ids = (v.identifiers ?? []).map((i) => link(i.url, i.displayName)).join(', ');
    return `<li data-vulnerability="${escapeHtml(v.id)}"><span class="lozenge ${LOZENGE[v.status] ?? ''}">${escapeHtml(v.status)}</span> <span class="lozenge">${escapeHtml(v.severity.level)}</span> ${link(v.url, v.displayName)} <span class="muted">${escapeHtml(v.containerId)}${ids ? ` · ${ids}` : ''}</span></li>`;
  });
  const pullRequests = devops.pullRequestsOf(issueKey).map((pr) =>
    `<li data-pull-request="${escapeHtml(pr.repository.id)}/${escapeHtml(pr.id)}"><span class="lozenge ${LOZENGE[pr.status] ?? ''}">${escapeHtml(pr.status)}</span> ${link(pr.url, `${pr.displayId} ${pr.title}`)} <span class="muted">${escapeHtml(pr.repository.name)} · updated ${escapeHtml(pr.lastUpdate)}</span></li>`);
  if (vulnerabilities.length === 0 && pullRequests.length === 0) return '';
  return `<h2>Development</h2>
<h3>Security (${vulnerabilities.length} ${vulnerabilities.length === 1 ? 'vulnerability' : 'vulnerabilities'})</h3>${vulnerabilities.length > 0 ? `<ul>${vulnerabilities.join('')}</ul>` : '<p class="muted">None.</p>'}
<h3>Pull requests (${pullRequests.length})</h3>${pullRequests.length > 0 ? `<ul>${pullRequests.join('')}</ul>` : '<p class="muted">None.</p>'}`;
}
