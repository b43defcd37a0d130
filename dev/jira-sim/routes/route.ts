/** The shape of a REST route of the simulator and what handlers get. */
import type { RequestContext, SimResult } from '../http';
import type { IssueService } from '../issues';
import type { JqlEngine } from '../jql';
import type { Repr } from '../repr';
import type { SearchIndex } from '../search-index';
import type { SimStore } from '../store';

export interface SimEnv {
  store: SimStore;
  repr: Repr;
  issues: IssueService;
  jql: JqlEngine;
  searchIndex: SearchIndex;
  now: () => number;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The OpenAPI path template, e.g. `/rest/api/3/issue/{issueIdOrKey}`. */
  template: string;
  /**
   * Points: a read costs 1 + its returned objects, a write 1 in total. Some
   * POSTs are reads (search, bulk permission checks, workflow reads).
   */
  kind: 'read' | 'write';
  handler: (ctx: RequestContext) => SimResult | Promise<SimResult>;
}

/** A page of a list with Jira's `startAt/maxResults/total/isLast/values` fields. */
export function page<T>(all: T[], startAt: number, maxResults: number, self: string): { self: string; maxResults: number; startAt: number; total: number; isLast: boolean; values: T[]; nextPage?: string } {
  const values = all.slice(startAt, startAt + maxResults);
  const isLast = startAt + values.length >= all.length;
  return {
    self,
    ...(isLast ? {} : { nextPage: withParam(self, 'startAt', String(startAt + maxResults)) }),
    maxResults,
    startAt,
    total: all.length,
    isLast,
    values,
  };
}

function withParam(url: string, name: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.toString();
}
