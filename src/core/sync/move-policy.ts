/**
 * People win (docs/sync.md, "People win"): the app moves an issue only
 * forward along the configured steps (open → PR opened → PR merged →
 * resolved). An issue a person moved ahead of the event's step, or closed,
 * keeps its status and resolution; `finding.reopened` may reopen a closed
 * issue; `pr_closed` moves back only while the issue is still where the app
 * put it. Pure: judged on a status and whether the issue is closed, whoever
 * tells (the link's belief when planning, Jira's answer when applying).
 */
import type { LifecycleStage, ProjectConfig } from '../config/model';

export type MoveRule =
  /** Only from a status below the step (`rank`); never from a closed issue. */
  | { kind: 'forward'; rank: number; ranks: Record<string, number> }
  /** Only from a closed issue. */
  | { kind: 'reopen' }
  /** Only from this status, and only while the app put the issue there. */
  | { kind: 'back'; fromStatusId: string };

/** Where an issue is: its status and whether it is closed (resolution set, or a status in Jira's done category). */
export interface IssuePosition {
  statusId: string;
  closed: boolean;
}

/** What the app knows of its own doing: where it last put the issue, and the workflow's initial status. */
export interface OwnPosition {
  /** The status the app put the issue in (undefined when a person put it where it is, or unknown). */
  appStatusId?: string;
  initialStatusId?: string;
}

const OPEN = 0;
/** The forward steps after open, in order. */
const STEPS = [
  ['prOpened', 1],
  ['prMerged', 2],
  ['resolved', 3],
] as const;

/** The configured steps' statuses by rank (open = 0 … resolved = 3); a status named by two steps takes the higher. */
export function stepRanks(statuses: ProjectConfig['statuses']): Record<string, number> {
  const ranks: Record<string, number> = {};
  const rank = (statusId: string | undefined, value: number) => {
    if (statusId !== undefined) ranks[statusId] = Math.max(ranks[statusId] ?? value, value);
  };
  rank(statuses.reopened?.id, OPEN);
  rank(statuses.prClosed?.id, OPEN);
  for (const [stage, value] of STEPS) rank(statuses[stage]?.id, value);
  return ranks;
}

/** The rule for a move to a stage's status; undefined when the configuration names no `prOpened` status to go back from. */
export function moveRule(stage: LifecycleStage, statuses: ProjectConfig['statuses']): MoveRule | undefined {
  if (stage === 'reopened') return { kind: 'reopen' };
  if (stage === 'prClosed') return statuses.prOpened ? { kind: 'back', fromStatusId: statuses.prOpened.id } : undefined;
  return { kind: 'forward', rank: STEPS.find(([step]) => step === stage)?.[1] ?? OPEN, ranks: stepRanks(statuses) };
}

/** Whether the app may move an issue that is at `at` under `rule`. */
export function mayMove(rule: MoveRule, at: IssuePosition, own: OwnPosition): boolean {
  switch (rule.kind) {
    case 'reopen':
      return at.closed;
    case 'back':
      return !at.closed && at.statusId === rule.fromStatusId && own.appStatusId === at.statusId;
    case 'forward': {
      if (at.closed) return false;
      const rank = rule.ranks[at.statusId] ?? (at.statusId === own.initialStatusId ? OPEN : undefined);
      if (rank !== undefined) return rank < rule.rank;
      // A status no step names: the app's own stop on the way (a path blocked half-way) may go on; a person's choice stays.
      return at.statusId === own.appStatusId;
    }
  }
}
