/**
 * The real UI Kit panel (src/frontend/issue-panel.tsx) rendered by the real
 * `@forge/react` reconciler, against a fake Forge host that answers the
 * resolver call; assertions read the tree the reconciler sends to the host.
 */
import { getPanelData } from '../../../src/core/panel/service';
import { PANEL_RESOLVER_KEY, type PanelResult } from '../../../src/shared/contracts/panel';
import type { JiraTransport } from '../../../src/core/ports';
import { makeTestPlatform } from '../../fakes';
import { findAll, installFakeHost, isLoaded, links, lozenges, texts, textOf, uninstallFakeHost, type ForgeDoc } from './forge-host';
import { linked, newFinding, overdueFinding, resolvedFinding, unlinked, withMergedPr, withOpenPr, withSyncError } from './fixtures';

afterEach(uninstallFakeHost);

/** Loads the panel module as Forge does (it renders on import) and waits for the tree after the resolver answered. */
async function renderPanel(answer: (functionKey: string, payload: unknown) => Promise<unknown>): Promise<{ doc: ForgeDoc; invokes: Array<{ functionKey: string; payload: unknown }> }> {
  const host = installFakeHost(answer);
  // The panel renders on import, as Forge loads it: a fresh module per test.
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('../../../src/frontend/issue-panel');
  });
  const doc = await host.waitForDoc(isLoaded);
  return { doc, invokes: host.invokes };
}

const answering = (result: PanelResult) => async () => result;
const now = Date.now();

function sectionMessages(doc: ForgeDoc) {
  return findAll(doc, 'SectionMessage').map((node) => ({ appearance: node.props.appearance, title: node.props.title, text: textOf(node) }));
}

