import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { buildEventsJsonSchema, EVENTS_SCHEMA_ID, renderEventsJsonSchema } from '../../../src/core/events/json-schema';
import { EVENT_TYPES } from '../../../src/core/events/schema';
import { validateRequestBody } from '../../../src/core/events/validate';
import { EXAMPLES } from './examples';

const file = path.resolve(__dirname, '../../../docs/events.schema.json');

function compile() {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(buildEventsJsonSchema());
}

describe('docs/events.schema.json', () => {
  it('is up to date with the zod schemas (run `npm run schema` when this fails)', () => {
    expect(fs.readFileSync(file, 'utf8')).toBe(renderEventsJsonSchema());
  });

  it('is draft 2020-12 with an $id, a title and descriptions', () => {
    const schema = buildEventsJsonSchema();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(EVENTS_SCHEMA_ID);
    expect(schema.title).toEqual(expect.any(String));
    expect(JSON.stringify(schema)).toContain('"description"');
  });

  it('accepts every example the app accepts, single and batched', () => {
    const validate = compile();
    for (const type of EVENT_TYPES) {
      expect({ type, valid: validate(EXAMPLES[type]()), errors: validate.errors ?? null }).toEqual({ type, valid: true, errors: null });
    }
    expect(validate({ events: EVENT_TYPES.map((type) => EXAMPLES[type]()) })).toBe(true);
  });

  it.each([
    ['a wrong severity', (b: Record<string, any>) => (b.data.finding.severity = 'urgent')],
    ['a missing title', (b: Record<string, any>) => delete b.data.finding.title],
    ['an unknown type', (b: Record<string, any>) => (b.type = 'finding.deleted')],
    ['an http URL', (b: Record<string, any>) => (b.data.finding.url = 'http://example.com')],
    ['a bad id', (b: Record<string, any>) => (b.id = 'has space')],
  ])('rejects what the app rejects: %s', (_name, mutate) => {
    const body = EXAMPLES['finding.created']();
    mutate(body);
    expect(validateRequestBody(body).ok).toBe(false);
    expect(compile()(body)).toBe(false);
  });

  it('allows unknown properties (forward compatibility)', () => {
    const body: Record<string, any> = { ...EXAMPLES['finding.created'](), extra: true };
    (body.data).finding.businessUnit = 'payments';
    expect(compile()(body)).toBe(true);
  });
});
