/** Environment settings of the local scripts (`npm start`, `npm run sim`). */

/** A non-negative integer from the environment; `fallback` when unset or empty. */
export function intEnv(name: string, fallback?: number): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}
