/**
 * The published JSON Schema of the request body (`docs/events.schema.json`),
 * generated from the same zod schemas the web trigger validates with, so the
 * two cannot drift (a unit test fails when the committed file is stale).
 */
import { z } from 'zod';
import { requestBodySchema } from './schema';

export const EVENTS_SCHEMA_ID = 'https://backline.ai/schemas/jira/events.v1.schema.json';

export function buildEventsJsonSchema(): Record<string, unknown> {
  // `io: 'input'`: describe what Backline may send. Objects are then open
  // (no `additionalProperties: false`), matching "unknown properties are accepted".
  const generated = z.toJSONSchema(requestBodySchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw' });
  const { $schema, ...rest } = generated;
  return { $schema, $id: EVENTS_SCHEMA_ID, ...rest };
}

/** The file's exact text: stable key order from the schema, 2-space indent, trailing newline. */
export function renderEventsJsonSchema(): string {
  return `${JSON.stringify(buildEventsJsonSchema(), null, 2)}\n`;
}
