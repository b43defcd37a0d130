/** The `_sim` control API, the browse page and the HTTP server wrapper. */
import { SIM_FIELDS, SIM_ISSUE_TYPES, SIM_OPTIONS, SIM_TRANSITIONS, startJiraSimulatorServer } from '../../../dev/jira-sim';
import { call, control, doc, makeSim, OPENAPI, vulnerability } from './helpers';

const R = '/rest/api/3';
const sim = makeSim({ renderIssueExtras: async (key) => `<section id="extras">Backline panel for ${key}</section>` });

beforeEach(async () => {
  await control(sim, 'POST', 'reset');
});

describe('stats', () => {
  it('counts requests, points, routes by OpenAPI template and not the _sim calls', async () => {
    await call(sim, 'POST', `${R}/issue`, vulnerability());
    await call(sim, 'POST', `${R}/issue`, vulnerability());
    await call(sim, 'GET', `${R}/issue/SEC-1`);
    await call(sim, 'GET', `${R}/issue/SEC-2`);
    await control(sim, 'GET', 'issues');
    const stats = (await control(sim, 'GET', 'stats')).body;
    expect(stats).toEqual({
      requests: 4,
      points: 1 + 1 + 2 + 2,
      byRoute: { 'POST /rest/api/3/issue': 2, 'GET /rest/api/3/issue/{issueIdOrKey}': 2 },
      pointsByRoute: { 'POST /rest/api/3/issue': 2, 'GET /rest/api/3/issue/{issueIdOrKey}': 4 },
      pointsByInstallation: { app: 6 },
      contractViolations: 0,
      rateLimited: 0,
      adfViolations: 0,
      scopeViolations: 0,
    });
  });

  it('stats/reset zeroes the counters but keeps the data', async () => {
    await call(sim, 'POST', `${R}/issue`, vulnerability());
    const reset = await control(sim, 'POST', 'stats/reset');
    expect(reset.status).toBe(200);
    expect((await control(sim, 'GET', 'stats')).body).toEqual({ requests: 0, points: 0, byRoute: {}, pointsByRoute: {}, pointsByInstallation: {}, contractViolations: 0, rateLimited: 0, adfViolations: 0, scopeViolations: 0 });
    expect((await call(sim, 'GET', `${R}/issue/SEC-1`)).status).toBe(200);
  });

  it('reset puts the data back to the seed', async () => {
    await call(sim, 'POST', `${R}/issue`, vulnerability());
    await control(sim, 'POST', 'reset');
    expect((await call(sim, 'GET', `${R}/issue/SEC-1`)).status).toBe(404);
    expect((await call(sim, 'POST', `${R}/issue`, vulnerability())).body.key).toBe('SEC-1');
    expect(sim.state.issues.size).toBe(1);
  });
});

describe('faults', () => {
  it('the next N matching requests get the injected status; others pass', async () => {
    const set = await control(sim, 'POST', 'faults', { status: 503, count: 2, match: { method: 'POST', path: '/rest/api/3/issue' } });
    expect(set.status).toBe(200);
    expect((await call(sim, 'GET', `${R}/serverInfo`)).status).toBe(200);
    const first = await call(sim, 'POST', `${R}/issue`, vulnerability());
    expect(first.status).toBe(503);
    expect(first.body).toEqual({ errorMessages: [expect.any(String)], errors: {} });
    expect((await call(sim, 'POST', `${R}/issue`, vulnerability())).status).toBe(503);
    expect((await call(sim, 'POST', `${R}/issue`, vulnerability())).status).toBe(201);
    expect(sim.state.issues.size).toBe(1);
  });

  it('429 faults carry Retry-After and RateLimit-Reason and count as rate limited', async () => {
    await control(sim, 'POST', 'faults', { status: 429, count: 1, retryAfter: 7 });
    const res = await call(sim, 'GET', `${R}/serverInfo`);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.headers.get('ratelimit-reason')).toEqual(expect.stringMatching(/^jira-/));
    expect(res.headers.get('x-ratelimit-reset')).toEqual(expect.any(String));
    expect((await control(sim, 'GET', 'stats')).body.rateLimited).toBe(1);
    expect((await call(sim, 'GET', `${R}/serverInfo`)).status).toBe(200);
  });

  it('{latencyMs} alone delays every request until DELETE faults', async () => {
    // A latency far above what a busy machine adds to one in-process call, so the check cannot flake.
    await control(sim, 'POST', 'faults', { latencyMs: 600 });
    let t = Date.now();
    await call(sim, 'GET', `${R}/serverInfo`);
    expect(Date.now() - t).toBeGreaterThanOrEqual(595);
    expect((await control(sim, 'DELETE', 'faults')).status).toBe(200);
    expect((await control(sim, 'GET', 'faults')).body).toEqual({ faults: [], latencyMs: 0 });
    t = Date.now();
    await call(sim, 'GET', `${R}/serverInfo`);
    expect(Date.now() - t).toBeLessThan(600);
  });

  it('a timeout fault (status 0) hangs latencyMs and then fails without an answer', async () => {
    await control(sim, 'POST', 'faults', { status: 0, count: 1, latencyMs: 20 });
    await expect(sim.handle(new Request(`http://sim.test/jira${R}/serverInfo`))).rejects.toThrow('fetch failed');
    await control(sim, 'POST', 'faults', { timeout: true, count: 1, latencyMs: 10, match: { path: '/rest/api/3/issue' } });
    expect((await call(sim, 'GET', `${R}/serverInfo`)).status).toBe(200);
    await expect(sim.handle(new Request(`http://sim.test/jira${R}/issue/SEC-1`))).rejects.toThrow();
  });

  it('refuses nonsense', async () => {
    expect((await control(sim, 'POST', 'faults', { status: 404, count: 1 })).status).toBe(400);
    expect((await control(sim, 'POST', 'quota', { pointsPerHour: 'many' })).status).toBe(400);
    expect((await control(sim, 'GET', 'nope')).status).toBe(404);
  });
});

