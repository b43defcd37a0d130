/**
 * A JQL subset: the clauses an app like this one sends. Fields: project, key /
 * issuekey / id, status, statusCategory, issuetype / type, priority,
 * resolution, labels, summary (~), assignee / reporter (accountId or
 * currentUser()), custom fields by `cf[n]` or id, and entity properties
 * `issue.property[key].path`. Operators: = != ~ IN, NOT IN, IS [NOT] EMPTY/NULL,
 * AND, OR, NOT, parentheses, ORDER BY.
 *
 * As on a real site, only the issue property paths the app declares in its
 * manifest's `jira:entityProperty` are searchable, with the operators their
 * index type allows (Forge manifest reference, "Jira entity property": string
 * and user take = != IN NOT IN IS; number and date add < <= > >=; text takes ~
 * !~ IS). Others answer Jira's "does not exist" 400.
 */
import { adfToText } from './adf';
import { badRequest } from './http';
import type { IndexedProperty, IndexedType } from './manifest';
import type { SimStore } from './store';
import type { SimIssue } from './types';
import { str } from './util';

type Token = { kind: 'word' | 'string' | 'op' | 'punct'; value: string; pos: number };

export type Clause =
  | { kind: 'and' | 'or'; parts: Clause[] }
  | { kind: 'not'; inner: Clause }
  | { kind: 'cmp'; field: string; op: string; values: string[]; empty?: boolean };

export interface Query {
  where?: Clause;
  orderBy: Array<{ field: string; dir: 'ASC' | 'DESC' }>;
}

function jqlError(message: string): Error {
  return badRequest(`Error in the JQL Query: ${message}`);
}

