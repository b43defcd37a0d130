/**
 * Jira's search index, which lags behind writes. The OpenAPI text of
 * `GET/POST /rest/api/3/search/jql` says: "Recent updates might not be
 * immediately visible in the returned search results. If you need
 * read-after-write consistency, you can utilize the `reconcileIssues`
 * parameter" (an array of issue ids, at most 50). With a lag set
 * (`POST _sim/search-lag {ms}`), a search sees each issue as it was indexed
 * `ms` ago: a new issue is invisible until then, a changed issue matches and
 * answers with its old values, except the issues named in `reconcileIssues`,
 * which are read live. A deleted issue leaves the index at once (the
 * simulator does not model ghosts of deleted issues).
 *
 * With no lag (the default) searches read the live issues, so tests that
 * change `sim.state` directly keep working.
 */
import type { IssueChange } from './store';
import type { SimIssue } from './types';

interface Pending {
  visibleAt: number;
  /** The issue as written; null = deleted. */
  snapshot: SimIssue | null;
}

export class SearchIndex {
  private lag = 0;
  /** What the index shows now (only while a lag is set). */
  private readonly indexed = new Map<string, SimIssue>();
  /** Writes not yet visible, per issue id, oldest first. */
  private readonly pending = new Map<string, Pending[]>();

  constructor(private readonly live: () => Map<string, SimIssue>) {}

  get lagMs(): number {
    return this.lag;
  }

  /** Sets the lag; the index starts from the issues as they are now. `0` turns it off. */
  setLag(ms: number): void {
    this.indexed.clear();
    this.pending.clear();
    this.lag = ms;
    if (ms > 0) for (const issue of this.live().values()) this.indexed.set(issue.id, structuredClone(issue));
  }

  /** Called at the one point where an issue change is committed (`SimStore.commit`). */
  record(change: IssueChange, at: number): void {
    if (this.lag === 0) return;
    const { issue } = change;
    if (change.kind === 'deleted') {
      this.indexed.delete(issue.id);
      this.pending.delete(issue.id);
      return;
    }
    const list = this.pending.get(issue.id) ?? [];
    list.push({ visibleAt: at + this.lag, snapshot: structuredClone(issue) });
    this.pending.set(issue.id, list);
  }

  /**
   * The issues a search sees at `now`, in creation order: indexed snapshots,
   * live issues for the ids in `reconcile`.
   */
  view(now: number, reconcile: ReadonlySet<string>): SimIssue[] {
    const live = this.live();
    if (this.lag === 0) return [...live.values()];
    for (const [id, list] of this.pending) {
      while (list.length > 0 && list[0].visibleAt <= now) {
        const entry = list.shift() as Pending;
        if (entry.snapshot) this.indexed.set(id, entry.snapshot);
      }
      if (list.length === 0) this.pending.delete(id);
    }
    const out: SimIssue[] = [];
    for (const issue of live.values()) {
      if (reconcile.has(issue.id)) out.push(issue);
      else {
        const seen = this.indexed.get(issue.id);
        if (seen) out.push(seen);
      }
    }
    return out;
  }
}
