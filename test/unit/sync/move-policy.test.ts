import { mayMove, moveRule, stepRanks } from '../../../src/core/sync/move-policy';
import { sendsBlind, type KnownTransition, type WorkflowGraph } from '../../../src/core/jira/workflow';

const S = { toDo: '1', inProgress: '3', inReview: '4', done: '5', blocked: '9' };
const statuses = {
  prOpened: { id: S.inProgress, name: 'In Progress' },
  prMerged: { id: S.inReview, name: 'In Review' },
  resolved: { id: S.done, name: 'Done' },
  reopened: { id: S.toDo, name: 'To Do' },
  prClosed: { id: S.toDo, name: 'To Do' },
};
const open = (statusId: string) => ({ statusId, closed: false });

describe('move policy (docs/sync.md, "People win")', () => {
  it('ranks the configured steps open → PR opened → PR merged → resolved', () => {
    expect(stepRanks(statuses)).toEqual({ [S.toDo]: 0, [S.inProgress]: 1, [S.inReview]: 2, [S.done]: 3 });
  });

  it('moves forward only: from a lower step, never from the same or a later one', () => {
    const merged = moveRule('prMerged', statuses)!;
    expect(mayMove(merged, open(S.toDo), {})).toBe(true);
    expect(mayMove(merged, open(S.inProgress), {})).toBe(true);
    expect(mayMove(merged, open(S.inReview), {})).toBe(false);
    expect(mayMove(merged, open(S.done), {})).toBe(false);
  });

  it('never moves a closed issue forward, whatever its status', () => {
    const resolved = moveRule('resolved', statuses)!;
    expect(mayMove(resolved, { statusId: S.inProgress, closed: true }, { appStatusId: S.inProgress })).toBe(false);
    expect(mayMove(resolved, open(S.inProgress), {})).toBe(true);
  });

  it("a status no step names: the app's own stop may go on, a person's choice stays; the initial status counts as open", () => {
    const resolved = moveRule('resolved', statuses)!;
    expect(mayMove(resolved, open(S.blocked), { appStatusId: S.blocked })).toBe(true);
    expect(mayMove(resolved, open(S.blocked), { appStatusId: S.inProgress })).toBe(false);
    expect(mayMove(resolved, open(S.blocked), {})).toBe(false);
    expect(mayMove(moveRule('resolved', { resolved: statuses.resolved })!, open(S.toDo), { initialStatusId: S.toDo })).toBe(true);
  });

  it('reopens only a closed issue', () => {
    const reopen = moveRule('reopened', statuses)!;
    expect(mayMove(reopen, { statusId: S.done, closed: true }, {})).toBe(true);
    expect(mayMove(reopen, open(S.inProgress), { appStatusId: S.inProgress })).toBe(false);
  });

  it('goes back on pr_closed only from the PR-opened status the app put the issue in', () => {
    const back = moveRule('prClosed', statuses)!;
    expect(mayMove(back, open(S.inProgress), { appStatusId: S.inProgress })).toBe(true);
    expect(mayMove(back, open(S.inProgress), {})).toBe(false);
    expect(mayMove(back, open(S.inReview), { appStatusId: S.inProgress })).toBe(false);
    expect(moveRule('prClosed', { prClosed: statuses.prClosed })).toBeUndefined();
  });
});

describe('sendsBlind: a transition goes out unread only when accepting it proves where the issue was', () => {
  const t = (id: string, to: string, extra: Partial<KnownTransition> = {}): KnownTransition => ({ id, name: id, toStatusId: to, hasScreen: false, screenFieldIds: [], required: [], ...extra });
  const graph = (edges: WorkflowGraph['edges']): WorkflowGraph => ({ edges, statusNames: {} });

  it('yes when it leaves from the believed status alone', () => {
    const start = t('11', S.inProgress);
    expect(sendsBlind(graph({ [S.toDo]: [start], [S.inProgress]: [t('21', S.inReview)] }), S.toDo, start)).toBe(true);
  });

  it('no for a transition shared with another status (a common transition), a global one, or one not listed under the believed status', () => {
    const shared = t('11', S.inProgress);
    expect(sendsBlind(graph({ [S.toDo]: [shared], [S.done]: [shared] }), S.toDo, shared)).toBe(false);
    const global = t('99', S.toDo, { global: true });
    expect(sendsBlind(graph({ [S.toDo]: [global] }), S.toDo, global)).toBe(false);
    expect(sendsBlind(graph({ [S.toDo]: [] }), S.toDo, shared)).toBe(false);
  });
});
