/**
 * The contract check: requests (and, for tests, responses) against Atlassian's
 * OpenAPI document of the Jira Cloud platform REST API.
 *
 * The document is 2.3 MB with ~900 schemas, so nothing is compiled up front:
 * the JSON is parsed on first use and each operation's validators are compiled
 * by ajv the first time that operation is called, then cached.
 */
import { readFileSync } from 'node:fs';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Json = Record<string, unknown>;

interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
  required?: boolean;
  schema?: Json;
}

export interface Operation {
  operationId: string;
  deprecated?: boolean;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: Json }> };
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
  /** Who may call it: `{"OAuth2": [scopes]}` entries (and `basicAuth`). */
  security?: Array<{ OAuth2?: string[]; basicAuth?: string[] }>;
  'x-atlassian-oauth2-scopes'?: Array<{ scheme: string; scopes: string[]; state?: string }>;
}

// ---------------------------------------------------------------------------
// Path templates (shared with the simulator's own route table)

interface CompiledTemplate<T> {
  template: string;
  segments: Array<{ literal: string } | { regex: RegExp; names: string[] }>;
  value: T;
}

/**
 * Matches request paths against OpenAPI path templates. When several match,
 * the one with literal segments earliest wins (`/issue/bulk` over
 * `/issue/{issueIdOrKey}`), as in JAX-RS, which Jira is built on.
 */
export class TemplateMatcher<T> {
  private readonly bySegmentCount = new Map<number, Array<CompiledTemplate<T>>>();

  add(template: string, value: T): void {
    const parts = template.split('/').filter(Boolean);
    const segments = parts.map((p) => {
      if (!p.includes('{')) return { literal: p };
      const names: string[] = [];
      const source = p.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+)\\?\}/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      return { regex: new RegExp(`^${source.replace(/\{|\}/g, '')}$`), names };
    });
    const list = this.bySegmentCount.get(segments.length) ?? [];
    list.push({ template, segments, value });
    this.bySegmentCount.set(segments.length, list);
  }

  /** All templates matching the path, best first. */
  match(path: string): Array<{ template: string; params: Record<string, string>; value: T }> {
    const parts = path.split('/').filter(Boolean);
    const found: Array<{ template: string; params: Record<string, string>; value: T; score: number[] }> = [];
    for (const t of this.bySegmentCount.get(parts.length) ?? []) {
      const params: Record<string, string> = {};
      const score: number[] = [];
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const seg = t.segments[i];
        const part = parts[i];
        if (!seg) { ok = false; break; }
        if ('literal' in seg) {
          ok = seg.literal === part;
          score.push(1);
        } else {
          const m = seg.regex.exec(part);
          if (!m) { ok = false; break; }
          seg.names.forEach((n, j) => { params[n] = safeDecode(m[j + 1] ?? ''); });
          score.push(0);
        }
      }
      if (ok) found.push({ template: t.template, params, value: t.value, score });
    }
    found.sort((a, b) => {
      for (let i = 0; i < a.score.length; i++) if (a.score[i] !== b.score[i]) return (b.score[i] ?? 0) - (a.score[i] ?? 0);
      return 0;
    });
    return found.map(({ template, params, value }) => ({ template, params, value }));
  }
}

function safeDecode(s: string): string {
  try { return decodeURIComponent(s); } catch { return s; }
}

// ---------------------------------------------------------------------------
// The document

export type ContractMatch =
  | { kind: 'ok'; template: string; params: Record<string, string>; operation: Operation }
  | { kind: 'no-path' }
  | { kind: 'no-method'; template: string; allowed: string[] };

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

export class OpenApiContract {
  private doc?: { paths: Record<string, Record<string, unknown>>; components: Json };
  private matcher?: TemplateMatcher<Record<string, Operation>>;
  private ajv?: Ajv;
  private readonly requestValidators = new Map<string, ValidateFunction | null>();
  private readonly paramValidators = new Map<string, ValidateFunction>();
  private readonly responseValidators = new Map<string, ValidateFunction | null>();

  constructor(readonly path: string) {}