export function tokenize(jql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < jql.length) {
    const c = jql[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < jql.length && jql[j] !== c) {
        if (jql[j] === '\\' && j + 1 < jql.length) { s += jql[j + 1]; j += 2; continue; }
        s += jql[j];
        j++;
      }
      if (j >= jql.length) throw jqlError(`The quoted string starting at character ${i + 1} is not closed.`);
      tokens.push({ kind: 'string', value: s, pos: i });
      i = j + 1;
      continue;
    }
    const two = jql.slice(i, i + 2);
    if (['!=', '!~', '>=', '<='].includes(two)) { tokens.push({ kind: 'op', value: two, pos: i }); i += 2; continue; }
    if ('=~<>'.includes(c)) { tokens.push({ kind: 'op', value: c, pos: i }); i++; continue; }
    if ('(),'.includes(c)) { tokens.push({ kind: 'punct', value: c, pos: i }); i++; continue; }
    const m = /^[^\s"'(),=!~<>]+/.exec(jql.slice(i));
    if (!m) throw jqlError(`Unexpected character '${c}' at position ${i + 1}.`);
    tokens.push({ kind: 'word', value: m[0], pos: i });
    i += m[0].length;
  }
  return tokens;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined { return this.tokens[this.i]; }
  private next(): Token {
    const t = this.tokens[this.i++];
    if (!t) throw jqlError('Unexpected end of query.');
    return t;
  }
  private isWord(v: string, offset = 0): boolean {
    const t = this.tokens[this.i + offset];
    return t?.kind === 'word' && t.value.toUpperCase() === v;
  }

  parse(): Query {
    let where: Clause | undefined;
    if (this.peek() && !(this.isWord('ORDER') && this.isWord('BY', 1))) where = this.or();
    const orderBy: Query['orderBy'] = [];
    if (this.isWord('ORDER')) {
      this.next();
      if (!this.isWord('BY')) throw jqlError("Expecting 'BY' after 'ORDER'.");
      this.next();
      do {
        const f = this.next();
        let dir: 'ASC' | 'DESC' = 'ASC';
        if (this.isWord('ASC') || this.isWord('DESC')) dir = this.next().value.toUpperCase() as 'ASC' | 'DESC';
        orderBy.push({ field: f.value.toLowerCase(), dir });
      } while (this.peek()?.value === ',' && this.next());
    }
    const rest = this.peek();
    if (rest) throw jqlError(`Unexpected '${rest.value}' at position ${rest.pos + 1}.`);
    return { where, orderBy };
  }

  private or(): Clause {
    const parts = [this.and()];
    while (this.isWord('OR')) { this.next(); parts.push(this.and()); }
    return parts.length === 1 ? (parts[0]) : { kind: 'or', parts };
  }

  private and(): Clause {
    const parts = [this.not()];
    while (this.isWord('AND')) { this.next(); parts.push(this.not()); }
    return parts.length === 1 ? (parts[0]) : { kind: 'and', parts };
  }

  private not(): Clause {
    if (this.isWord('NOT')) { this.next(); return { kind: 'not', inner: this.not() }; }
    if (this.peek()?.value === '(' && this.peek()?.kind === 'punct') {
      this.next();
      const inner = this.or();
      if (this.next().value !== ')') throw jqlError("Expecting ')'.");
      return inner;
    }
    return this.clause();
  }

  private clause(): Clause {
    const f = this.next();
    if (f.kind !== 'word' && f.kind !== 'string') throw jqlError(`Expecting a field name at position ${f.pos + 1}.`);
    const field = f.value;
    const t = this.next();
    let op: string;
    if (t.kind === 'op') op = t.value;
    else if (t.kind === 'word' && ['IN', 'IS', 'NOT', 'WAS', 'CHANGED'].includes(t.value.toUpperCase())) {
      op = t.value.toUpperCase();
      if (op === 'NOT') {
        if (!this.isWord('IN')) throw jqlError("Expecting 'IN' after 'NOT'.");
        this.next();
        op = 'NOT IN';
      } else if (op === 'IS' && this.isWord('NOT')) { this.next(); op = 'IS NOT'; }
      else if (op === 'WAS' || op === 'CHANGED') throw jqlError(`The operator '${op}' is not supported by the Jira simulator.`);
    } else throw jqlError(`Expecting an operator after '${field}' at position ${t.pos + 1}.`);

    if (op === 'IS' || op === 'IS NOT') {
      const v = this.next();
      if (!['EMPTY', 'NULL'].includes(v.value.toUpperCase())) throw jqlError(`Expecting EMPTY or NULL after '${op}'.`);
      return { kind: 'cmp', field, op, values: [], empty: true };
    }
    if (op === 'IN' || op === 'NOT IN') {
      if (this.next().value !== '(') throw jqlError(`Expecting '(' after '${op}'.`);
      const values: string[] = [];
      while (this.peek()?.value !== ')') {
        values.push(this.value());
        if (this.peek()?.value === ',') this.next();
        else if (this.peek()?.value !== ')') throw jqlError("Expecting ',' or ')' in a list.");
      }
      this.next();
      return { kind: 'cmp', field, op, values };
    }
    return { kind: 'cmp', field, op, values: [this.value()] };
  }

  private value(): string {
    const t = this.next();
    if (t.kind === 'punct' || t.kind === 'op') throw jqlError(`Expecting a value at position ${t.pos + 1}.`);
    // Functions: only currentUser() is meaningful here.
    if (t.kind === 'word' && this.peek()?.value === '(') {
      this.next();
      if (this.next().value !== ')') throw jqlError(`Function ${t.value} takes no arguments in the simulator.`);
      return `${t.value.toLowerCase()}()`;
    }
    return t.value;
  }
}

export function parseJql(jql: string): Query {
  return new Parser(tokenize(jql)).parse();
}

const PROPERTY = /^issue\.property\[([^\]]+)\]((?:\.[^.]+)*)$/i;

const EQUALITY = ['=', '!=', 'IN', 'NOT IN', 'IS', 'IS NOT'];
const OPERATORS_BY_TYPE: Record<IndexedType, string[]> = {
  string: EQUALITY,
  user: EQUALITY,
  number: [...EQUALITY, '<', '<=', '>', '>='],
  date: [...EQUALITY, '<', '<=', '>', '>='],
  text: ['~', '!~', 'IS', 'IS NOT'],
};

/** Evaluates queries over the store's issues. */
export class JqlEngine {
  /** `propertyKey.path` → index type; undefined = every path searchable (no manifest). */
  private readonly indexed?: Map<string, IndexedType>;

