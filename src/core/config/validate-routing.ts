/**
 * Checking the routing settings against the connected projects: every rule
 * aims at a connected project, has a valid repository glob, and no catch-all
 * rule hides the rules after it. Runs when an admin saves the routing.
 */
import picomatch from 'picomatch';
import type { GlobalSettings } from './model';
import type { ConfigProblem } from './validate';

export function validateGlobalSettings(settings: GlobalSettings, connectedKeys: string[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const connected = new Set(connectedKeys);
  const ids = new Set<string>();
  settings.routingRules.forEach((rule, index) => {
    const path = `routingRules[${index}]`;
    if (ids.has(rule.id)) problems.push({ path: `${path}.id`, message: `Two routing rules have the id ${rule.id}: give each rule its own id` });
    ids.add(rule.id);
    if (!connected.has(rule.projectKey)) {
      problems.push({ path: `${path}.projectKey`, message: `The rule "${rule.name}" routes to ${rule.projectKey}, which is not connected: connect ${rule.projectKey} or choose another project` });
    }
    if (rule.match.repository) {
      try {
        picomatch.makeRe(rule.match.repository);
      } catch {
        problems.push({ path: `${path}.match.repository`, message: `The repository pattern "${rule.match.repository}" of rule "${rule.name}" is not a valid glob: use a pattern such as acme/payments-*` });
      }
    }
    const { repository, categories, minimumSeverity, scanners, tags } = rule.match;
    const catchAll = !repository && !categories?.length && !minimumSeverity && !scanners?.length && !tags?.length;
    if (catchAll && rule.enabled && index < settings.routingRules.length - 1) {
      problems.push({ path, message: `The rule "${rule.name}" has no condition, so it matches every finding and the rules after it never apply: add a condition or move it last` });
    }
  });
  if (settings.defaultProjectKey && !connected.has(settings.defaultProjectKey)) {
    problems.push({ path: 'defaultProjectKey', message: `The default project ${settings.defaultProjectKey} is not connected: connect it or choose another default project` });
  }
  return problems;
}