describe('issue panel rendered by @forge/react', () => {
  it('shows a spinner first, then asks the panel resolver, with no payload to trust', async () => {
    const host = installFakeHost(answering(unlinked));
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('../../../src/frontend/issue-panel');
    });
    const first = host.calls.find((call) => call.cmd === 'reconcile');
    expect(findAll((first?.data as { forgeDoc: ForgeDoc }).forgeDoc, 'Spinner')).toHaveLength(1);
    await host.waitForDoc(isLoaded);
    expect(host.invokes).toEqual([{ functionKey: PANEL_RESOLVER_KEY, payload: undefined }]);
  });

  it('a new finding: severity, CVSS, CVE/CWE links, package fix, code link, SLA, View in Backline, last sync', async () => {
    const { doc } = await renderPanel(answering(linked(newFinding(now))));
    expect(lozenges(doc)).toEqual([
      { text: 'High', appearance: 'removed', isBold: false },
      { text: 'Open', appearance: 'new', isBold: false },
      { text: 'due in 30 days', appearance: 'default', isBold: false },
    ]);
    expect(findAll(doc, 'Heading').map(textOf)).toEqual(['Prototype Pollution in lodash']);
    expect(findAll(doc, 'Badge').map(textOf)).toEqual(['7.4']);
    expect(findAll(doc, 'Code').map(textOf)).toEqual(['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H', '4.17.15 → 4.17.21']);
    expect(links(doc)).toEqual([
      { text: 'View in Backline', href: 'https://app.backline.ai/findings/fnd_lodash_api' },
      { text: 'CVE-2020-8203', href: 'https://nvd.nist.gov/vuln/detail/CVE-2020-8203' },
      { text: 'CWE-1321', href: 'https://cwe.mitre.org/data/definitions/1321.html' },
      { text: 'acme/payments-api', href: 'https://github.com/acme/payments-api' },
      { text: 'src/utils/merge.js:42', href: 'https://github.com/acme/payments-api/blob/main/src/utils/merge.js#L42' },
    ]);
    expect(texts(doc)).toEqual(expect.arrayContaining(['CVSS', 'High', 'lodash (npm)', 'SLA due', newFinding(now).finding.slaDueDate]));
    expect(texts(doc).some((t) => t.startsWith('Last synced ') && t.endsWith('(2 h ago)'))).toBe(true);
    expect(findAll(doc, 'Heading').map(textOf)).not.toContain('Remediation');
    expect(sectionMessages(doc)).toEqual([]);
  });

  it('an open PR: the remediation with its mode, the PR state and when it was opened', async () => {
    const { doc } = await renderPanel(answering(linked(withOpenPr(now))));
    expect(findAll(doc, 'Heading').map(textOf)).toEqual(['Prototype Pollution in lodash', 'Remediation']);
    expect(lozenges(doc).map((l) => l.text)).toEqual(['High', 'In progress', 'due in 30 days', 'Automated', 'Open']);
    expect(links(doc)).toEqual(
      expect.arrayContaining([
        { text: 'Upgrade lodash to 4.17.21', href: 'https://app.backline.ai/remediations/rem_42' },
        { text: '#311 fix: upgrade lodash to 4.17.21', href: 'https://github.com/acme/payments-api/pull/311' },
      ]),
    );
    expect(texts(doc)).toContain('opened 28 Nov 2026, 11:00 UTC');
  });

  it('a grouped issue: its findings under their own heading, each with its severity, state and Backline link', async () => {
    const members = [
      { findingId: 'fnd_b', title: 'Prototype Pollution in lodash (web)', severity: 'critical' as const, status: 'open' as const, location: 'acme/api: web/package.json', url: 'https://app.backline.ai/findings/fnd_b' },
      { findingId: 'fnd_a', title: 'Prototype Pollution in lodash (api)', severity: 'medium' as const, status: 'resolved' as const, reason: 'not_detected' },
    ];
    const { doc } = await renderPanel(answering(linked({ ...withOpenPr(now), members })));
    expect(findAll(doc, 'Heading').map(textOf)).toEqual(['Prototype Pollution in lodash', 'Remediation', 'Findings in this issue (2, 1 open)']);
    expect(lozenges(doc).map((l) => l.text).slice(-4)).toEqual(['Critical', 'Open', 'Medium', 'Resolved (no longer detected)']);
    expect(links(doc)).toEqual(expect.arrayContaining([{ text: 'Prototype Pollution in lodash (web)', href: 'https://app.backline.ai/findings/fnd_b' }]));
    expect(texts(doc)).toEqual(expect.arrayContaining(['Prototype Pollution in lodash (api)', 'acme/api: web/package.json']));
  });

  it('a merged PR: merged first, with its merge time, then the closed one', async () => {
    const { doc } = await renderPanel(answering(linked(withMergedPr(now))));
    const prLozenges = lozenges(doc).filter((l) => ['Open', 'Merged', 'Closed'].includes(l.text));
    expect(prLozenges).toEqual([
      { text: 'Merged', appearance: 'success', isBold: false },
      { text: 'Closed', appearance: 'default', isBold: false },
    ]);
    expect(texts(doc)).toEqual(expect.arrayContaining(['merged 28 Nov 2026, 12:15 UTC', 'closed 27 Nov 2026, 09:30 UTC']));
  });

  it('a resolved finding: resolved with its reason, and a past SLA is not flagged', async () => {
    const { doc } = await renderPanel(answering(linked(resolvedFinding(now))));
    const all = lozenges(doc);
    expect(all).toContainEqual({ text: 'Resolved (fixed)', appearance: 'success', isBold: false });
    expect(all.find((l) => l.text.startsWith('was due'))).toEqual({ text: expect.stringMatching(/^was due \d{4}-\d{2}-\d{2}$/), appearance: 'success', isBold: false });
    expect(all.some((l) => l.text.startsWith('overdue'))).toBe(false);
  });

  it('an overdue SLA: a bold red lozenge saying by how much', async () => {
    const { doc } = await renderPanel(answering(linked(overdueFinding(now))));
    expect(lozenges(doc)).toContainEqual({ text: 'overdue by 3 days', appearance: 'removed', isBold: true });
    expect(lozenges(doc)[0]).toEqual({ text: 'Critical', appearance: 'removed', isBold: true });
  });

  it('a sync error: an error message with the code and when it happened', async () => {
    const { doc } = await renderPanel(answering(linked(withSyncError(now))));
    expect(sectionMessages(doc)).toEqual([
      {
        appearance: 'error',
        title: 'Last sync failed (28 Nov 2026, 11:00 UTC)',
        text: 'TRANSITION_BLOCKED: No transition from "Done" to "In Progress" in the SEC workflow; map the "PR opened" status in the project settings.',
      },
    ]);
  });

  it('an unlinked issue: one short line, nothing else', async () => {
    const { doc } = await renderPanel(answering(unlinked));
    expect(doc.children.map((c) => c.type)).toEqual(['Text']);
    expect(texts(doc)).toEqual(['This issue is not linked to a Backline finding.']);
  });

  it('a user without permission: the resolver refuses (checked as the user) and the panel shows why, with no finding data', async () => {
    // The resolver is the real service: the user's Jira answers 404 for the issue, the app's store has its link.
    const userJira: JiraTransport = { request: async () => ({ status: 404, headers: {}, body: { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} } }) };
    const appJira: JiraTransport = { request: async (r) => { throw new Error(`no app call expected: ${r.path}`); } };
    const platform = makeTestPlatform({ jira: appJira });
    const { doc } = await renderPanel(async () => getPanelData(platform, { accountId: 'user-2', jiraAsUser: userJira }, '10012'));
    expect(sectionMessages(doc)).toEqual([
      { appearance: 'warning', title: 'You cannot see this issue', text: 'You do not have permission to see this issue, or it no longer exists.' },
    ]);
    expect(links(doc)).toEqual([]);
    expect(lozenges(doc)).toEqual([]);
  });

  it('an answer that is not a panel result, or a failed invoke, becomes a message instead of a broken panel', async () => {
    const { doc } = await renderPanel(async () => ({ ok: true, data: { linked: true, data: { finding: 'nope' } } }));
    expect(sectionMessages(doc)[0]).toMatchObject({ appearance: 'warning', title: 'The Backline panel could not load' });
    uninstallFakeHost();
    const failed = await renderPanel(async () => {
      throw new Error('bridge down');
    });
    expect(sectionMessages(failed.doc)[0]).toMatchObject({ text: 'The Backline panel could not reach the app. Reload the page to try again.' });
  });
});
