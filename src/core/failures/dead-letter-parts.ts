/**
 * A dead letter whose event is too big for one KVS value (240 KiB, and 25
 * operations a transaction: docs/platform-limits.md "Storage"). The event's JSON
 * is split into parts under `deadletter-part:<eventId>:<n>`, written (in
 * transactions of at most 25) before the head `deadletter:<eventId>` that says how
 * many there are; a head is therefore never listed without its parts. The
 * `deadletter-part:` prefix keeps the parts out of the dead-letter listing.
 */
import { TRANSACTION_LIMIT, type KeyValueStore, type TransactionOperation } from '../ports';

export const PART_PREFIX = 'deadletter-part:';
/** An event whose JSON is longer than this (UTF-8 bytes) is kept in parts; the head keeps the rest of the letter. */
export const INLINE_EVENT_BYTES = 200 * 1024;
/** Bytes of one stored part (as the store serialises it: a JSON string), under 240 KiB with room for the key. */
const PART_BYTES = 200 * 1024;
/** The largest slice tried first; halved until its stored form fits in PART_BYTES. */
const PART_CHARS = 64 * 1024;

export const partKey = (eventId: string, index: number): string => `${PART_PREFIX}${eventId}:${index}`;

const encoder = new TextEncoder();
export const storedBytes = (value: unknown): number => encoder.encode(JSON.stringify(value) ?? '').length;

/** `text` in slices whose stored form (a JSON string: quotes, escapes, UTF-8) fits in one value each. */
export function splitForStorage(text: string, maxBytes = PART_BYTES): string[] {
  const parts: string[] = [];
  let start = 0;
  while (start < text.length) {
    let size = Math.min(text.length - start, PART_CHARS);
    while (size > 1 && storedBytes(text.slice(start, start + size)) > maxBytes) size = Math.floor(size / 2);
    parts.push(text.slice(start, start + size));
    start += size;
  }
  return parts;
}

/** Writes the parts (replacing `previousCount` older ones), in transactions of at most 25. */
export async function writeParts(store: KeyValueStore, eventId: string, parts: string[], previousCount = 0): Promise<void> {
  const ops: TransactionOperation[] = parts.map((part, index) => ({ kind: 'set', key: partKey(eventId, index), value: part }));
  for (let index = parts.length; index < previousCount; index++) ops.push({ kind: 'delete', key: partKey(eventId, index) });
  for (let i = 0; i < ops.length; i += TRANSACTION_LIMIT) await store.transact(ops.slice(i, i + TRANSACTION_LIMIT));
}

/** The event kept in `count` parts, parsed; undefined when a part is missing or the JSON does not parse. */
export async function readParts(store: KeyValueStore, eventId: string, count: number): Promise<unknown> {
  const values: unknown[] = [];
  for (let i = 0; i < count; i += TRANSACTION_LIMIT) {
    const keys = Array.from({ length: Math.min(TRANSACTION_LIMIT, count - i) }, (_, offset) => ({ key: partKey(eventId, i + offset) }));
    values.push(...(await store.getMany(keys)));
  }
  if (values.some((value) => typeof value !== 'string')) return undefined;
  try {
    return JSON.parse(values.join('')) as unknown;
  } catch {
    return undefined;
  }
}

export async function deleteParts(store: KeyValueStore, eventId: string, count: number): Promise<void> {
  await writeParts(store, eventId, [], count);
}
