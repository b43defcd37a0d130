/**
 * Routing rules as the admin edits them: an ordered list (first enabled match
 * wins), with pure operations for add / update / move / delete and the checks
 * shown next to each rule. Unit-tested in test/unit/admin/routing-rules.test.ts.
 */
import type { GlobalSettings, RoutingRule } from '../../../../src/core/config/model';

export function newRuleId(existing: readonly RoutingRule[], now: number = Date.now()): string {
  let id = `rule-${now.toString(36)}`;
  let n = 1;
  while (existing.some((r) => r.id === id)) id = `rule-${now.toString(36)}-${n++}`;
  return id;
}

export function blankRule(existing: readonly RoutingRule[], projectKey: string, now?: number): RoutingRule {
  return { id: newRuleId(existing, now), name: '', projectKey, enabled: true, match: {} };
}

/** Inserts or replaces by id (new rules go last, so they never silently shadow older ones). */
export function upsertRule(rules: readonly RoutingRule[], rule: RoutingRule): RoutingRule[] {
  const index = rules.findIndex((r) => r.id === rule.id);
  if (index < 0) return [...rules, rule];
  return rules.map((r, i) => (i === index ? rule : r));
}

export function removeRule(rules: readonly RoutingRule[], id: string): RoutingRule[] {
  return rules.filter((r) => r.id !== id);
}

/** Moves a rule up (delta -1) or down (+1); out-of-range moves change nothing. */
export function moveRule(rules: readonly RoutingRule[], id: string, delta: -1 | 1): RoutingRule[] {
  const from = rules.findIndex((r) => r.id === id);
  const to = from + delta;
  if (from < 0 || to < 0 || to >= rules.length) return [...rules];
  const next = [...rules];
  const [rule] = next.splice(from, 1);
  if (rule) next.splice(to, 0, rule);
  return next;
}

/** Empty criteria are dropped so a rule never "matches on an empty list". */
export function normaliseRule(rule: RoutingRule): RoutingRule {
  const match: RoutingRule['match'] = {};
  const repository = rule.match.repository?.trim();
  if (repository) match.repository = repository;
  if (rule.match.categories?.length) match.categories = rule.match.categories;
  if (rule.match.minimumSeverity) match.minimumSeverity = rule.match.minimumSeverity;
  const scanners = rule.match.scanners?.map((s) => s.trim()).filter(Boolean);
  if (scanners?.length) match.scanners = scanners;
  const tags = rule.match.tags?.map((s) => s.trim()).filter(Boolean);
  if (tags?.length) match.tags = tags;
  return { ...rule, name: rule.name.trim(), match };
}

export interface RuleProblem {
  path: 'name' | 'projectKey' | 'match';
  message: string;
  /** Blocking problems keep Save disabled; the others are warnings. */
  blocking: boolean;
}

export function ruleProblems(rule: RoutingRule, connectedProjects: readonly string[]): RuleProblem[] {
  const problems: RuleProblem[] = [];
  if (!rule.name.trim()) problems.push({ path: 'name', message: 'Give the rule a name people will recognise.', blocking: true });
  if (!rule.projectKey) problems.push({ path: 'projectKey', message: 'Choose the project that receives matching findings.', blocking: true });
  else if (!connectedProjects.includes(rule.projectKey)) {
    problems.push({ path: 'projectKey', message: `${rule.projectKey} is not connected: connect it under Projects or choose another project.`, blocking: true });
  }
  const m = normaliseRule(rule).match;
  if (!m.repository && !m.categories && !m.minimumSeverity && !m.scanners && !m.tags) {
    problems.push({ path: 'match', message: 'Add at least one condition; a rule without conditions matches every finding.', blocking: true });
  }
  return problems;
}

/** A one-line description of what a rule matches, for the list. */
export function describeRule(rule: RoutingRule): string {
  const parts: string[] = [];
  if (rule.match.repository) parts.push(`repository ${rule.match.repository}`);
  if (rule.match.categories?.length) parts.push(`category ${rule.match.categories.join(' or ')}`);
  if (rule.match.minimumSeverity) parts.push(`severity ≥ ${rule.match.minimumSeverity}`);
  if (rule.match.scanners?.length) parts.push(`scanner ${rule.match.scanners.join(' or ')}`);
  if (rule.match.tags?.length) parts.push(`tag ${rule.match.tags.join(' or ')}`);
  return parts.length ? parts.join(', ') : 'every finding';
}

export function settingsWithRules(settings: GlobalSettings, rules: RoutingRule[]): GlobalSettings {
  return { ...settings, routingRules: rules.map(normaliseRule) };
}

/** Comma-separated text ⇄ list, for tag and scanner inputs. */
export function splitList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}
