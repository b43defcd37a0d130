/** Pure pieces of the Jira simulator: ADF checks and rendering, JQL parsing, path templates, rate windows. */
import { adfTextLength, adfToHtml, validateAdf } from '../../../dev/jira-sim/adf';
import { parseJql } from '../../../dev/jira-sim/jql';
import { TemplateMatcher } from '../../../dev/jira-sim/openapi';
import { RateLimiter } from '../../../dev/jira-sim/ratelimit';

const p = (...content: unknown[]): unknown => ({ type: 'doc', version: 1, content: [{ type: 'paragraph', content }] });

describe('ADF', () => {
  it('accepts documents with known nodes and marks', () => {
    expect(validateAdf(p({ type: 'text', text: 'a', marks: [{ type: 'strong' }, { type: 'link', attrs: { href: 'mailto:a@b.c' } }] }, { type: 'hardBreak' }))).toBeNull();
    expect(validateAdf({ type: 'doc', version: 1, content: [{ type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'H' }] }, { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'i' }] }] }] }, { type: 'codeBlock', content: [{ type: 'text', text: 'x' }] }] })).toBeNull();
  });

  it.each([
    ['a string', 'text'],
    ['no version', { type: 'doc', content: [] }],
    ['nested doc', { type: 'doc', version: 1, content: [{ type: 'doc', version: 1, content: [] }] }],
    ['heading without level', { type: 'doc', version: 1, content: [{ type: 'heading', content: [] }] }],
    ['text with content', p({ type: 'text', text: 'a', content: [] })],
    ['data: link', p({ type: 'text', text: 'a', marks: [{ type: 'link', attrs: { href: 'data:text/html,x' } }] })],
  ])('refuses %s', (_n, value) => {
    expect(validateAdf(value)).toEqual(expect.any(String));
  });

  it('counts text and renders escaped HTML', () => {
    const d = p({ type: 'text', text: '<x>' }, { type: 'text', text: 'y', marks: [{ type: 'em' }] }) as never;
    expect(adfTextLength(d)).toBe(4);
    expect(adfToHtml(d)).toBe('<p>&lt;x&gt;<em>y</em></p>');
  });
});

describe('JQL parser', () => {
  it('parses clauses, lists, properties, precedence and ORDER BY', () => {
    const q = parseJql('project = SEC AND (issue.property[backline].findingId in ("a", b) OR labels IS NOT EMPTY) ORDER BY created DESC, key');
    expect(q.orderBy).toEqual([{ field: 'created', dir: 'DESC' }, { field: 'key', dir: 'ASC' }]);
    expect(q.where).toEqual({
      kind: 'and',
      parts: [
        { kind: 'cmp', field: 'project', op: '=', values: ['SEC'] },
        { kind: 'or', parts: [
          { kind: 'cmp', field: 'issue.property[backline].findingId', op: 'IN', values: ['a', 'b'] },
          { kind: 'cmp', field: 'labels', op: 'IS NOT', values: [], empty: true },
        ] },
      ],
    });
  });

  it.each(['project =', 'project = "SEC', 'key in (A-1', 'project SEC', 'status WAS Done'])('rejects %j', (jql) => {
    expect(() => parseJql(jql)).toThrow(/JQL/);
  });
});

describe('TemplateMatcher', () => {
  it('prefers literal segments and decodes params', () => {
    const m = new TemplateMatcher<string>();
    m.add('/rest/api/3/issue/{issueIdOrKey}', 'one');
    m.add('/rest/api/3/issue/bulk', 'bulk');
    m.add('/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}', 'prop');
    expect(m.match('/rest/api/3/issue/bulk')[0]?.value).toBe('bulk');
    expect(m.match('/rest/api/3/issue/SEC-1')[0]).toEqual({ template: '/rest/api/3/issue/{issueIdOrKey}', params: { issueIdOrKey: 'SEC-1' }, value: 'one' });
    expect(m.match('/rest/api/3/issue/SEC-1/properties/a%20b')[0]?.params).toEqual({ issueIdOrKey: 'SEC-1', propertyKey: 'a b' });
    expect(m.match('/rest/api/3/nope')).toEqual([]);
  });
});

describe('RateLimiter', () => {
  it('rolls the hourly budget over on the UTC hour', () => {
    const l = new RateLimiter(2);
    const t = Date.UTC(2026, 0, 1, 9, 59, 0);
    l.charge(t, 2);
    expect(l.admit(t, 'GET /x', 'GET', undefined)).toMatchObject({ reason: 'jira-quota-global-based', retryAfter: 60 });
    expect(l.admit(t + 60_000, 'GET /x', 'GET', undefined)).toBeNull();
    // X-RateLimit-* are the endpoint's per-second bucket (one request admitted); the quota is in RateLimit.
    expect(l.headers(t + 60_000, 'GET /x', 'GET')).toEqual({
      'X-RateLimit-Limit': '100',
      'X-RateLimit-Remaining': '99',
      'RateLimit-Policy': '"global-app-quota";q=2;w=3600',
      RateLimit: '"global-app-quota";t=3600',
    });
    l.charge(t + 60_000, 2);
    expect(l.headers(t + 60_000, 'PUT /y', 'PUT')).toEqual({
      'X-RateLimit-Limit': '50',
      'X-RateLimit-Remaining': '50',
      'RateLimit-Policy': '"global-app-quota";q=2;w=3600',
      RateLimit: '"global-app-quota";r=0;t=3600',
      'X-RateLimit-NearLimit': 'true',
    });
  });
});