  constructor(private readonly store: SimStore, indexed?: IndexedProperty[]) {
    if (indexed) this.indexed = new Map(indexed.flatMap((p) => p.values.map((v) => [`${p.propertyKey}.${v.path}`, v.type] as const)));
  }

  /** Runs a query over `candidates` (what the search index shows); answers the matching issues in the query's order. */
  search(jql: string, callerId: string, candidates: SimIssue[]): SimIssue[] {
    const q = parseJql(jql);
    if (!q.where) throw badRequest('Unbounded JQL queries are not allowed here. Please add a search restriction to your query.');
    this.checkFields(q.where);
    const issues = candidates.filter((i) => this.matches(i, q.where as Clause, callerId));
    const order = q.orderBy.length ? q.orderBy : [{ field: 'id', dir: 'ASC' as const }];
    return issues.sort((a, b) => {
      for (const o of order) {
        const d = this.compare(a, b, o.field);
        if (d !== 0) return o.dir === 'ASC' ? d : -d;
      }
      return 0;
    });
  }

  private checkFields(c: Clause): void {
    if (c.kind === 'and' || c.kind === 'or') c.parts.forEach((p) => this.checkFields(p));
    else if (c.kind === 'not') this.checkFields(c.inner);
    else if (c.kind === 'cmp' && !this.known(c.field)) throw badRequest(`Field '${c.field}' does not exist or you do not have permission to view it.`);
    else if (c.kind === 'cmp') this.checkProperty(c.field, c.op);
  }

  /** A property clause must name an indexed path and use an operator its type supports. */
  private checkProperty(field: string, op: string): void {
    const m = PROPERTY.exec(field);
    if (!m || !this.indexed) return;
    const path = `${m[1]}${m[2] ?? ''}`;
    const type = this.indexed.get(path);
    if (!type) throw badRequest(`Field '${field}' does not exist or you do not have permission to view it.`);
    if (!OPERATORS_BY_TYPE[type].includes(op)) throw badRequest(`The operator '${op}' is not supported by the '${field}' field.`);
  }

  private known(field: string): boolean {
    const f = field.toLowerCase();
    return PROPERTY.test(field) || ['project', 'key', 'issuekey', 'id', 'status', 'statuscategory', 'issuetype', 'type', 'priority', 'resolution', 'labels', 'summary', 'text', 'assignee', 'reporter', 'creator'].includes(f) || this.customField(field) !== undefined;
  }

  private customField(field: string): string | undefined {
    const m = /^cf\[(\d+)\]$/i.exec(field);
    const id = m ? `customfield_${m[1]}` : field;
    const f = this.store.data.fields.find((x) => x.custom && (x.id === id || x.name.toLowerCase() === field.toLowerCase()));
    return f?.id;
  }

  private compare(a: SimIssue, b: SimIssue, field: string): number {
    switch (field) {
      case 'created': return a.created - b.created || Number(a.id) - Number(b.id);
      case 'updated': return a.updated - b.updated;
      case 'key':
      case 'issuekey': {
        const [pa, na] = a.key.split('-');
        const [pb, nb] = b.key.split('-');
        return (pa ?? '').localeCompare(pb ?? '') || Number(na) - Number(nb);
      }
      case 'summary': return String(a.fields.summary).localeCompare(String(b.fields.summary));
      default: return Number(a.id) - Number(b.id);
    }
  }

  private matches(issue: SimIssue, c: Clause, callerId: string): boolean {
    switch (c.kind) {
      case 'and': return c.parts.every((p) => this.matches(issue, p, callerId));
      case 'or': return c.parts.some((p) => this.matches(issue, p, callerId));
      case 'not': return !this.matches(issue, c.inner, callerId);
      case 'cmp': {
        const { values: have, exact } = this.valuesOf(issue, c.field);
        const norm = (s: string): string => (exact ? s : s.toLowerCase());
        const want = c.values.map((v) => norm(v === 'currentuser()' ? callerId : v));
        const haveN = have.map(norm);
        switch (c.op) {
          case 'IS': return haveN.length === 0;
          case 'IS NOT': return haveN.length > 0;
          case '=':
          case 'IN': return haveN.some((h) => want.includes(h));
          case '!=':
          case 'NOT IN': return haveN.length > 0 && !haveN.some((h) => want.includes(h));
          case '~': return haveN.some((h) => want.every((w) => h.toLowerCase().includes(w.toLowerCase())));
          case '!~': return !haveN.some((h) => want.every((w) => h.toLowerCase().includes(w.toLowerCase())));
          default: {
            const n = Number(want[0]);
            return haveN.some((h) => {
              const x = Number(h);
              if (Number.isNaN(x) || Number.isNaN(n)) return false;
              return c.op === '>' ? x > n : c.op === '>=' ? x >= n : c.op === '<' ? x < n : x <= n;
            });
          }
        }
      }
    }
  }

