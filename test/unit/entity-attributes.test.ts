/**
 * Every attribute the `link` entity stores is declared in manifest.yml: the
 * local KVS (like the safe reading of Forge's custom-entity docs) refuses an
 * undeclared attribute, so a field added to the link schema without its
 * manifest declaration fails here first, not in a delivery.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { linkSchema } from '../../src/core/sync/links';

const manifest: unknown = parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'manifest.yml'), 'utf8'));
const entities = (manifest as { app: { storage: { entities: Array<{ name: string; attributes: Record<string, unknown> }> } } }).app.storage.entities;

test('every field of the link schema is a declared attribute of the link entity', () => {
  const declared = Object.keys(entities.find((e) => e.name === 'link')?.attributes ?? {});
  expect(Object.keys(linkSchema.shape).filter((field) => !declared.includes(field))).toEqual([]);
});

test('the activity entity declares what an activity entry stores', () => {
  const declared = Object.keys(entities.find((e) => e.name === 'activity')?.attributes ?? {});
  expect(declared).toEqual(expect.arrayContaining(['at', 'projectKey', 'status', 'findingId', 'details']));
});
