/**
 * A JSON document kept in memory and flushed to one file under STATE_DIR.
 *
 * Writes are atomic (temp file + rename) so a crash mid-write never leaves a
 * half-written state file: after a restart the runtime sees either the old or
 * the new document. Flushes are coalesced (one write per tick of mutations) so
 * a burst of KVS writes costs one file write, and `flushSync()` runs on close
 * and on process exit so nothing acknowledged is lost.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export class JsonFile<T> {
  private pending: NodeJS.Timeout | undefined;
  private dirty = false;

  constructor(
    readonly file: string,
    public data: T,
  ) {}

  /** Loads the document, or answers `fallback()` when the file is absent (or `reset`). */
  static load<T>(file: string, fallback: () => T, options: { reset?: boolean } = {}): JsonFile<T> {
    if (!options.reset && fs.existsSync(file)) {
      const text = fs.readFileSync(file, 'utf8');
      return new JsonFile<T>(file, JSON.parse(text) as T);
    }
    const doc = new JsonFile<T>(file, fallback());
    doc.flushSync();
    return doc;
  }

  /** Marks the document changed; it is written shortly after (coalesced). */
  changed(): void {
    this.dirty = true;
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.flushSync();
    }, 20);
    // A pending flush must not keep a finished test or CLI alive; exit hooks flush.
    this.pending.unref();
  }

  flushSync(): void {
    if (this.pending) {
      clearTimeout(this.pending);
      this.pending = undefined;
    }
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.data));
    fs.renameSync(tmp, this.file);
    this.dirty = false;
  }

  flushIfDirty(): void {
    if (this.dirty || this.pending) this.flushSync();
  }
}
