/** Routing rules as the admin edits them: order is meaning (first match wins). */
import type { RoutingRule } from '../../../src/core/config/model';
import { blankRule, describeRule, moveRule, normaliseRule, removeRule, ruleProblems, upsertRule } from '../../../static/admin/src/editor/routing';

const rule = (id: string, over: Partial<RoutingRule> = {}): RoutingRule => ({ id, name: id, projectKey: 'APP', enabled: true, match: { repository: `${id}/*` }, ...over });

test('moving a rule changes which rule wins; moves past either end change nothing', () => {
  const rules = [rule('a'), rule('b'), rule('c')];
  expect(moveRule(rules, 'c', -1).map((r) => r.id)).toEqual(['a', 'c', 'b']);
  expect(moveRule(rules, 'a', 1).map((r) => r.id)).toEqual(['b', 'a', 'c']);
  expect(moveRule(rules, 'a', -1).map((r) => r.id)).toEqual(['a', 'b', 'c']);
  expect(moveRule(rules, 'c', 1).map((r) => r.id)).toEqual(['a', 'b', 'c']);
});

test('a new rule goes last so it never silently shadows older ones; editing keeps its place', () => {
  const rules = [rule('a'), rule('b')];
  const added = upsertRule(rules, rule('n'));
  expect(added.map((r) => r.id)).toEqual(['a', 'b', 'n']);
  expect(upsertRule(added, rule('a', { name: 'renamed' })).map((r) => r.name)).toEqual(['renamed', 'b', 'n']);
  expect(removeRule(added, 'b').map((r) => r.id)).toEqual(['a', 'n']);
});

test('new rule ids are unique', () => {
  const first = blankRule([], 'APP', 1000);
  expect(blankRule([first], 'APP', 1000).id).not.toBe(first.id);
});

test('problems: unnamed, no condition, project not connected', () => {
  const bad = rule('x', { name: ' ', projectKey: 'OPS', match: { repository: '  ', tags: [] } });
  expect(ruleProblems(bad, ['APP', 'SEC']).map((p) => p.path)).toEqual(['name', 'projectKey', 'match']);
  expect(ruleProblems(rule('ok'), ['APP'])).toEqual([]);
});

test('empty conditions are dropped and the rule is described in words', () => {
  const normalised = normaliseRule(rule('x', { name: ' Payments ', match: { repository: ' acme/pay-* ', tags: ['', 'pci'], categories: [], minimumSeverity: 'high' } }));
  expect(normalised).toMatchObject({ name: 'Payments', match: { repository: 'acme/pay-*', tags: ['pci'], minimumSeverity: 'high' } });
  expect(normalised.match.categories).toBeUndefined();
  expect(describeRule(normalised)).toBe('repository acme/pay-*, severity ≥ high, tag pci');
});
