/**
 * `npm run schema`: writes docs/events.schema.json from the zod schemas the web
 * trigger validates with (src/core/events/schema.ts). A unit test fails when the
 * committed file is stale; `npm run schema -- --check` does the same for CI.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderEventsJsonSchema } from '../src/core/events/json-schema';

export const SCHEMA_FILE = path.resolve(__dirname, '../docs/events.schema.json');

function main(): void {
  const text = renderEventsJsonSchema();
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, 'utf8') : '';
    if (current !== text) {
      console.error('docs/events.schema.json is stale: run `npm run schema` and commit it.');
      process.exit(1);
    }
    console.log('docs/events.schema.json is up to date.');
    return;
  }
  fs.mkdirSync(path.dirname(SCHEMA_FILE), { recursive: true });
  fs.writeFileSync(SCHEMA_FILE, text);
  console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)} (${Buffer.byteLength(text)} bytes)`);
}

if (require.main === module) main();
