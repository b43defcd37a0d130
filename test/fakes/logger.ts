import type { Logger } from '../../src/core/ports';

/** A logger that says nothing (tests that do not care about logs). */
export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A logger that remembers what was logged, for tests that assert on it (e.g. "no secret in logs"). */
export class RecordingLogger implements Logger {
  readonly entries: Array<{ level: 'info' | 'warn' | 'error'; message: string; fields?: Record<string, unknown> }> = [];
  info(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: 'info', message, ...(fields ? { fields } : {}) });
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: 'warn', message, ...(fields ? { fields } : {}) });
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: 'error', message, ...(fields ? { fields } : {}) });
  }
}
