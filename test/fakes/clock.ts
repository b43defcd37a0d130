import type { Clock } from '../../src/core/ports';

/** 2026-11-28T10:00:00Z, the project's "today". */
export const FAKE_EPOCH = Date.parse('2026-11-28T10:00:00Z');

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  constructor(private current = FAKE_EPOCH) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  set(ms: number): void {
    this.current = ms;
  }
}
