/**
 * Which connected project a finding goes to. Pure, so the admin page can
 * explain a routing decision and tests can cover every branch.
 *
 * Order:
 * 1. the finding's hint `finding.jira.projectKey`, when that project is connected and enabled;
 * 2. the routing rules in order: the first enabled rule whose every given condition
 *    matches; when its project is no longer connected (or is paused) the finding gets
 *    no route rather than falling through to another project;
 * 3. the default project (global settings), when connected and enabled;
 * 4. when exactly one enabled project is connected, that one: a site with one
 *    project needs no routing setup, and sending its findings anywhere else is impossible;
 * 5. otherwise no route, with a reason that says what to configure.
 */
import picomatch from 'picomatch';
import type { GlobalSettings, ProjectConfig, RoutingRule } from './config/model';
import { SEVERITY_RANK, severitySchema, type Finding, type FindingRef } from './events/schema';
import { getPath } from './mapping/paths';

export type RouteDecision =
  | { ok: true; projectKey: string; via: 'hint' | 'rule' | 'default' | 'only-project'; rule?: { id: string; name: string } }
  | { ok: false; reason: string };

function text(finding: Finding | FindingRef, path: string): string | undefined {
  const value = getPath(finding, path);
  return typeof value === 'string' ? value : undefined;
}

function texts(finding: Finding | FindingRef, path: string): string[] {
  const value = getPath(finding, path);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

const matcherCache = new Map<string, (input: string) => boolean>();

function globMatches(glob: string, value: string): boolean {
  let matcher = matcherCache.get(glob);
  if (!matcher) {
    // Repository names are case-insensitive on GitHub/GitLab; `/` separates owner and name.
    matcher = picomatch(glob, { nocase: true, dot: true });
    if (matcherCache.size > 500) matcherCache.clear();
    matcherCache.set(glob, matcher);
  }
  return matcher(value);
}

/** Whether every condition the rule gives matches the finding (a rule with no condition matches everything). */
export function ruleMatches(rule: RoutingRule, finding: Finding | FindingRef): boolean {
  const { match } = rule;
  if (match.repository !== undefined && match.repository !== '') {
    const repository = text(finding, 'repository.name');
    if (!repository || !globMatches(match.repository, repository)) return false;
  }
  if (match.categories && match.categories.length > 0) {
    const category = text(finding, 'category');
    if (!category || !match.categories.some((c) => c === category)) return false;
  }
  if (match.minimumSeverity) {
    const severity = severitySchema.safeParse(getPath(finding, 'severity'));
    if (!severity.success || SEVERITY_RANK[severity.data] < SEVERITY_RANK[match.minimumSeverity]) return false;
  }
  if (match.scanners && match.scanners.length > 0) {
    const scanner = text(finding, 'scanner')?.toLowerCase();
    if (!scanner || !match.scanners.some((s) => s.toLowerCase() === scanner)) return false;
  }
  if (match.tags && match.tags.length > 0) {
    const tags = new Set(texts(finding, 'tags').map((t) => t.toLowerCase()));
    if (!match.tags.some((t) => tags.has(t.toLowerCase()))) return false;
  }
  return true;
}

export function routeFinding(finding: Finding | FindingRef, settings: GlobalSettings, connected: ProjectConfig[]): RouteDecision {
  const enabled = new Map(connected.filter((p) => p.enabled).map((p) => [p.projectKey, p]));

  const hint = text(finding, 'jira.projectKey');
  if (hint && enabled.has(hint)) return { ok: true, projectKey: hint, via: 'hint' };

  for (const rule of settings.routingRules) {
    if (!rule.enabled || !ruleMatches(rule, finding)) continue;
    if (enabled.has(rule.projectKey)) return { ok: true, projectKey: rule.projectKey, via: 'rule', rule: { id: rule.id, name: rule.name } };
    // The admin said where findings like this belong; sending them to another project
    // (the default, say) would put one team's vulnerabilities in another team's backlog.
    const state = connected.some((p) => p.projectKey === rule.projectKey) ? 'paused' : 'not connected';
    return {
      ok: false,
      reason: `Routing rule "${rule.name}" sends this finding to ${rule.projectKey}, which is ${state}: ${state === 'paused' ? 'enable' : 'reconnect'} ${rule.projectKey}, or change or delete the rule in the app’s admin page`,
    };
  }

  if (settings.defaultProjectKey && enabled.has(settings.defaultProjectKey)) {
    return { ok: true, projectKey: settings.defaultProjectKey, via: 'default' };
  }

  if (enabled.size === 1) {
    const only = [...enabled.keys()][0]!;
    return { ok: true, projectKey: only, via: 'only-project' };
  }

  if (enabled.size === 0) {
    return {
      ok: false,
      reason: connected.length === 0
        ? 'No Jira project is connected: connect a project in the app’s admin page'
        : 'Every connected Jira project is disabled: enable one in the app’s admin page',
    };
  }
  const parts = ['No routing rule matches this finding and no default project is set'];
  if (settings.defaultProjectKey) parts[0] = `No routing rule matches this finding and the default project ${settings.defaultProjectKey} is not connected or disabled`;
  if (hint) parts.push(`(its project hint ${hint} is not a connected, enabled project)`);
  return { ok: false, reason: `${parts.join(' ')}: add a routing rule that matches it or choose a default project in the app’s admin page` };
}
