/**
 * Every ADF document the app writes to Jira is valid by Atlassian's schema
 * (`@atlaskit/adf-schema`): descriptions rendered from Markdown, the lifecycle
 * comments (PR opened / merged / closed, resolved for each reason, reopened,
 * remediation verified), the truncation notice, and comments built from bare
 * text. Each event type is planned against the demo configuration, with
 * ordinary and awkward input (no PR number or title, Markdown that nests what
 * ADF forbids), and every document found in the planned writes is checked.
 */
import { adfSchemaProblem } from '../../../dev/jira-sim/adf-schema';
import { demoSecProjectConfig } from '../../../dev/demo-config';
import type { EventType } from '../../../src/core/events/schema';
import { validateRequestBody } from '../../../src/core/events/validate';
import { truncationNotice } from '../../../src/core/mapping/adf-limit';
import { renderIssueFields } from '../../../src/core/mapping';
import { prComment, textDoc } from '../../../src/core/sync/messages';
import { emptyLink, planEvent } from '../../../src/core/sync/plan';
import { EXAMPLES } from '../events/examples';
import { lodashFinding } from '../../fakes/findings';
import { SEC_STATUSES, secVulnerabilityMeta } from '../mapping/fixtures';
import { SIM_ISSUE_TYPES, SIM_STATUSES } from '../../../dev/jira-sim/seed';

const meta = secVulnerabilityMeta();
const config = demoSecProjectConfig(meta, SEC_STATUSES);
const NOW = Date.parse('2026-11-28T13:00:00Z');
const NESTED_MARKDOWN = '- # Title in a list\n> # Heading in a quote\n> > nested quote\n\n- item\n\n  | a | b |\n  |---|---|\n  | 1 | 2 |\n\n> ---';

function docsIn(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(docsIn);
  if (typeof value !== 'object' || value === null) return [];
  if ('type' in value && value.type === 'doc') return [value];
  return Object.values(value).flatMap(docsIn);
}

type Body = Record<string, any>;
const variants: Array<[string, (body: Body) => Body]> = [
  ['as in the contract', (b) => b],
  ['without PR number or title, remediation title or finding URL', (b) => {
    if (b.data.pullRequest) b.data.pullRequest = { url: b.data.pullRequest.url };
    if (b.data.remediation) b.data.remediation = { id: b.data.remediation.id };
    if (b.data.finding) delete b.data.finding.url;
    return b;
  }],
  ['with Markdown ADF cannot nest as written', (b) => {
    if (b.data.finding) b.data.finding.description = NESTED_MARKDOWN;
    if (b.data.pullRequest) b.data.pullRequest.title = '# not a heading > nor a quote';
    return b;
  }],
];
const planned: Array<Exclude<EventType, 'ping' | 'issue.lookup'>> = ['finding.created', 'finding.updated', 'finding.resolved', 'finding.reopened', 'remediation.pr_opened', 'remediation.pr_merged', 'remediation.pr_closed', 'remediation.resolved'];

describe.each(planned)('%s', (type) => {
  it.each(variants)('plans only schema-valid ADF (%s)', (_variant, vary) => {
    const bodies = type === 'finding.resolved' ? ['fixed', 'not_detected', 'false_positive', 'accepted_risk'].map((reason) => ({ ...EXAMPLES[type](), data: { ...EXAMPLES[type]().data, reason } })) : [EXAMPLES[type]()];
    let documents = 0;
    for (const body of bodies) {
      const parsed = validateRequestBody(vary(body));
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.details));
      const [event] = parsed.events;
      if (!event || event.type === 'ping' || event.type === 'issue.lookup') throw new Error('not a planned event');
      const finding = 'finding' in event.data ? event.data.finding : lodashFinding();
      for (const creating of [true, false]) {
        const link = emptyLink(finding.id, 'SEC', SIM_ISSUE_TYPES.Vulnerability, NOW);
        if (!creating) Object.assign(link, { issueId: '10001', issueKey: 'SEC-1', statusId: SIM_STATUSES.InProgress, resolved: { reason: 'fixed', at: '2026-11-01T00:00:00Z' } });
        const rendered = 'title' in finding && typeof finding.title === 'string' ? renderIssueFields({ config, meta, context: { finding }, mode: creating ? 'create' : 'update' }) : undefined;
        const plan = planEvent({ event, finding, link, creating, config, now: NOW, ...(rendered ? { rendered } : {}) });
        for (const doc of docsIn(plan.writes)) {
          expect(adfSchemaProblem(doc)).toBeNull();
          documents++;
        }
      }
    }
    // Every planned event writes a description or a comment at least once: the check above is never vacuous.
    expect(documents).toBeGreaterThan(0);
  });
});

describe('the other builders', () => {
  it('textDoc: plain runs, links, and runs that are all empty', () => {
    for (const runs of [[{ text: 'plain' }], [{ text: 'see ' }, { text: 'here', href: 'https://x.test' }], [{ text: '' }], []]) {
      expect(adfSchemaProblem(textDoc(runs))).toBeNull();
    }
  });

  it('prComment for every PR state, with and without the optional parts', () => {
    for (const state of ['open', 'merged', 'closed'] as const) {
      expect(adfSchemaProblem(prComment(state, { id: 'rem_1' }, { url: 'https://github.com/a/b/pull/1' }))).toBeNull();
      expect(adfSchemaProblem(prComment(state, { id: 'rem_1', title: 'Upgrade' }, { url: 'https://github.com/a/b/pull/1', number: 1, title: 'fix' }))).toBeNull();
    }
  });

  it('the truncation notice, with and without a finding link', () => {
    for (const url of ['https://app.backline.ai/findings/f', undefined, 'javascript:alert(1)']) {
      expect(adfSchemaProblem({ version: 1, type: 'doc', content: [truncationNotice(url)] })).toBeNull();
    }
  });
});
