/**
 * A JSON document kept in memory and flushed to one file under STATE_DIR.
 *
 * Writes are atomic (temp file + rename) so a crash mid-write never leaves a
 * half-written state file: after a restart the runtime sees either the old or
 * the new document. Flushes are coalesced, and spaced by how long the last one
 * took (at most about 1/20 of the time goes to rewriting the document), so a
 * store that grows with a storm's backlog does not spend the process rewriting
 * itself; `flushSync()` runs on close and on process exit.
 *
 * What must survive a crash as soon as it is acknowledged (a queue push) goes
 * to the journal beside the file (`<file>.journal`, one JSON line per entry,
 * appended synchronously: the cost of the entry, not of the document). The next
 * full write empties it; `load` replays what is left into the document.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The shortest wait between two writes of the document (ms). */
const MIN_FLUSH_INTERVAL_MS = 20;
/** A flush that took d ms is followed by none for FLUSH_SPACING × d ms. */
const FLUSH_SPACING = 20;
/** The longest wait between two writes while changes are pending (ms): a crash loses at most this much unjournaled state. */
const MAX_FLUSH_INTERVAL_MS = 5_000;

export interface LoadOptions<T> {
  reset?: boolean;
  /** Applies one journal entry (`journal()`) to the document read from the file. */
  replay?: (data: T, entry: unknown) => void;
}

export class JsonFile<T> {
  private pending: NodeJS.Timeout | undefined;
  private dirty = false;
  private lastFlushMs = 0;
  private lastFlushAt = 0;

  constructor(
    readonly file: string,
    public data: T,
  ) {}

  get journalFile(): string {
    return `${this.file}.journal`;
  }

  /** Loads the document, or answers `fallback()` when the file is absent (or `reset`); replays the journal. */
  static load<T>(file: string, fallback: () => T, options: LoadOptions<T> = {}): JsonFile<T> {
    if (!options.reset && fs.existsSync(file)) {
      const doc = new JsonFile<T>(file, JSON.parse(fs.readFileSync(file, 'utf8')) as T);
      const entries = doc.readJournal();
      if (entries.length > 0 && options.replay) {
        for (const entry of entries) options.replay(doc.data, entry);
        doc.flushSync();
      }
      return doc;
    }
    const doc = new JsonFile<T>(file, fallback());
    doc.flushSync();
    return doc;
  }

  /** Marks the document changed; it is written a little later (coalesced and spaced). */
  changed(): void {
    this.dirty = true;
    if (this.pending) return;
    const spacing = Math.min(MAX_FLUSH_INTERVAL_MS, Math.max(MIN_FLUSH_INTERVAL_MS, this.lastFlushMs * FLUSH_SPACING));
    const wait = Math.max(MIN_FLUSH_INTERVAL_MS, this.lastFlushAt + spacing - Date.now());
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.flushSync();
    }, wait);
    // A pending flush must not keep a finished test or CLI alive; exit hooks flush.
    this.pending.unref();
  }

  /**
   * Records `entry` durably now (appended to the journal) and marks the document changed: for a
   * change that must survive a crash without the cost of rewriting the whole document.
   */
  journal(entry: unknown): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.appendFileSync(this.journalFile, `${JSON.stringify(entry)}\n`);
    this.changed();
  }

  flushSync(): void {
    if (this.pending) {
      clearTimeout(this.pending);
      this.pending = undefined;
    }
    const started = Date.now();
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.data));
    fs.renameSync(tmp, this.file);
    // Everything journaled is in the document just written.
    fs.rmSync(this.journalFile, { force: true });
    this.dirty = false;
    this.lastFlushAt = Date.now();
    this.lastFlushMs = this.lastFlushAt - started;
  }

  flushIfDirty(): void {
    if (this.dirty || this.pending) this.flushSync();
  }

  /** The journal's entries; a line cut short by a crash mid-append is the last one and is dropped (never acknowledged). */
  private readJournal(): unknown[] {
    if (!fs.existsSync(this.journalFile)) return [];
    const entries: unknown[] = [];
    for (const line of fs.readFileSync(this.journalFile, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        entries.push(JSON.parse(line));
      } catch {
        break;
      }
    }
    return entries;
  }
}
