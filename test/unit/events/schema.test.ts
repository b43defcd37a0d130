import { EVENT_TYPES, findingSchema, isFullFinding, type FindingRef } from '../../../src/core/events/schema';
import { jsonDepth, MAX_BODY_DEPTH, validateRequestBody } from '../../../src/core/events/validate';
import { EXAMPLES } from './examples';

function problems(body: unknown): Array<{ path: string; message: string }> {
  const result = validateRequestBody(body);
  if (result.ok) throw new Error('expected the body to be invalid');
  return result.details;
}

describe('event schema: valid examples', () => {
  it.each(EVENT_TYPES)('accepts a %s event', (type) => {
    const result = validateRequestBody(EXAMPLES[type]());
    expect(result).toMatchObject({ ok: true, batch: false });
    if (result.ok) expect(result.events.map((e) => e.type)).toEqual([type]);
  });

  it('accepts a batch of every type, in order', () => {
    const result = validateRequestBody({ events: EVENT_TYPES.map((type) => EXAMPLES[type]()) });
    expect(result.ok && result.batch).toBe(true);
    if (result.ok) expect(result.events.map((e) => e.type)).toEqual(EVENT_TYPES);
  });

  it('accepts 100 events in a batch, refuses 101 and 0', () => {
    const events = (n: number) => Array.from({ length: n }, (_, i) => ({ ...EXAMPLES.ping(), id: `evt_${i}` }));
    expect(validateRequestBody({ events: events(100) }).ok).toBe(true);
    expect(problems({ events: events(101) })).toEqual([{ path: 'events', message: 'expected at most 100 items' }]);
    expect(problems({ events: [] })).toEqual([{ path: 'events', message: 'expected at least 1 item' }]);
  });
});

describe('event schema: required fields are reported by path', () => {
  const cases: Array<[string, (body: Record<string, any>) => void, string]> = [
    ['id', (b) => delete b.id, 'id'],
    ['type', (b) => delete b.type, 'type'],
    ['occurredAt', (b) => delete b.occurredAt, 'occurredAt'],
    ['data', (b) => delete b.data, 'data'],
    ['finding', (b) => delete b.data.finding, 'data.finding'],
    ['finding.id', (b) => delete b.data.finding.id, 'data.finding.id'],
    ['finding.title', (b) => delete b.data.finding.title, 'data.finding.title'],
    ['finding.severity', (b) => delete b.data.finding.severity, 'data.finding.severity'],
    ['repository.name', (b) => delete b.data.finding.repository.name, 'data.finding.repository.name'],
    ['package.name', (b) => delete b.data.finding.package.name, 'data.finding.package.name'],
  ];
  it.each(cases)('finding.created without %s', (_name, mutate, path) => {
    const body = EXAMPLES['finding.created']();
    mutate(body);
    expect(problems(body)).toContainEqual({ path, message: expect.stringMatching(/^required/) });
  });

  it.each([
    ['reason', 'finding.resolved', (b: Record<string, any>) => delete b.data.reason, 'data.reason'],
    ['remediation', 'remediation.pr_opened', (b: Record<string, any>) => delete b.data.remediation, 'data.remediation'],
    ['remediation.id', 'remediation.pr_merged', (b: Record<string, any>) => delete b.data.remediation.id, 'data.remediation.id'],
    ['pullRequest', 'remediation.pr_closed', (b: Record<string, any>) => delete b.data.pullRequest, 'data.pullRequest'],
    ['pullRequest.url', 'remediation.pr_opened', (b: Record<string, any>) => delete b.data.pullRequest.url, 'data.pullRequest.url'],
    ['findings', 'remediation.resolved', (b: Record<string, any>) => delete b.data.findings, 'data.findings'],
    ['findings[0].id', 'remediation.resolved', (b: Record<string, any>) => delete b.data.findings[0].id, 'data.findings[0].id'],
    ['findingIds', 'issue.lookup', (b: Record<string, any>) => delete b.data.findingIds, 'data.findingIds'],
  ] as const)('%s is required', (_name, type, mutate, path) => {
    const body = EXAMPLES[type]();
    mutate(body);
    expect(problems(body)).toContainEqual({ path, message: expect.stringMatching(/^required/) });
  });

  it('lists every problem of every event in a batch, with the batch index in the path', () => {
    const first = EXAMPLES['finding.created']();
    (first.data).finding.severity = 'urgent';
    const second = EXAMPLES['remediation.pr_opened']();
    (second.data).pullRequest.url = 'http://github.com/acme/x/pull/1';
    second.occurredAt = 'yesterday';
    const details = problems({ events: [EXAMPLES.ping(), first, second] });
    expect(details).toEqual([
      { path: 'events[1].data.finding.severity', message: 'expected one of critical, high, medium, low, info' },
      { path: 'events[2].occurredAt', message: 'expected an RFC 3339 timestamp such as 2026-11-28T10:00:00Z' },
      { path: 'events[2].data.pullRequest.url', message: 'expected an https URL' },
    ]);
  });
});

