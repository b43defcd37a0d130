/**
 * Reading a value by path (`finding.package.fixedVersion`) from the event.
 * Paths come from admins and findings carry unknown properties from Backline,
 * so only own, enumerable data properties are followed: `__proto__`,
 * `constructor`, `prototype` and inherited members never resolve, and nothing
 * is called (no getters run on plain JSON data, and functions are not values).
 */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

export function splitPath(path: string): string[] {
  return path.split('.').filter((segment) => segment.length > 0);
}

export function isSafePath(path: string): boolean {
  const segments = splitPath(path);
  return segments.length > 0 && segments.every((s) => !FORBIDDEN_SEGMENTS.has(s));
}

/** The value at `path`, or undefined when any step is missing, unsafe or not a plain data property. */
export function getPath(root: unknown, path: string): unknown {
  const segments = splitPath(path);
  if (segments.length === 0) return undefined;
  let current: unknown = root;
  for (const segment of segments) {
    if (FORBIDDEN_SEGMENTS.has(segment)) return undefined;
    if (current === null || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) {
      // Arrays are addressable by index (`finding.cveIds.0`), nothing else (no `length`).
      if (!/^\d+$/.test(segment)) return undefined;
    }
    const descriptor = Object.getOwnPropertyDescriptor(current, segment);
    if (!descriptor || !('value' in descriptor) || !descriptor.enumerable) return undefined;
    current = descriptor.value;
    if (typeof current === 'function' || typeof current === 'symbol') return undefined;
  }
  return current;
}