  /** The comparable values of a field on an issue; `exact` for property values (compared case-sensitively). */
  private valuesOf(issue: SimIssue, field: string): { values: string[]; exact?: boolean } {
    const store = this.store;
    const prop = PROPERTY.exec(field);
    if (prop) {
      const key = prop[1];
      const path = (prop[2] ?? '').split('.').filter(Boolean);
      if (!Object.prototype.hasOwnProperty.call(issue.properties, key)) return { values: [] };
      return { values: leafValues(issue.properties[key], path), exact: true };
    }
    const project = store.projectById(issue.projectId);
    const named = (list: Array<{ id: string; name: string }>, id: string | null | undefined): string[] => {
      const x = list.find((e) => e.id === id);
      return x ? [x.id, x.name] : [];
    };
    switch (field.toLowerCase()) {
      case 'project': return { values: [project.id, project.key, project.name] };
      case 'key':
      case 'issuekey':
      case 'id': return { values: [issue.key, issue.id] };
      case 'status': return { values: named(store.data.statuses, issue.statusId) };
      case 'statuscategory': {
        const s = store.status(issue.statusId);
        const names = { new: 'To Do', indeterminate: 'In Progress', done: 'Done' };
        return { values: [s.categoryKey, names[s.categoryKey]] };
      }
      case 'issuetype':
      case 'type': return { values: named(store.data.issueTypes, issue.issueTypeId) };
      case 'priority': return { values: named(store.data.priorities, issue.fields.priority as string) };
      case 'resolution': return { values: issue.resolutionId ? named(store.data.resolutions, issue.resolutionId) : ['Unresolved'] };
      case 'labels': return { values: (issue.fields.labels as string[] | undefined) ?? [], exact: false };
      case 'summary': return { values: [str(issue.fields.summary)] };
      case 'text': return { values: [str(issue.fields.summary), adfToText(issue.fields.description as never)] };
      case 'assignee':
      case 'reporter': return { values: issue.fields[field.toLowerCase()] ? [issue.fields[field.toLowerCase()] as string] : [] };
      case 'creator': return { values: [issue.creatorId] };
      default: {
        const id = this.customField(field) as string;
        const f = store.field(id);
        const v = issue.fields[id];
        if (v === null || v === undefined || !f) return { values: [] };
        const options = (f.options ?? []).flatMap((o) => [o, ...(o.children ?? [])]);
        const optionValues = (oid: string): string[] => {
          const o = options.find((x) => x.id === oid);
          return o ? [o.id, o.value] : [];
        };
        if (f.kind === 'option') return { values: optionValues(v as string) };
        if (f.kind === 'options') return { values: (v as string[]).flatMap(optionValues) };
        if (f.kind === 'cascading') return { values: optionValues((v as { parent: string }).parent) };
        if (f.kind === 'adf') return { values: [adfToText(v as never)] };
        return { values: [str(v)] };
      }
    }
  }
}

/**
 * The values an indexed property path holds. An array is indexed element by element, the declared type being
 * each element's (developer.atlassian.com/cloud/jira/platform/modules/property-index: "the objectName can refer
 * to an array type, where the 'type' field in the extraction should be the type of each element"), so
 * `findingIds = "x"` matches an issue whose `findingIds` array holds "x".
 */
function leafValues(value: unknown, path: string[]): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((v) => leafValues(v, path));
  if (path.length === 0) {
    if (typeof value === 'object') return [];
    return [str(value)];
  }
  if (typeof value !== 'object') return [];
  const [head, ...rest] = path;
  return leafValues((value as Record<string, unknown>)[head], rest);
}
