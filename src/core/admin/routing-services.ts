/** The Routing tab's services: the rules and default project, and "test a finding" with the reason in words. */
import { validateGlobalSettings } from '../config/validate-routing';
import { CodedError } from '../errors';
import { routeFinding } from '../routing';
import type { RoutingTestResult } from '../../shared/contracts/admin';
import type { AdminServices } from './context';

function explainRoute(decision: ReturnType<typeof routeFinding>): RoutingTestResult {
  if (!decision.ok) return { projectKey: null, ruleId: null, explanation: decision.reason };
  switch (decision.via) {
    case 'rule':
      return {
        projectKey: decision.projectKey,
        ruleId: decision.rule?.id ?? null,
        ...(decision.rule ? { ruleName: decision.rule.name } : {}),
        explanation: `The first enabled rule that matches is “${decision.rule?.name ?? decision.rule?.id ?? ''}”.`,
      };
    case 'hint':
      return { projectKey: decision.projectKey, ruleId: null, explanation: `The finding names the project itself (finding.jira.projectKey = ${decision.projectKey}).` };
    case 'default':
      return { projectKey: decision.projectKey, ruleId: null, explanation: 'No rule matches; the default project receives it.' };
    case 'only-project':
      return { projectKey: decision.projectKey, ruleId: null, explanation: `No rule matches and no default project is set; ${decision.projectKey} is the only connected project, so it receives it.` };
  }
}

export const routingServices: Pick<AdminServices, 'routing/get' | 'routing/save' | 'routing/test'> = {
  async 'routing/get'(ctx) {
    const [settings, projects] = await Promise.all([ctx.repository.getGlobal(), ctx.repository.listProjects()]);
    return { settings, connectedProjects: projects.map((p) => p.projectKey) };
  },

  async 'routing/save'(ctx, { settings }) {
    const connected = (await ctx.repository.listProjects()).map((p) => p.projectKey);
    const problems = validateGlobalSettings(settings, connected);
    if (problems.length > 0) {
      throw new CodedError('INVALID_INPUT', `The routing rules have ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was saved.`, {
        details: problems.map((p) => ({ path: p.path, message: p.message })),
      });
    }
    return { settings: await ctx.repository.saveGlobal(settings, ctx.caller.accountId) };
  },

  async 'routing/test'(ctx, { finding, settings: unsaved }) {
    const [saved, projects] = await Promise.all([unsaved ? undefined : ctx.repository.getGlobal(), ctx.repository.listProjects()]);
    return explainRoute(routeFinding(finding, unsaved ?? saved ?? { version: 1, routingRules: [] }, projects));
  },
};