  /** Parses the document on first use (≈ 50 ms). */
  private load(): void {
    if (this.doc) return;
    const doc = JSON.parse(readFileSync(this.path, 'utf8')) as { paths: Record<string, Record<string, unknown>>; components: Json };
    const matcher = new TemplateMatcher<Record<string, Operation>>();
    for (const [template, item] of Object.entries(doc.paths)) {
      const ops: Record<string, Operation> = {};
      for (const m of METHODS) if (item[m]) ops[m.toUpperCase()] = item[m] as Operation;
      matcher.add(template, ops);
    }
    const ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateFormats: true });
    addFormats(ajv);
    // OpenAPI's numeric formats are annotations for ajv.
    for (const f of ['int32', 'int64', 'float', 'double', 'binary', 'byte', 'password']) ajv.addFormat(f, true);
    // Jira writes offsets without a colon (`+0000`), which RFC 3339 does not allow.
    ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i);
    ajv.addSchema({ $id: 'jira', components: doc.components });
    this.doc = doc;
    this.matcher = matcher;
    this.ajv = ajv;
  }

  match(path: string, method: string): ContractMatch {
    this.load();
    const candidates = (this.matcher as TemplateMatcher<Record<string, Operation>>).match(path);
    if (candidates.length === 0) return { kind: 'no-path' };
    for (const c of candidates) {
      const op = c.value[method.toUpperCase()];
      if (op) return { kind: 'ok', template: c.template, params: c.params, operation: op };
    }
    const first = candidates[0];
    return { kind: 'no-method', template: first.template, allowed: Object.keys(first.value) };
  }

  /** Schema with its `#/components` references pointed at the registered document. */
  private compile(schema: Json): ValidateFunction {
    const text = JSON.stringify(schema).replace(/"#\/components\//g, '"jira#/components/');
    return (this.ajv as Ajv).compile(JSON.parse(text) as Json);
  }

  /**
   * Problems with a request, as the document sees them. `body` is the raw text
   * (undefined when the request had none).
   */
  validateRequest(template: string, method: string, operation: Operation, query: URLSearchParams, rawBody: string | undefined): { problems: string[]; body?: unknown; unknownParams: string[] } {
    const problems: string[] = [];
    const params = operation.parameters ?? [];
    const known = new Set(params.filter((p) => p.in === 'query').map((p) => p.name));
    const unknownParams = [...new Set(query.keys())].filter((k) => !known.has(k));

    for (const p of params) {
      if (p.in !== 'query') continue;
      const raw = query.getAll(p.name);
      if (raw.length === 0) {
        if (p.required) problems.push(`query parameter '${p.name}' is required`);
        continue;
      }
      const schema = p.schema ?? {};
      const value = coerceParam(schema, raw);
      const key = `${method} ${template} ?${p.name}`;
      let v = this.paramValidators.get(key);
      if (!v) { v = this.compile(schema); this.paramValidators.set(key, v); }
      if (!v(value)) problems.push(...formatErrors(v.errors, `query parameter '${p.name}'`));
    }

    let body: unknown;
    const json = operation.requestBody?.content['application/json'];
    if (rawBody !== undefined && rawBody.trim() !== '') {
      try {
        body = JSON.parse(rawBody);
      } catch (e) {
        problems.push(`request body is not valid JSON: ${(e as Error).message}`);
        return { problems, unknownParams };
      }
      if (json?.schema) {
        const key = `${method} ${template}`;
        let v = this.requestValidators.get(key);
        if (v === undefined) { v = this.compile(json.schema); this.requestValidators.set(key, v); }
        if (v && !v(body)) problems.push(...formatErrors(v.errors, 'request body'));
      }
    } else if (operation.requestBody?.required) {
      problems.push('request body is required');
    }
    return { problems, body, unknownParams };
  }

  /** Problems of a response against the documented schema of its status (used by the tests). */
  validateResponse(template: string, method: string, status: number, body: unknown): string[] {
    this.load();
    const item = (this.doc as { paths: Record<string, Record<string, unknown>> }).paths[template];
    const op = item?.[method.toLowerCase()] as Operation | undefined;
    if (!op) return [`${method} ${template} is not in the document`];
    const response = op.responses[String(status)] ?? op.responses.default;
    if (!response) return [`status ${status} is not documented for ${method} ${template}`];
    const schema = response.content?.['application/json']?.schema;
    if (!schema || Object.keys(schema).length === 0) return [];
    const key = `${method} ${template} ${status}`;
    let v = this.responseValidators.get(key);
    if (v === undefined) { v = this.compile(schema); this.responseValidators.set(key, v); }
    if (!v) return [];
    // Known document quirk: GET remotelink without globalId answers an array of the documented object.
    const items = Array.isArray(body) && schema.type !== 'array' && template.endsWith('/remotelink') ? body : [body];
    const problems: string[] = [];
    for (const item of items) if (!v(item)) problems.push(...formatErrors(v.errors, 'response body'));
    return problems;
  }
}

function coerceParam(schema: Json, raw: string[]): unknown {
  const coerceOne = (s: string, type: unknown): unknown => {
    if (type === 'integer' || type === 'number') return s.trim() !== '' && !Number.isNaN(Number(s)) ? Number(s) : s;
    if (type === 'boolean') return s === 'true' ? true : s === 'false' ? false : s;
    return s;
  };
  if (schema.type === 'array') {
    const itemType = (schema.items as Json | undefined)?.type;
    // Jira takes list parameters both repeated and comma-separated.
    return raw.flatMap((r) => r.split(',')).filter((s) => s !== '').map((s) => coerceOne(s, itemType));
  }
  return coerceOne(raw[raw.length - 1], schema.type);
}

function formatErrors(errors: ErrorObject[] | null | undefined, what: string): string[] {
  return (errors ?? []).slice(0, 10).map((e) => {
    const where = `${what}${e.instancePath}`;
    if (e.keyword === 'additionalProperties') return `${where} has an unknown property '${String((e.params as { additionalProperty: string }).additionalProperty)}'`;
    if (e.keyword === 'enum') return `${where} must be one of ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`;
    return `${where} ${e.message ?? 'is invalid'}`;
  });
}
