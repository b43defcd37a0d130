/**
 * `npm run schema`: writes docs/events.schema.json from the zod schemas the web
 * trigger validates with (src/core/events/schema.ts), and docs/outbound.schema.json
 * from the outbound contract (src/core/outbound/contract.ts). Unit tests fail when a
 * committed file is stale; `npm run schema -- --check` does the same for CI.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderEventsJsonSchema } from '../src/core/events/json-schema';
import { renderOutboundJsonSchema } from '../src/core/outbound/contract';

export const SCHEMA_FILE = path.resolve(__dirname, '../docs/events.schema.json');
export const OUTBOUND_SCHEMA_FILE = path.resolve(__dirname, '../docs/outbound.schema.json');

function writeOrCheck(file: string, text: string, check: boolean): boolean {
  const name = path.relative(process.cwd(), file);
  if (check) {
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (current !== text) {
      console.error(`${name} is stale: run \`npm run schema\` and commit it.`);
      return false;
    }
    console.log(`${name} is up to date.`);
    return true;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  console.log(`wrote ${name} (${Buffer.byteLength(text)} bytes)`);
  return true;
}

function main(): void {
  const check = process.argv.includes('--check');
  const inbound = writeOrCheck(SCHEMA_FILE, renderEventsJsonSchema(), check);
  const outbound = writeOrCheck(OUTBOUND_SCHEMA_FILE, renderOutboundJsonSchema(), check);
  if (!inbound || !outbound) process.exit(1);
}

if (require.main === module) main();
