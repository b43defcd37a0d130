import { FORBIDDEN_MESSAGE, getPanelData } from '../../../src/core/panel/service';
import type { JiraRequest, JiraResponse, JiraTransport } from '../../../src/core/ports';
import { linkSetOperation, propertyValue, type Link } from '../../../src/core/sync/links';
import { makeTestPlatform, RecordingLogger } from '../../fakes';

/** Jira as seen by one caller: which issues they can browse, and the issues' `backline` properties. */
class FakeJira implements JiraTransport {
  readonly requests: JiraRequest[] = [];
  constructor(
    private readonly visible: Array<{ id: string; key: string }>,
    private readonly properties: Record<string, unknown> = {},
    private readonly forced?: number,
  ) {}
  async request(request: JiraRequest): Promise<JiraResponse> {
    this.requests.push(request);
    if (this.forced) return { status: this.forced, headers: {}, body: { errorMessages: ['Service unavailable'], errors: {} } };
    const url = new URL(request.path, 'https://site.test');
    const issueMatch = /^\/rest\/api\/3\/issue\/([^/]+)$/.exec(url.pathname);
    const propertyMatch = /^\/rest\/api\/3\/issue\/([^/]+)\/properties\/backline$/.exec(url.pathname);
    const find = (idOrKey: string) => this.visible.find((i) => i.id === idOrKey || i.key === idOrKey);
    if (issueMatch && request.method === 'GET') {
      const issue = find(decodeURIComponent(issueMatch[1]));
      // Jira answers 404 both for a missing issue and for one the caller may not browse.
      if (!issue) return { status: 404, headers: {}, body: { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} } };
      return { status: 200, headers: {}, body: { id: issue.id, key: issue.key, fields: { summary: 'x' } } };
    }
    if (propertyMatch && request.method === 'GET') {
      const value = this.properties[decodeURIComponent(propertyMatch[1])];
      if (value === undefined) return { status: 404, headers: {}, body: { errorMessages: ['The property with key backline does not exist.'], errors: {} } };
      return { status: 200, headers: {}, body: { key: 'backline', value } };
    }
    throw new Error(`unexpected ${request.method} ${request.path}`);
  }
}

const ISSUE = { id: '10012', key: 'SEC-12' };
const SECRET_ISSUE = { id: '10500', key: 'HR-1' };

const finding = {
  id: 'fnd_lodash_api',
  title: 'Prototype Pollution in lodash',
  severity: 'high',
  status: 'open',
  cvssScore: 7.4,
  cvssVector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H',
  cveIds: ['CVE-2020-8203'],
  cweIds: ['CWE-1321'],
  package: { ecosystem: 'npm', name: 'lodash', version: '4.17.15', fixedVersion: '4.17.21' },
  repository: { name: 'acme/payments-api', url: 'https://github.com/acme/payments-api', defaultBranch: 'main' },
  location: { path: 'src/utils/merge.js', line: 42 },
  slaDueDate: '2026-12-28',
  url: 'https://app.backline.ai/findings/fnd_lodash_api',
};

function link(issue: { id: string; key: string }, overrides: Partial<Link> = {}): Link {
  return {
    findingId: 'fnd_lodash_api',
    issueId: issue.id,
    issueKey: issue.key,
    projectKey: issue.key.split('-')[0],
    issueTypeId: '10003',
    lastEventAt: Date.parse('2026-11-28T11:00:00Z'),
    fieldFingerprints: {},
    remediations: [
      {
        id: 'rem_42',
        title: 'Upgrade lodash to 4.17.21',
        mode: 'automated',
        prs: [{ url: 'https://github.com/acme/payments-api/pull/311', number: 311, title: 'fix: upgrade lodash', state: 'open', at: '2026-11-28T11:00:00Z', linked: true, commented: { open: true } }],
      },
    ],
    remediationId: 'rem_42',
    lastSyncAt: Date.parse('2026-11-28T11:00:02Z'),
    updatedAt: Date.parse('2026-11-28T11:00:02Z'),
    title: finding.title,
    severity: 'high',
    findingUrl: finding.url,
    ...overrides,
  };
}

