/** Environment settings of the local scripts (`npm start`, `npm run sim`). */

/** A non-negative integer from the environment; `fallback` when unset or empty. */
export function intEnv(name: string, fallback?: number): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

/** A positive number from the environment (a speed, a scale); `fallback` when unset or empty. */
export function positiveEnv(name: string, fallback?: number): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${value}"`);
  return n;
}
