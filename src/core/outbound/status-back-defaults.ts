/**
 * Backline's default mapping back (docs/mapping.md "Mapping back"), apart from
 * its zod schema (mapping-back.ts) so the admin UI can show the defaults
 * without bundling zod.
 */
import type { BacklineOutcome, StatusCategory } from './contract';

export interface StatusBackRuleShape {
  statusCategory?: StatusCategory;
  resolution?: string;
  outcome: BacklineOutcome;
}

/** Most rules a project keeps (the config schema's limit, and the editor's). */
export const MAX_STATUS_BACK_RULES = 20;

export const DEFAULT_STATUS_BACK: readonly StatusBackRuleShape[] = [
  { statusCategory: 'done', resolution: 'Fixed', outcome: 'fixed' },
  { resolution: "Won't Fix", outcome: 'accepted_risk' },
  { resolution: 'Duplicate', outcome: 'duplicate' },
  { statusCategory: 'new', outcome: 'reopened' },
];
