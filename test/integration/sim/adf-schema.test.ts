/**
 * Rich text is checked against Atlassian's own ADF JSON schema
 * (`@atlaskit/adf-schema`, json-schema/v1/full.json): nesting the schema
 * forbids is refused with 400 wherever rich text goes, and each refusal is
 * recorded as an ADF schema violation.
 */
import { SIM_FIELDS, SIM_TRANSITIONS } from '../../../dev/jira-sim';
import { call, control, makeSim, vulnerability } from './helpers';

const R = '/rest/api/3';
const sim = makeSim({ violationsExpected: true });

const text = (t: string): Record<string, unknown> => ({ type: 'text', text: t });
const para = (t: string): Record<string, unknown> => ({ type: 'paragraph', content: [text(t)] });
const adf = (...content: unknown[]): Record<string, unknown> => ({ type: 'doc', version: 1, content });
const item = (...content: unknown[]): Record<string, unknown> => ({ type: 'listItem', content });
const bullets = (...items: unknown[]): Record<string, unknown> => ({ type: 'bulletList', content: items });
const heading = (t: string): Record<string, unknown> => ({ type: 'heading', attrs: { level: 1 }, content: [text(t)] });
const quote = (...content: unknown[]): Record<string, unknown> => ({ type: 'blockquote', content });
const table = { type: 'table', content: [{ type: 'tableRow', content: [{ type: 'tableCell', content: [para('cell')] }] }] };

/** Documents Jira refuses: what the markdown `- # Title`, `> # Heading`, `> > quote`, a rule or a table in a list item become when nested naively. */
const forbidden: Array<[string, Record<string, unknown>, RegExp]> = [
  ['a heading in a list item', adf(bullets(item(heading('Title')))), /"heading" node is not allowed inside "listItem"/],
  ['a heading in a blockquote', adf(quote(heading('Heading'))), /"heading" node is not allowed inside "blockquote"/],
  ['a blockquote in a blockquote', adf(quote(quote(para('deep')))), /"blockquote" node is not allowed inside "blockquote"/],
  ['a rule in a list item', adf(bullets(item(para('a'), { type: 'rule' }))), /"rule" node is not allowed inside "listItem"/],
  ['a table in a list item', adf(bullets(item(para('a'), table))), /"table" node is not allowed inside "listItem"/],
  ['an empty list item', adf(bullets(item())), /listItem|content/],
  ['a heading level 7', adf({ type: 'heading', attrs: { level: 7 }, content: [text('x')] }), /level/],
];

let key = '';
beforeEach(async () => {
  await control(sim, 'POST', 'reset');
  key = (await call(sim, 'POST', `${R}/issue`, vulnerability())).body.key as string;
});

afterEach(async () => {
  expect((await control(sim, 'GET', 'violations')).body).toEqual([]);
});

describe('nesting the schema forbids is refused with 400 and recorded', () => {
  it.each(forbidden)('description with %s', async (_name, description, message) => {
    const res = await call(sim, 'POST', `${R}/issue`, vulnerability({ description }));
    expect(res.status).toBe(400);
    expect(res.body.errors.description).toMatch(message);
    const recorded = (await control(sim, 'GET', 'adf-violations')).body;
    expect(recorded).toEqual([{ method: 'POST', path: `${R}/issue`, problems: [expect.stringMatching(message)] }]);
    expect((await control(sim, 'GET', 'stats')).body.adfViolations).toBe(1);
  });

  it.each(forbidden)('comment with %s', async (_name, body, message) => {
    const res = await call(sim, 'POST', `${R}/issue/${key}/comment`, { body });
    expect(res.status).toBe(400);
    expect(res.body.errors.comment).toMatch(message);
    expect((await control(sim, 'GET', 'adf-violations')).body).toHaveLength(1);
  });

  it('transition comment, edited description and an ADF custom field', async () => {
    const bad = adf(quote(quote(para('deep'))));
    const moved = await call(sim, 'POST', `${R}/issue/${key}/transitions`, { transition: { id: SIM_TRANSITIONS.StartProgress }, update: { comment: [{ add: { body: bad } }] } });
    expect(moved.status).toBe(400);
    expect([...sim.state.issues.values()][0]?.statusId).toBe('10000');
    expect((await call(sim, 'PUT', `${R}/issue/${key}`, { fields: { description: bad } })).status).toBe(400);
    const task = await call(sim, 'POST', `${R}/issue`, { fields: { project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary: 'Task', [SIM_FIELDS.Notes]: bad } });
    expect(task.status).toBe(400);
    expect(Object.keys(task.body.errors)).toEqual([SIM_FIELDS.Notes]);
    expect(((await control(sim, 'GET', 'adf-violations')).body as Array<{ path: string }>).map((v) => v.path)).toEqual([
      `${R}/issue/${key}/transitions`, `${R}/issue/${key}`, `${R}/issue`,
    ]);
    expect((await control(sim, 'GET', 'stats')).body.adfViolations).toBe(3);
  });

  it('stats/reset clears the list and the counter', async () => {
    await call(sim, 'POST', `${R}/issue/${key}/comment`, { body: adf(quote(quote(para('x')))) });
    await control(sim, 'POST', 'stats/reset');
    expect((await control(sim, 'GET', 'adf-violations')).body).toEqual([]);
    expect((await control(sim, 'GET', 'stats')).body.adfViolations).toBe(0);
  });
});

it('what the schema allows is accepted: lists in lists, code in quotes, a table at the top, marks and links', async () => {
  const rich = adf(
    heading('Summary'),
    bullets(item(para('one'), bullets(item(para('nested')))), item(para('two'))),
    quote(para('quoted'), { type: 'codeBlock', attrs: { language: 'ts' }, content: [text('const x = 1;')] }),
    { type: 'rule' },
    table,
    { type: 'paragraph', content: [{ type: 'text', text: 'link', marks: [{ type: 'strong' }, { type: 'link', attrs: { href: 'https://example.com' } }] }, { type: 'hardBreak' }, text('after')] },
  );
  expect((await call(sim, 'POST', `${R}/issue`, vulnerability({ description: rich }))).status).toBe(201);
  expect((await call(sim, 'POST', `${R}/issue/${key}/comment`, { body: rich })).status).toBe(201);
  expect((await control(sim, 'GET', 'adf-violations')).body).toEqual([]);
});
