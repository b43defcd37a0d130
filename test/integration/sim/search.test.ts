/** JQL search (`/search/jql`): the subset the app uses, issue properties, paging with nextPageToken. */
import { SIM_FIELDS, SIM_TRANSITIONS } from '../../../dev/jira-sim';
import { call, control, makeSim, vulnerability } from './helpers';

const sim = makeSim();
const R = '/rest/api/3';
const keys: string[] = [];

async function search(jql: string, extra: Record<string, unknown> = {}): Promise<any> {
  const res = await call(sim, 'POST', `${R}/search/jql`, { jql, fields: ['summary'], ...extra });
  expect(res.responseProblems).toEqual([]);
  return res;
}

const keysOf = (res: { body: { issues: Array<{ key: string }> } }): string[] => res.body.issues.map((i) => i.key);

beforeAll(async () => {
  const findings = [
    { findingId: 'f-a', severity: 'high', prState: ['open', 'merged'] },
    { findingId: 'f-b', severity: 'high' },
    { findingId: 'f-c', severity: 'low' },
    undefined,
  ];
  for (const [n, f] of findings.entries()) {
    const res = await call(sim, 'POST', `${R}/issue`, {
      ...vulnerability({ summary: `Finding ${n}`, labels: n % 2 ? ['backline'] : ['manual'], [SIM_FIELDS.Severity]: { value: n === 0 ? 'Critical' : 'Low' } }),
      ...(f ? { properties: [{ key: 'backline', value: f }] } : {}),
    });
    keys.push(res.body.key);
  }
  await call(sim, 'POST', `${R}/issue`, { fields: { project: { key: 'APP' }, issuetype: { name: 'Bug' }, summary: 'App bug', [SIM_FIELDS.Team]: { value: 'Platform' } } });
  await call(sim, 'POST', `${R}/issue/${keys[2]}/transitions`, { transition: { id: SIM_TRANSITIONS.StartProgress } });
});

afterAll(async () => {
  expect((await control(sim, 'GET', 'violations')).body).toEqual([]);
});

it('project = X and ORDER BY key DESC', async () => {
  expect(keysOf(await search('project = SEC ORDER BY key DESC'))).toEqual([...keys].reverse());
  expect(keysOf(await search('project = APP'))).toEqual(['APP-1']);
});

it('key in (...) and issuekey =', async () => {
  expect(keysOf(await search(`key in (${keys[0]}, "${keys[2]}") ORDER BY created`))).toEqual([keys[0], keys[2]]);
  expect(keysOf(await search(`issuekey = ${keys[1]}`))).toEqual([keys[1]]);
});

it('issue.property[backline].findingId = / in / IS NOT EMPTY / IS EMPTY', async () => {
  expect(keysOf(await search('issue.property[backline].findingId = "f-b"'))).toEqual([keys[1]]);
  expect(keysOf(await search('issue.property[backline].findingId in ("f-a", "f-c") ORDER BY key'))).toEqual([keys[0], keys[2]]);
  expect(keysOf(await search('project = SEC AND issue.property[backline].findingId IS NOT EMPTY ORDER BY key'))).toEqual(keys.slice(0, 3));
  expect(keysOf(await search('project = SEC AND issue.property[backline].findingId IS EMPTY'))).toEqual([keys[3]]);
  // Array values: each element is indexed.
  expect(keysOf(await search('issue.property[backline].severity = high AND issue.property[backline].prState = merged'))).toEqual([keys[0]]);
  // Property values compare exactly.
  expect(keysOf(await search('issue.property[backline].findingId = "F-B"'))).toEqual([]);
});

it('status, labels, custom fields, OR, NOT and parentheses', async () => {
  expect(keysOf(await search('project = SEC AND status = "In Progress"'))).toEqual([keys[2]]);
  expect(keysOf(await search('labels = backline AND project = SEC ORDER BY key'))).toEqual([keys[1], keys[3]]);
  expect(keysOf(await search('project = SEC AND Severity = Critical'))).toEqual([keys[0]]);
  expect(keysOf(await search(`cf[10010] = Low AND (key = ${keys[1]} OR key = ${keys[3]}) ORDER BY key`))).toEqual([keys[1], keys[3]]);
  expect(keysOf(await search(`project = SEC AND NOT statusCategory = "To Do"`))).toEqual([keys[2]]);
  expect(keysOf(await search(`project = SEC AND resolution = Unresolved ORDER BY key`))).toHaveLength(4);
});

