/**
 * Mapping back: what a Jira status category and resolution mean to Backline,
 * per project (docs/mapping.md "Mapping back"). Rules are tried in order; the
 * first whose conditions all hold gives the outcome. A project that never saved
 * rules uses the defaults.
 */
import { z } from 'zod';
import { type BacklineOutcome, backlineOutcomeSchema, type StatusCategory, statusCategorySchema } from './contract';
import { DEFAULT_STATUS_BACK, MAX_STATUS_BACK_RULES } from './status-back-defaults';

export const statusBackRuleSchema = z.object({
  /** Matches when the status is in this category; absent = any category. */
  statusCategory: statusCategorySchema.optional(),
  /** Matches this resolution name (case-insensitive); absent = any resolution, including none. */
  resolution: z.string().min(1).max(255).optional(),
  outcome: backlineOutcomeSchema,
});
export type StatusBackRule = z.infer<typeof statusBackRuleSchema>;

export const statusBackRulesSchema = z.array(statusBackRuleSchema).max(MAX_STATUS_BACK_RULES);

export { DEFAULT_STATUS_BACK } from './status-back-defaults';

export function mapBack(rules: readonly StatusBackRule[] | undefined, state: { statusCategory: StatusCategory; resolution: string | null }): BacklineOutcome | null {
  const resolution = state.resolution?.toLowerCase() ?? null;
  for (const rule of rules ?? DEFAULT_STATUS_BACK) {
    if (rule.statusCategory !== undefined && rule.statusCategory !== state.statusCategory) continue;
    if (rule.resolution !== undefined && rule.resolution.toLowerCase() !== resolution) continue;
    return rule.outcome;
  }
  return null;
}
