/**
 * Fuzzing the mapping layer: templates (`{{path}}`, including prototype paths),
 * Markdown → ADF (always valid per the simulator's own ADF validator, never a
 * javascript:/data: link) and field conversion (never throws; an answer is a
 * value, "empty" or a problem text).
 */
import fc from 'fast-check';
import { adfSchemaProblem } from '../../../dev/jira-sim/adf-schema';
import type { AdfNode } from '../../../src/core/mapping/adf';
import { markdownToJiraAdf } from '../../../src/core/mapping/adf-limit';
import { convertValues, type SourceValue } from '../../../src/core/mapping/convert';
import { fieldKind } from '../../../src/core/mapping/field-types';
import { getPath } from '../../../src/core/mapping/paths';
import { renderTemplate } from '../../../src/core/mapping/template';
import type { CreateMetaField } from '../../../src/core/jira/create-meta';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
const runs = (numRuns: number) => ({ numRuns, ...(seed !== undefined ? { seed } : {}) });

const segment = fc.oneof(fc.constantFrom('finding', 'title', '__proto__', 'constructor', 'prototype', 'toString', 'polluted', 'cveIds', '0', 'length'), fc.stringMatching(/^[A-Za-z_$][A-Za-z0-9_$]{0,6}$/));
const pathArb = fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => s.join('.'));

test('templates never throw, render only own data, and never pollute prototypes', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.string({ maxLength: 20 }), pathArb.map((p) => `{{${p}}}`), pathArb.map((p) => `{{ ${p} `)), { maxLength: 8 }), fc.jsonValue({ maxDepth: 4 }), (parts, data) => {
      const template = parts.join('');
      const context = JSON.parse(`{"finding":${JSON.stringify(data) ?? 'null'},"__proto__":{"polluted":"yes"}}`) as unknown;
      const out = renderTemplate(template, context);
      expect(typeof out).toBe('string');
      expect(out).not.toContain('function');
      expect(out).not.toContain('[object');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      for (const p of ['__proto__.polluted', 'constructor', 'finding.constructor.name', 'toString', 'finding.__proto__']) expect(getPath(context, p)).toBeUndefined();
    }),
    runs(400),
  );
});

function links(node: AdfNode | { content?: AdfNode[] }): string[] {
  const own = 'marks' in node ? (node.marks ?? []).filter((m) => m.type === 'link').map((m) => String(m.attrs?.href)) : [];
  return [...own, ...(node.content ?? []).flatMap(links)];
}

