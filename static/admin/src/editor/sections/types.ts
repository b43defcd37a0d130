import type { Dispatch } from 'react';
import type { MappingProblem } from '../../../../../src/shared/contracts/admin';
import type { Draft, EditorAction } from '../state';

/** What every section of the editor takes: the draft, the way to change it, and the problems to show (all of them; each section picks its own). */
export interface SectionProps {
  draft: Draft;
  dispatch: Dispatch<EditorAction>;
  problems: readonly MappingProblem[];
}
