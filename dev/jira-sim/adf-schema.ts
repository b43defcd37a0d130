/**
 * Atlassian's own ADF JSON schema (`@atlaskit/adf-schema`,
 * `json-schema/v1/full.json`): which nodes exist, which marks and attributes
 * they take and, above all, which node may contain which (no heading in a list
 * item, no blockquote in a blockquote, no table in a list). Jira refuses a
 * document that breaks it with 400.
 *
 * The schema is draft-04 with 84 definitions; ajv needs seconds to compile it,
 * far too slow for every test file's fresh module registry. So the compiled
 * validator is generated once as standalone code, cached in
 * `node_modules/.cache/jira-sim/` under the package's version, and loaded from
 * there (milliseconds).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';

type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

const PACKAGE_JSON = require.resolve('@atlaskit/adf-schema/package.json');
/** The schema file inside the package (the package has no `exports`, so the path is stable). */
export const ADF_SCHEMA_PATH = join(dirname(PACKAGE_JSON), 'dist', 'json-schema', 'v1', 'full.json');

let validate: Validate | undefined;

function load(): Validate {
  if (validate) return validate;
  const { version } = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string };
  const { version: ajvVersion } = JSON.parse(readFileSync(require.resolve('ajv/package.json'), 'utf8')) as { version: string };
  const cacheDir = join(dirname(PACKAGE_JSON), '..', '..', '.cache', 'jira-sim');
  const cached = join(cacheDir, `adf-schema-${version}-ajv-${ajvVersion}.js`);
  if (!existsSync(cached)) {
    const schema = JSON.parse(readFileSync(ADF_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
    // Draft-04 and draft-07 read this schema alike (no `id`, no boolean exclusiveMinimum); ajv 8 speaks draft-07.
    delete schema.$schema;
    const ajv = new Ajv({ strict: false, allErrors: false, code: { source: true } });
    const code = standaloneCode(ajv, ajv.compile(schema));
    mkdirSync(cacheDir, { recursive: true });
    // Write-then-rename: parallel jest workers never read a half-written file.
    const tmp = `${cached}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, cached);
  }
  // Plain CommonJS; its requires of ajv's runtime helpers resolve from node_modules.
  const mod = createRequire(__filename)(cached) as Validate | { default: Validate };
  const fn = typeof mod === 'function' ? mod : mod.default;
  validate = fn;
  return fn;
}

/**
 * Checks a value against Atlassian's ADF schema. Answers null when valid, else
 * one readable problem: the deepest place the schema refused.
 */
export function adfSchemaProblem(doc: unknown): string | null {
  const v = load();
  if (v(doc)) return null;
  const errors = v.errors ?? [];
  const deepest = errors.reduce<ErrorObject | undefined>((best, e) => (!best || e.instancePath.length > best.instancePath.length ? e : best), undefined);
  if (!deepest) return 'the document does not match the ADF schema';
  const nodePath = deepest.instancePath.replace(/\/type$/, '');
  const node = nodeAt(doc, nodePath);
  const what = typeof node?.type === 'string' ? `"${node.type}" node` : 'value';
  const where = `doc${nodePath.replace(/\/content\/(\d+)/g, '.content[$1]').replace(/\/(\w+)/g, '.$1')}`;
  const parentPath = nodePath.replace(/\/content\/\d+$/, '');
  const parent = parentPath !== nodePath ? nodeAt(doc, parentPath) : undefined;
  if (deepest.instancePath.endsWith('/type') && typeof parent?.type === 'string') {
    return `${where}: a ${what} is not allowed inside "${parent.type}" (ADF schema)`;
  }
  return `${where}: ${what} ${deepest.message ?? 'is invalid'} (ADF schema ${deepest.schemaPath})`;
}

function nodeAt(doc: unknown, pointer: string): { type?: unknown } | undefined {
  let cur: unknown = doc;
  for (const part of pointer.split('/').filter(Boolean)) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return typeof cur === 'object' && cur !== null ? cur : undefined;
}
