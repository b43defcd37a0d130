import { issuePanelHtml, localIssuePanelExtras, renderPanelHtml } from '../../../dev/issue-panel-html';
import { buildPanelViewModel } from '../../../src/core/panel/view-model';
import { linked, newFinding, overdueFinding, unlinked, withMergedPr, withSyncError } from './fixtures';

const NOW = Date.parse('2026-11-28T14:00:00Z');

describe('issue panel as HTML (local runtime issue page)', () => {
  it('renders the same facts and links as the UI Kit panel, in a "Backline" box', () => {
    const html = renderPanelHtml(buildPanelViewModel(linked(withMergedPr(NOW)), NOW));
    expect(html).toMatch(/^<section class="backline-panel" aria-label="Backline"/);
    expect(html).toContain('<h3 style="margin:0 0 8px">Backline</h3>');
    expect(html).toContain('<a href="https://nvd.nist.gov/vuln/detail/CVE-2020-8203" target="_blank" rel="noopener noreferrer">CVE-2020-8203</a>');
    expect(html).toContain('<a href="https://cwe.mitre.org/data/definitions/1321.html"');
    expect(html).toContain('<a href="https://github.com/acme/payments-api/blob/main/src/utils/merge.js#L42"');
    expect(html).toContain('<code>4.17.15 → 4.17.21</code>');
    expect(html).toContain('>View in Backline</a>');
    expect(html).toContain('merged 28 Nov 2026, 12:15 UTC');
    expect(html.indexOf('>Merged<')).toBeLessThan(html.indexOf('>Closed<'));
    expect(html).toContain('Last synced 28 Nov 2026, 12:00 UTC (2 h ago)');
  });

  it('highlights an overdue SLA and shows a sync error as an alert', () => {
    expect(renderPanelHtml(buildPanelViewModel(linked(overdueFinding(NOW)), NOW))).toMatch(/class="bl-lozenge bl-removed bl-bold"[^>]*>overdue by 3 days</);
    const html = renderPanelHtml(buildPanelViewModel(linked(withSyncError(NOW)), NOW));
    expect(html).toContain('role="alert"');
    expect(html).toContain('TRANSITION_BLOCKED: No transition from &quot;Done&quot; to &quot;In Progress&quot;');
  });

  it('escapes everything that came from Backline or Jira', () => {
    const base = newFinding(NOW);
    const hostile = {
      ...base,
      finding: {
        ...base.finding,
        title: '<img src=x onerror=alert(1)>',
        package: { name: '"><script>alert(1)</script>', version: '1', fixedVersion: '2' },
        repository: { name: "acme/'x'", url: 'https://github.com/acme/x"onmouseover="alert(1)', defaultBranch: 'main' },
      },
    };
    const html = renderPanelHtml(buildPanelViewModel(linked(hostile), NOW));
    expect(html).not.toMatch(/<img|<script|onmouseover="/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('says in one line that an issue is not linked', () => {
    expect(renderPanelHtml(buildPanelViewModel(unlinked, NOW))).toContain('<p class="bl-unlinked" style="color:#6B778C">This issue is not linked to a Backline finding.</p>');
  });

  it('asks the panel resolver with the issue in the extension context, and never throws', async () => {
    const calls: unknown[] = [];
    const extras = localIssuePanelExtras({ resolve: async (input) => (calls.push(input), unlinked) }, 'acc-admin');
    expect(await extras('SEC-1')).toContain('not linked to a Backline finding');
    expect(calls).toEqual([
      {
        moduleKey: 'backline-issue-panel',
        functionKey: 'panel/get',
        payload: {},
        accountId: 'acc-admin',
        context: { accountId: 'acc-admin', accountType: 'licensed', extension: { type: 'jira:issuePanel', issue: { key: 'SEC-1' } } },
      },
    ]);
    const failing = issuePanelHtml({ load: async () => { throw new Error('resolver crashed'); }, now: () => NOW });
    expect(await failing('SEC-1')).toContain('The panel resolver failed: resolver crashed');
    const odd = issuePanelHtml({ load: async () => ({ surprise: true }), now: () => NOW });
    expect(await odd('SEC-1')).toContain('unexpected shape');
  });
});