describe('event schema: messages', () => {
  it('reports an unknown event type clearly', () => {
    const details = problems({ ...EXAMPLES.ping(), type: 'finding.deleted' });
    expect(details).toHaveLength(1);
    expect(details[0]).toEqual({ path: 'type', message: expect.stringContaining('unknown event type "finding.deleted"; expected one of ping, finding.created') });
  });

  it.each([
    ['id with a space', (b: Record<string, any>) => (b.id = 'evt 1'), 'id', 'expected 1–128 characters of A-Z a-z 0-9 . _ : -'],
    ['id too long', (b: Record<string, any>) => (b.id = 'e'.repeat(129)), 'id', 'expected at most 128 characters'],
    ['cvssScore above 10', (b: Record<string, any>) => (b.data.finding.cvssScore = 11), 'data.finding.cvssScore', 'expected a number <= 10'],
    ['cvssScore a string', (b: Record<string, any>) => (b.data.finding.cvssScore = '7.4'), 'data.finding.cvssScore', 'expected number, received string'],
    ['slaDueDate not a date', (b: Record<string, any>) => (b.data.finding.slaDueDate = '28/12/2026'), 'data.finding.slaDueDate', 'expected a date YYYY-MM-DD'],
    ['cveIds not an array', (b: Record<string, any>) => (b.data.finding.cveIds = 'CVE-2020-8203'), 'data.finding.cveIds', 'expected array, received string'],
    ['category unknown', (b: Record<string, any>) => (b.data.finding.category = 'misc'), 'data.finding.category', 'expected one of sca, sast, secrets, container, iac, cloud, dast, other'],
    ['url not https', (b: Record<string, any>) => (b.data.finding.url = 'ftp://x.example.com'), 'data.finding.url', 'expected an https URL'],
    ['jira.projectKey lowercase', (b: Record<string, any>) => (b.data.finding.jira = { projectKey: 'sec' }), 'data.finding.jira.projectKey', 'expected a Jira project key'],
  ])('%s', (_name, mutate, path, message) => {
    const body = EXAMPLES['finding.created']();
    mutate(body);
    expect(problems(body)).toEqual([{ path, message }]);
  });

  it('refuses a body that is not an object', () => {
    expect(problems([EXAMPLES.ping()])[0]?.path).toBe('(root)');
    expect(problems('ping')[0]?.message).toContain('expected an object');
    expect(problems(null)[0]?.message).toContain('received null');
  });

  it('refuses bodies nested deeper than the limit before schema validation', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < MAX_BODY_DEPTH + 5; i++) deep = { nested: deep };
    const body = EXAMPLES['finding.created']();
    (body.data).finding.businessUnit = deep;
    expect(problems(body)).toEqual([{ path: '(root)', message: `nested deeper than ${MAX_BODY_DEPTH} levels` }]);
  });

  it('measures depth iteratively (no stack overflow on 100k levels)', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(jsonDepth(deep)).toBeGreaterThan(MAX_BODY_DEPTH);
    expect(jsonDepth({ a: [1, { b: 2 }] })).toBe(3);
  });

  it('caps the listed problems but counts them all', () => {
    const events = Array.from({ length: 100 }, (_, i) => ({ id: `e ${i}`, type: 'ping', occurredAt: 'now', data: {} }));
    const result = validateRequestBody({ events });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problemCount).toBe(200);
      expect(result.details).toHaveLength(100);
    }
  });
});

describe('event schema: forward compatibility', () => {
  it('accepts and drops unknown envelope and data properties', () => {
    const body: Record<string, any> = { ...EXAMPLES['finding.created'](), schemaVersion: 2, trace: { id: 'x' } };
    (body.data).actor = 'bot';
    const result = validateRequestBody(body);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.events[0]).not.toHaveProperty('schemaVersion');
      expect(result.events[0]?.data).not.toHaveProperty('actor');
    }
  });

  it('keeps unknown finding properties (addressable by field mappings)', () => {
    const body = EXAMPLES['finding.created']();
    Object.assign((body.data).finding, { businessUnit: 'payments', exploitability: { epss: 0.97 } });
    (body.data).finding.package.license = 'MIT';
    const result = validateRequestBody(body);
    expect(result.ok).toBe(true);
    if (result.ok && result.events[0]?.type === 'finding.created') {
      const finding = result.events[0].data.finding;
      expect(finding.businessUnit).toBe('payments');
      expect(finding.exploitability).toEqual({ epss: 0.97 });
      expect(finding.package?.license).toBe('MIT');
    }
  });

  it('keeps unknown properties of finding references in remediation events', () => {
    const body = EXAMPLES['remediation.pr_opened']();
    (body.data).findings[0].businessUnit = 'payments';
    const result = validateRequestBody(body);
    expect(result.ok && result.events[0]?.type === 'remediation.pr_opened' && result.events[0].data.findings[0]?.businessUnit).toBe('payments');
  });
});

describe('finding references', () => {
  it('need only an id, but present properties are checked', () => {
    const body = EXAMPLES['remediation.pr_opened']();
    (body.data).findings = [{ id: 'fnd_1', title: 'x' }, { id: 'fnd_2', severity: 'urgent' }];
    expect(problems(body)).toEqual([{ path: 'data.findings[1].severity', message: 'expected one of critical, high, medium, low, info' }]);
  });

  it('are full findings when they carry title and severity', () => {
    const full: FindingRef = { id: 'f', title: 't', severity: 'low' };
    const partial: FindingRef = { id: 'f', title: 't' };
    expect(isFullFinding(full)).toBe(true);
    expect(isFullFinding(partial)).toBe(false);
    expect(findingSchema.safeParse(full).success).toBe(true);
  });
});
