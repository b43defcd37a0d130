import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { buildOutboundJsonSchema, OUTBOUND_EVENT_TYPES, outboundEventSchema, renderOutboundJsonSchema } from '../../../src/core/outbound/contract';
import { DEFAULT_STATUS_BACK, mapBack } from '../../../src/core/outbound/mapping-back';
import { isAllowedBacklineEndpoint } from '../../../src/core/outbound/settings';

const root = path.resolve(__dirname, '../../..');
const examplesDir = path.join(root, 'examples/outbound');
const examples = fs.readdirSync(examplesDir).filter((f) => f.endsWith('.json'));

describe('docs/outbound.schema.json', () => {
  it('is up to date with the zod schemas (run `npm run schema` when this fails)', () => {
    expect(fs.readFileSync(path.join(root, 'docs/outbound.schema.json'), 'utf8')).toBe(renderOutboundJsonSchema());
  });

  it('accepts every example in examples/outbound, one per event type, and so does the app', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(buildOutboundJsonSchema());
    const types = examples.map((file) => {
      const example: unknown = JSON.parse(fs.readFileSync(path.join(examplesDir, file), 'utf8'));
      expect({ file, valid: validate(example), errors: validate.errors ?? null }).toEqual({ file, valid: true, errors: null });
      return outboundEventSchema.parse(example).type;
    });
    expect(types.sort()).toEqual([...OUTBOUND_EVENT_TYPES].sort());
  });

  it('refuses an event without finding ids or with an unknown outcome', () => {
    const example = JSON.parse(fs.readFileSync(path.join(examplesDir, '01-jira.issue.status_changed.json'), 'utf8')) as { data: Record<string, unknown> };
    expect(outboundEventSchema.safeParse({ ...example, data: { ...example.data, findingIds: [] } }).success).toBe(false);
    expect(outboundEventSchema.safeParse({ ...example, data: { ...example.data, outcome: 'closed' } }).success).toBe(false);
  });
});

describe('mapping back (defaults)', () => {
  it.each([
    ['done', 'Fixed', 'fixed'],
    ['done', 'fixed', 'fixed'],
    ['done', "Won't Fix", 'accepted_risk'],
    ['done', 'Duplicate', 'duplicate'],
    ['new', null, 'reopened'],
    ['indeterminate', null, null],
    ['done', 'Done', null],
  ] as const)('%s + %s → %s', (statusCategory, resolution, outcome) => {
    expect(mapBack(undefined, { statusCategory, resolution })).toBe(outcome);
  });

  it("uses the project's own rules, first match wins, instead of the defaults", () => {
    const rules = [{ statusCategory: 'done' as const, outcome: 'false_positive' as const }, ...DEFAULT_STATUS_BACK];
    expect(mapBack(rules, { statusCategory: 'done', resolution: 'Fixed' })).toBe('false_positive');
    expect(mapBack([], { statusCategory: 'new', resolution: null })).toBeNull();
  });
});

describe('endpoint rule (egress *.backline.ai)', () => {
  it.each([
    ['https://hooks.backline.ai/jira/events', true],
    ['https://eu.hooks.backline.ai', true],
    ['https://backline.ai/jira', false],
    ['http://hooks.backline.ai/jira', false],
    ['https://hooks.backline.ai:8443/jira', false],
    ['https://user:pw@hooks.backline.ai/jira', false],
    ['https://hooks.backline.ai.evil.com/jira', false],
    ['https://evilbackline.ai/jira', false],
    ['https://hooks.backline.ai/jira?x=1', false],
    ['not a url', false],
  ])('%s → %s', (url, allowed) => {
    expect(isAllowedBacklineEndpoint(url)).toBe(allowed);
  });
});
