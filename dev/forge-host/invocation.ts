/**
 * Who is invoking, per invocation, the way Forge knows it: `asUser()` calls
 * act as the user who opened the page (resolvers), and there is no user in
 * web triggers, consumers or scheduled triggers. AsyncLocalStorage carries it
 * through every await of the app's code without the app passing it around.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface Invocation {
  /** The Forge function key (`webtrigger`, `resolver` …). */
  functionKey: string;
  moduleKey: string;
  /** Atlassian accountId of the invoking user; absent for app-only invocations. */
  accountId?: string;
  invocationId: string;
}

const storage = new AsyncLocalStorage<Invocation>();

export function runInvocation<T>(invocation: Invocation, fn: () => Promise<T>): Promise<T> {
  return storage.run(invocation, fn);
}

export function currentInvocation(): Invocation | undefined {
  return storage.getStore();
}