it('returns properties and fields as asked; only ids by default', async () => {
  const withProps = await search(`key = ${keys[0]}`, { properties: ['backline'], fields: ['summary', 'status'] });
  expect(withProps.body.issues[0]).toMatchObject({ key: keys[0], fields: { summary: 'Finding 0', status: { name: 'To Do' } }, properties: { backline: { findingId: 'f-a' } } });
  const bare = await call(sim, 'POST', `${R}/search/jql`, { jql: `key = ${keys[0]}` });
  expect(bare.body.issues).toEqual([{ id: expect.any(String) }]);
  const get = await call(sim, 'GET', `${R}/search/jql?jql=${encodeURIComponent('issue.property[backline].findingId = "f-c"')}&fields=key&properties=backline`);
  expect(get.body.issues).toEqual([expect.objectContaining({ key: keys[2], properties: { backline: { findingId: 'f-c', severity: 'low' } } })]);
});

it('pages with nextPageToken and isLast', async () => {
  const first = await search('project = SEC ORDER BY key', { maxResults: 3 });
  expect(first.body.isLast).toBe(false);
  expect(keysOf(first)).toEqual(keys.slice(0, 3));
  const second = await search('project = SEC ORDER BY key', { maxResults: 3, nextPageToken: first.body.nextPageToken });
  expect(keysOf(second)).toEqual([keys[3]]);
  expect(second.body.isLast).toBe(true);
  expect(second.body.nextPageToken).toBeUndefined();
});

it('refuses bad JQL with Jira messages (not contract violations)', async () => {
  const syntax = await call(sim, 'POST', `${R}/search/jql`, { jql: 'project = "SEC' });
  expect(syntax.status).toBe(400);
  expect(syntax.body.errorMessages[0]).toMatch(/^Error in the JQL Query/);
  const field = await call(sim, 'POST', `${R}/search/jql`, { jql: 'colour = red' });
  expect(field.body).toEqual({ errorMessages: ["Field 'colour' does not exist or you do not have permission to view it."], errors: {} });
  const unbounded = await call(sim, 'POST', `${R}/search/jql`, { jql: 'ORDER BY created' });
  expect(unbounded.status).toBe(400);
});

it('plain users see only issues of projects they can browse (all here), deleted issues vanish', async () => {
  await call(sim, 'DELETE', `${R}/issue/${keys[3]}`);
  expect(keysOf(await search('project = SEC ORDER BY key'))).toEqual(keys.slice(0, 3));
});

describe('only the property paths manifest.yml declares in jira:entityProperty are searchable', () => {
  it.each([
    ['an undeclared path', 'issue.property[backline].repo = shop', "Field 'issue.property[backline].repo' does not exist or you do not have permission to view it."],
    ['an undeclared property', 'issue.property[other].findingId = x', "Field 'issue.property[other].findingId' does not exist or you do not have permission to view it."],
    ['~ on a string path', 'issue.property[backline].findingId ~ f', "The operator '~' is not supported by the 'issue.property[backline].findingId' field."],
    ['< on a string path', 'issue.property[backline].severity < z', "The operator '<' is not supported by the 'issue.property[backline].severity' field."],
  ])('%s → 400 as Jira answers', async (_name, jql, message) => {
    const res = await call(sim, 'POST', `${R}/search/jql`, { jql });
    expect(res.status).toBe(400);
    expect(res.body.errorMessages).toEqual([message]);
  });

  it('a simulator given other index declarations follows them (number paths take <)', async () => {
    const other = makeSim({ indexedProperties: [{ propertyKey: 'scan', values: [{ path: 'score', type: 'number' }] }] });
    await call(other, 'POST', `${R}/issue`, { ...vulnerability(), properties: [{ key: 'scan', value: { score: 7 } }] });
    const res = await call(other, 'POST', `${R}/search/jql`, { jql: 'issue.property[scan].score < 9', fields: ['summary'] });
    expect(res.body.issues).toHaveLength(1);
    expect((await call(other, 'POST', `${R}/search/jql`, { jql: 'issue.property[backline].findingId = x' })).status).toBe(400);
  });
});