describe('changing the site behind the app', () => {
  it('workflow: remove and add a transition', async () => {
    const key = (await call(sim, 'POST', `${R}/issue`, vulnerability())).body.key;
    const removed = await control(sim, 'POST', 'workflow', { project: 'SEC', removeTransition: SIM_TRANSITIONS.StartProgress });
    expect(removed.status).toBe(200);
    expect((await call(sim, 'GET', `${R}/issue/${key}/transitions`)).body.transitions).toEqual([]);
    expect((await call(sim, 'POST', `${R}/issue/${key}/transitions`, { transition: { id: SIM_TRANSITIONS.StartProgress } })).status).toBe(400);
    await control(sim, 'POST', 'workflow', { project: 'SEC', addTransition: { id: '61', name: 'Close', from: ['To Do'], to: 'Done' } });
    expect((await call(sim, 'POST', `${R}/issue/${key}/transitions`, { transition: { id: '61' } })).status).toBe(204);
    const f = (await call(sim, 'GET', `${R}/issue/${key}?fields=status,resolution`)).body.fields;
    // No screen, so no resolution: a Done issue without one, as on a real site.
    expect(f).toMatchObject({ status: { name: 'Done' }, resolution: null });
  });

  it('fields: remove / rename / add an option, remove from and add to a screen, make required', async () => {
    await control(sim, 'POST', 'fields', { field: SIM_FIELDS.Severity, removeOption: 'High' });
    expect((await call(sim, 'POST', `${R}/issue`, vulnerability({ [SIM_FIELDS.Severity]: { value: 'High' } }))).body.errors).toEqual({ [SIM_FIELDS.Severity]: "Option value 'High' is not valid" });
    await control(sim, 'POST', 'fields', { field: 'Severity', renameOption: { from: SIM_OPTIONS.Severity.Critical, to: 'Blocker' } });
    const meta = await call(sim, 'GET', `${R}/issue/createmeta/SEC/issuetypes/${SIM_ISSUE_TYPES.Vulnerability}`);
    const severity = meta.body.fields.find((f: { fieldId: string }) => f.fieldId === SIM_FIELDS.Severity);
    expect(severity.allowedValues.map((o: { value: string }) => o.value)).toEqual(['Blocker', 'Medium', 'Low', 'Info']);
    await control(sim, 'POST', 'fields', { field: SIM_FIELDS.Severity, addOption: 'Urgent' });
    expect((await call(sim, 'POST', `${R}/issue`, vulnerability({ [SIM_FIELDS.Severity]: { value: 'Urgent' } }))).status).toBe(201);

    await control(sim, 'POST', 'fields', { project: 'SEC', issueType: 'Vulnerability', removeFromScreen: SIM_FIELDS.CVE });
    expect((await call(sim, 'POST', `${R}/issue`, vulnerability({ [SIM_FIELDS.CVE]: 'CVE-1' }))).body.errors).toEqual({ [SIM_FIELDS.CVE]: `Field '${SIM_FIELDS.CVE}' cannot be set. It is not on the appropriate screen, or unknown.` });
    await control(sim, 'POST', 'fields', { project: 'SEC', issueType: 'Vulnerability', addToScreen: { fieldId: SIM_FIELDS.Team, required: true } });
    expect((await call(sim, 'POST', `${R}/issue`, vulnerability())).body.errors).toEqual({ [SIM_FIELDS.Team]: 'Team is required.' });
    await control(sim, 'POST', 'fields', { project: 'SEC', issueType: 'Vulnerability', setRequired: { fieldId: SIM_FIELDS.Team, required: false } });
    expect((await call(sim, 'POST', `${R}/issue`, vulnerability())).status).toBe(201);
  });

  it('clock, issue dump and deleting an issue behind the app', async () => {
    const before = (await control(sim, 'GET', 'clock')).body.now;
    const after = (await control(sim, 'POST', 'clock', { advanceMs: 3600_000 })).body.now;
    expect(Date.parse(after) - Date.parse(before)).toBeGreaterThanOrEqual(3600_000);
    const key = (await call(sim, 'POST', `${R}/issue`, { ...vulnerability(), properties: [{ key: 'backline', value: { findingId: 'f' } }] })).body.key;
    const dump = (await control(sim, 'GET', 'issues')).body;
    expect(dump).toEqual([expect.objectContaining({ key, properties: { backline: { findingId: 'f' } } })]);
    expect((await control(sim, 'POST', `issues/${key}/delete`)).status).toBe(200);
    expect((await call(sim, 'GET', `${R}/issue/${key}`)).status).toBe(404);
  });
});