async function setup(options: { userSees: Array<{ id: string; key: string }>; links?: Link[]; properties?: Record<string, unknown>; userStatus?: number }) {
  const app = new FakeJira([ISSUE, SECRET_ISSUE], options.properties ?? {});
  const user = new FakeJira(options.userSees, {}, options.userStatus);
  const logger = new RecordingLogger();
  const platform = makeTestPlatform({ jira: app, logger });
  for (const l of options.links ?? []) await platform.store.transact([linkSetOperation(l)]);
  platform.store.stats.queries = 0;
  return { platform, app, user, logger, caller: { accountId: 'user-1', jiraAsUser: user } };
}

describe('issue panel service: permission first', () => {
  it('gives a user who cannot browse the issue no data at all, only an error the panel shows', async () => {
    const { platform, app, user, caller } = await setup({ userSees: [ISSUE], links: [link(SECRET_ISSUE)], properties: { [SECRET_ISSUE.id]: propertyValue(link(SECRET_ISSUE), finding) } });

    const result = await getPanelData(platform, caller, SECRET_ISSUE.id);

    expect(result).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: FORBIDDEN_MESSAGE } });
    expect(user.requests).toEqual([{ method: 'GET', path: `/rest/api/3/issue/${SECRET_ISSUE.id}?fields=summary` }]);
    // Nothing was read as the app: not even whether the issue is linked leaks.
    expect(platform.store.stats.queries).toBe(0);
    expect(app.requests).toEqual([]);
  });

  it('checks the issue it was asked about, as the user, whatever key the context claims', async () => {
    const { platform, user, caller } = await setup({ userSees: [ISSUE], links: [link(ISSUE, { finding })] });
    const result = await getPanelData(platform, caller, 'SEC-12');
    expect(user.requests.map((r) => r.path)).toEqual(['/rest/api/3/issue/SEC-12?fields=summary']);
    // The id used for the store is the one Jira answered to the user, not the one sent.
    expect(result).toMatchObject({ ok: true, data: { linked: true, data: { issue: ISSUE } } });
  });

  it('refuses an anonymous caller and malformed issue ids without calling Jira', async () => {
    const { platform, user, app, caller } = await setup({ userSees: [ISSUE] });
    expect(await getPanelData(platform, { ...caller, accountId: undefined }, ISSUE.id)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await getPanelData(platform, caller, '../../myself')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await getPanelData(platform, caller, undefined)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(user.requests).toEqual([]);
    expect(app.requests).toEqual([]);
  });

  it('says Jira is unavailable (not "forbidden") when the permission check hits a 503', async () => {
    const { platform, caller } = await setup({ userSees: [ISSUE], userStatus: 503 });
    expect(await getPanelData(platform, caller, ISSUE.id)).toMatchObject({ ok: false, error: { code: 'JIRA_UNAVAILABLE' } });
  });
});