const markdownPiece = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('**bold**', '_em_', '`code`', '\n\n', '\n- item\n- item 2\n', '1. one\n2. two\n', '> quote\n', '```js\nx()\n```\n', '# H\n', '| a | b |\n|---|---|\n| 1 | 2 |\n', '---\n', '<script>alert(1)</script>', '![img](https://x/y.png)', '~~s~~', '    indented\n', '[]()', '[x]( )'),
  fc.tuple(fc.string({ maxLength: 10 }), fc.constantFrom('javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' javascript:x', 'data:text/html;base64,PHNjcmlwdD4=', 'vbscript:x', 'file:///etc/passwd', 'https://ok.example/a', 'mailto:a@b.c', '//evil.example', 'java\tscript:x')).map(([t, u]) => `[${t || 'x'}](${u})`),
  fc.constantFrom('<javascript:alert(1)>', '<https://ok.example>', 'javascript:alert(1)', '[a][r]\n\n[r]: javascript:alert(1)\n'),
);

test('Markdown → ADF is always a document Jira accepts, with only http(s)/mailto links', () => {
  fc.assert(
    fc.property(fc.array(markdownPiece, { maxLength: 12 }), fc.option(fc.integer({ min: 50, max: 2000 }), { nil: undefined }), (pieces, limit) => {
      const doc = markdownToJiraAdf(pieces.join(''), 'https://app.backline.ai/findings/fnd_1', limit);
      expect(adfSchemaProblem(doc)).toBeNull();
      for (const href of links(doc)) expect(href.trim()).toMatch(/^(https?:|mailto:)/i);
      expect(JSON.stringify(doc)).not.toMatch(/"href":"\s*(javascript|data|vbscript):/i);
    }),
    runs(400),
  );
});

const schemas: Array<Pick<CreateMetaField, 'schema' | 'fieldId'> & { allowedValues?: CreateMetaField['allowedValues'] }> = [
  { fieldId: 'summary', schema: { type: 'string', system: 'summary' } },
  { fieldId: 'description', schema: { type: 'string', system: 'description' } },
  { fieldId: 'labels', schema: { type: 'array', items: 'string', system: 'labels' } },
  { fieldId: 'duedate', schema: { type: 'date', system: 'duedate' } },
  { fieldId: 'priority', schema: { type: 'priority', system: 'priority' }, allowedValues: [{ id: '1', name: 'Highest' }, { id: '3', name: 'Medium' }] },
  { fieldId: 'components', schema: { type: 'array', items: 'component', system: 'components' }, allowedValues: [{ id: '10', name: 'API' }] },
  { fieldId: 'customfield_10001', schema: { type: 'option', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:select', customId: 10001 }, allowedValues: [{ id: '100', value: 'Critical' }, { id: '101', value: 'High', disabled: true }] },
  { fieldId: 'customfield_10002', schema: { type: 'number', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:float', customId: 10002 } },
  { fieldId: 'customfield_10003', schema: { type: 'array', items: 'option', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:multiselect', customId: 10003 }, allowedValues: [{ id: '200', value: 'A' }] },
  { fieldId: 'customfield_10004', schema: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textarea', customId: 10004 } },
  { fieldId: 'customfield_10005', schema: { type: 'datetime', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:datetime', customId: 10005 } },
  { fieldId: 'customfield_10006', schema: { type: 'user', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:userpicker', customId: 10006 } },
];

/** Keys that reach Object.prototype when code indexes an object with input (`map[input]`). */
const prototypeKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'polluted', '__proto__@x.test');

const sourceValue: fc.Arbitrary<SourceValue> = fc.oneof(
  fc.record({ from: fc.constant('raw' as const), value: fc.oneof(fc.string({ maxLength: 300 }), fc.double(), fc.integer(), fc.boolean(), fc.constantFrom('2026-12-28', '2026-11-28T10:00:00Z', 'high', 'Critical', 'NaN', '1e400', ' '), prototypeKey) }),
  fc.record({ from: fc.constant('jira' as const), id: fc.oneof(fc.constantFrom('1', '100', '101', '999'), prototypeKey), label: fc.oneof(fc.string({ maxLength: 20 }), prototypeKey) }),
);

test('field conversion never throws, answers a value, empty or a problem, and leaves Object.prototype alone', () => {
  const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
  fc.assert(
    fc.property(fc.constantFrom(...schemas), fc.array(sourceValue, { maxLength: 5 }), (meta, values) => {
      const field: CreateMetaField = { key: meta.fieldId, name: meta.fieldId, required: false, ...meta };
      const result = convertValues(field, fieldKind(field), values, { users: { 'a@b.c': 'acc-1' }, findingUrl: 'https://app.backline.ai/f/1' });
      if (!result.ok) expect(typeof result.problem).toBe('string');
      else if (result.value !== undefined) {
        expect(() => JSON.stringify(result.value)).not.toThrow();
        if (meta.fieldId === 'description' || meta.fieldId === 'customfield_10004') expect(adfSchemaProblem(result.value)).toBeNull();
        if (meta.fieldId === 'customfield_10002') expect(Number.isFinite(result.value as number)).toBe(true);
      }
      // Any key added to Object.prototype, whatever its name, is pollution (the inputs above offer the usual ones).
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
      if (meta.fieldId === 'customfield_10006' && result.ok && result.value !== undefined) expect(result.value).toEqual({ accountId: expect.any(String) });
    }),
    runs(500),
  );
});