describe('browse page', () => {
  it('renders the issue with every value escaped, plus the extras hook', async () => {
    const key = (await call(sim, 'POST', `${R}/issue`, {
      ...vulnerability({
        summary: '<script>alert(1)</script> XSS',
        description: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: '<b>bold?</b>', marks: [{ type: 'strong' }] }, { type: 'text', text: ' link', marks: [{ type: 'link', attrs: { href: 'https://example.com/?a=1&b="2"' } }] }] }] },
        [SIM_FIELDS.Severity]: { value: 'High' },
        [SIM_FIELDS.Repository]: 'acme/<shop>',
      }),
      properties: [{ key: 'backline', value: { findingId: '<f>' } }],
    })).body.key;
    await call(sim, 'POST', `${R}/issue/${key}/comment`, { body: doc('Comment <i>') });
    await call(sim, 'POST', `${R}/issue/${key}/remotelink`, { globalId: 'g', object: { url: 'javascript:alert(1)', title: 'Evil <a>' } });
    const res = await sim.handle(new Request(`http://sim.test/jira/browse/${key}`));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).not.toMatch(/<script>alert/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; XSS');
    expect(html).toContain('<strong>&lt;b&gt;bold?&lt;/b&gt;</strong>');
    expect(html).toContain('href="https://example.com/?a=1&amp;b=&quot;2&quot;"');
    expect(html).toContain('Severity (customfield_10010)');
    expect(html).toContain('acme/&lt;shop&gt;');
    expect(html).toContain('Comment &lt;i&gt;');
    expect(html).not.toContain('href="javascript');
    expect(html).toContain('&quot;findingId&quot;: &quot;&lt;f&gt;&quot;');
    expect(html).toContain(`<section id="extras">Backline panel for ${key}</section>`);
    expect((await sim.handle(new Request('http://sim.test/jira/browse/SEC-999'))).status).toBe(404);
  });
});

describe('startJiraSimulatorServer', () => {
  it('serves REST and _sim over HTTP and drops the connection on a timeout fault', async () => {
    const server = await startJiraSimulatorServer(0, { openapiPath: OPENAPI, log: () => undefined });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/jira$/);
      const info = await fetch(`${server.url}/rest/api/3/serverInfo`);
      expect(info.status).toBe(200);
      expect(((await info.json()) as { baseUrl: string }).baseUrl).toBe(server.url);
      const created = await fetch(`${server.url}/rest/api/3/issue`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(vulnerability()) });
      expect(created.status).toBe(201);
      await fetch(`${server.url}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 0, count: 1, latencyMs: 10 }) });
      await expect(fetch(`${server.url}/rest/api/3/serverInfo`)).rejects.toThrow();
      const stats = (await (await fetch(`${server.url}/_sim/stats`)).json()) as { requests: number };
      expect(stats.requests).toBe(3);
    } finally {
      await server.close();
    }
  });
});