describe('issue panel service: where the data comes from', () => {
  it('reads the stored link, with the finding details from the issue property when the link has none', async () => {
    const stored = link(ISSUE);
    const { platform, app, user, caller } = await setup({ userSees: [ISSUE], links: [stored], properties: { [ISSUE.id]: propertyValue(stored, finding) } });

    const result = await getPanelData(platform, caller, ISSUE.id);

    expect(result).toEqual({
      ok: true,
      data: {
        linked: true,
        data: {
          issue: ISSUE,
          finding: { ...finding, severity: 'high', status: 'open' },
          remediation: { id: 'rem_42', title: 'Upgrade lodash to 4.17.21', mode: 'automated' },
          pullRequests: [{ url: 'https://github.com/acme/payments-api/pull/311', number: 311, title: 'fix: upgrade lodash', state: 'open', at: '2026-11-28T11:00:00Z' }],
          lastSyncedAt: '2026-11-28T11:00:02.000Z',
          source: 'store',
        },
      },
    });
    expect(user.requests).toHaveLength(1);
    expect(app.requests.map((r) => r.path)).toEqual([`/rest/api/3/issue/${ISSUE.id}/properties/backline`]);
  });

  it('needs no app call to Jira when the stored link carries the finding snapshot', async () => {
    const { platform, app, caller } = await setup({ userSees: [ISSUE], links: [link(ISSUE, { finding })] });
    const result = await getPanelData(platform, caller, ISSUE.id);
    expect(result).toMatchObject({ ok: true, data: { linked: true, data: { finding: { cvssVector: finding.cvssVector, location: finding.location }, source: 'store' } } });
    expect(app.requests).toEqual([]);
  });

  it('shows the resolution and the current sync error from the link', async () => {
    const stored = link(ISSUE, {
      resolved: { reason: 'fixed', at: '2026-11-29T08:00:00Z' },
      lastSyncAt: Date.parse('2026-11-29T08:00:00Z'),
      lastError: { code: 'TRANSITION_BLOCKED', message: 'No transition to Done', at: Date.parse('2026-11-29T08:00:00Z') },
    });
    const { platform, caller } = await setup({ userSees: [ISSUE], links: [stored], properties: { [ISSUE.id]: propertyValue(stored, finding) } });
    const result = await getPanelData(platform, caller, ISSUE.id);
    expect(result).toMatchObject({
      ok: true,
      data: { data: { finding: { status: 'resolved', resolvedReason: 'fixed' }, lastSyncError: { code: 'TRANSITION_BLOCKED', message: 'No transition to Done', at: '2026-11-29T08:00:00.000Z' } } },
    });
  });

  it('hides an error that a later successful sync superseded', async () => {
    const stored = link(ISSUE, { finding, lastSyncAt: Date.parse('2026-11-29T09:00:00Z'), lastError: { code: 'JIRA_UNAVAILABLE', message: 'Jira answered 503', at: Date.parse('2026-11-29T08:00:00Z') } });
    const { platform, caller } = await setup({ userSees: [ISSUE], links: [stored] });
    const result = await getPanelData(platform, caller, ISSUE.id);
    if (!result.ok || !result.data.linked) throw new Error('expected linked data');
    expect(result.data.data.lastSyncedAt).toBe('2026-11-29T09:00:00.000Z');
    expect(result.data.data.lastSyncError).toBeUndefined();
  });

  it('falls back to the issue property when the store has no link', async () => {
    const { platform, caller } = await setup({ userSees: [ISSUE], properties: { [ISSUE.id]: propertyValue(link(ISSUE), finding) } });
    const result = await getPanelData(platform, caller, ISSUE.id);
    expect(result).toMatchObject({
      ok: true,
      data: { linked: true, data: { source: 'issue-property', finding: { id: 'fnd_lodash_api', cveIds: ['CVE-2020-8203'] }, remediation: { id: 'rem_42', mode: 'automated' }, pullRequests: [{ number: 311, state: 'open' }] } },
    });
  });

  it('answers "not linked" for an issue the app does not manage', async () => {
    const { platform, caller } = await setup({ userSees: [ISSUE] });
    expect(await getPanelData(platform, caller, ISSUE.id)).toEqual({ ok: true, data: { linked: false, issue: ISSUE } });
  });

  it('reports Jira trouble reading the property as unavailable, and logs no finding data', async () => {
    const { platform, caller, logger } = await setup({ userSees: [ISSUE] });
    const failing = new FakeJira([], {}, 500);
    const result = await getPanelData({ ...platform, jira: failing }, caller, ISSUE.id);
    expect(result).toMatchObject({ ok: false, error: { code: 'JIRA_UNAVAILABLE' } });
    expect(logger.entries).toEqual([{ level: 'error', message: 'issue panel: reading the link failed', fields: { issueId: ISSUE.id, code: 'INTERNAL' } }]);
  });
});
