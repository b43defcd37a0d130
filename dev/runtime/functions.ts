/**
 * Calls the app's functions the way Forge does: the handler named in
 * manifest.yml (`index.webtrigger` → `require('src/index').webtrigger`), with
 * the argument shapes of the Forge runtime (web trigger request, resolver
 * `{ call, context }` + backend payload as @forge/resolver reads it, async
 * event, scheduled trigger event), inside an invocation context so `asUser()`
 * knows the user.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runInvocation, LOCAL_CLOUD_ID, LOCAL_ENVIRONMENT_ID, type AppManifest, type AsyncEvent, type Invocation } from '../forge-host';

type Handler = (...args: unknown[]) => unknown;

export const INSTALL_CONTEXT = `ari:cloud:jira::site/${LOCAL_CLOUD_ID}`;

export interface WebTriggerRequest {
  method: string;
  path: string;
  userPath: string;
  headers: Record<string, string[]>;
  body: string;
  queryParameters: Record<string, string[]>;
  context: { cloudId: string; moduleKey: string };
  contextToken: string;
}

export interface WebTriggerResponse {
  statusCode: number;
  headers: Record<string, string[]>;
  body: string;
}

/**
 * Forge's function limits (dac:platform/forge/limits-invocation, docs/platform-limits.md
 * "Invocation limits"): runtime per kind of function, and invocations a minute.
 */
export const FUNCTION_LIMITS = {
  webtriggerSeconds: 55,
  resolverSeconds: 25,
  /** Consumers and scheduled triggers without `timeoutSeconds`; with it, at most `maxAsyncSeconds`. */
  defaultAsyncSeconds: 55,
  maxAsyncSeconds: 900,
  invocationsPerUserPerMinute: 1_200,
  invocationsPerInstallationPerMinute: 5_000,
  /** A resolver's answer to the front end's `invoke` (its request is limited to 500 KB in dev/server.ts). */
  invokeResponseBytes: 5 * 1024 * 1024,
} as const;

/** What Forge answers instead of running (or finishing) a function: a rate limit, a timeout, an answer too large. */
export class ForgeLimitError extends Error {
  constructor(
    readonly status: number,
    readonly code: 'RATE_LIMITED' | 'FUNCTION_TIMEOUT' | 'PAYLOAD_TOO_LARGE',
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

export interface AppFunctionsOptions {
  /** Multiplies every function timeout (tests make 55 s short); default 1. */
  timeoutScale?: number;
  /** Clock for the invocation rate limits; default Date.now. */
  now?: () => number;
}

export class AppFunctions {
  private readonly timeoutScale: number;
  private readonly now: () => number;
  /** Start times of the last minute's invocations: all of them, and per invoking user. */
  private installationCalls: number[] = [];
  private readonly userCalls = new Map<string, number[]>();

  constructor(
    private readonly manifest: AppManifest,
    private readonly srcDir: string,
    options: AppFunctionsOptions = {},
  ) {
    this.timeoutScale = options.timeoutScale ?? 1;
    this.now = options.now ?? Date.now;
  }

  /** Counts an invocation against the per-installation (and per-user) minute; refuses it beyond the limit as Forge does. */
  private meter(accountId: string | undefined): void {
    const now = this.now();
    const recent = (calls: number[]) => calls.filter((at) => at > now - 60_000);
    this.installationCalls = recent(this.installationCalls);
    if (this.installationCalls.length >= FUNCTION_LIMITS.invocationsPerInstallationPerMinute) {
      throw new ForgeLimitError(429, 'RATE_LIMITED', `More than ${FUNCTION_LIMITS.invocationsPerInstallationPerMinute} invocations a minute for this installation`);
    }
    if (accountId) {
      const mine = recent(this.userCalls.get(accountId) ?? []);
      if (mine.length >= FUNCTION_LIMITS.invocationsPerUserPerMinute) {
        throw new ForgeLimitError(429, 'RATE_LIMITED', `More than ${FUNCTION_LIMITS.invocationsPerUserPerMinute} invocations a minute for this user`);
      }
      mine.push(now);
      this.userCalls.set(accountId, mine);
    }
    this.installationCalls.push(now);
  }

  /** The function's timeout: fixed for web triggers and resolvers, `timeoutSeconds` (≤ 900) for the others. */
  private asyncTimeoutSeconds(functionKey: string): number {
    const configured = this.manifest.functions.get(functionKey)?.timeoutSeconds;
    return Math.min(configured ?? FUNCTION_LIMITS.defaultAsyncSeconds, FUNCTION_LIMITS.maxAsyncSeconds);
  }

  /**
   * One invocation as Forge runs it: metered, in its invocation context, and
   * stopped with FUNCTION_TIMEOUT when it runs longer than its limit (Forge
   * ends the sandbox; locally the handler's promise is abandoned).
   */
  private async invoke<T>(invocation: Invocation, timeoutSeconds: number, run: () => Promise<T>): Promise<T> {
    this.meter(invocation.accountId);
    const limitMs = timeoutSeconds * 1000 * this.timeoutScale;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ForgeLimitError(504, 'FUNCTION_TIMEOUT', `Function ${invocation.functionKey} ran longer than ${timeoutSeconds} s`)), limitMs);
    });
    try {
      return await Promise.race([runInvocation(invocation, run), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The file a handler module loads from: `src/index.ts` for the sources, or
   * `index.cjs` in a Forge bundle (`npm run forge:bundle` writes `[name].cjs`,
   * which Node's `require` does not try by itself).
   */
  modulePath(file: string): string {
    const base = path.join(this.srcDir, file);
    return fs.existsSync(`${base}.cjs`) ? `${base}.cjs` : base;
  }

  /** The handler behind a function key; throws with a message naming what is missing. */
  handler(functionKey: string): Handler {
    const fn = this.manifest.functions.get(functionKey);
    if (!fn) throw new Error(`manifest.yml has no function "${functionKey}"`);
    const dot = fn.handler.lastIndexOf('.');
    const file = fn.handler.slice(0, dot);
    const exportName = fn.handler.slice(dot + 1);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- handlers are discovered from the manifest at run time
    const mod = require(this.modulePath(file)) as Record<string, unknown>;
    const handler = mod[exportName];
    if (typeof handler !== 'function') throw new Error(`src/${file} does not export "${exportName}" (manifest function "${functionKey}")`);
    return handler as Handler;
  }

  /** Loads every handler once, answering the problems (the runtime still starts; the routes answer 503). */
  check(): string[] {
    const problems: string[] = [];
    for (const key of this.manifest.functions.keys()) {
      try {
        this.handler(key);
      } catch (error) {
        // Node appends the require stack; the first line says what is missing.
        const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
        if (!problems.includes(message)) problems.push(message);
      }
    }
    return problems;
  }

  async webtrigger(moduleKey: string, request: Omit<WebTriggerRequest, 'context' | 'contextToken'>): Promise<WebTriggerResponse> {
    const module = this.manifest.webtriggers.find((w) => w.key === moduleKey);
    if (!module) return { statusCode: 404, headers: {}, body: `No web trigger module "${moduleKey}" in manifest.yml` };
    const handler = this.handler(module.function);
    const event: WebTriggerRequest = { ...request, context: { cloudId: LOCAL_CLOUD_ID, moduleKey }, contextToken: 'local' };
    const result = await this.invoke({ functionKey: module.function, moduleKey, invocationId: randomUUID() }, FUNCTION_LIMITS.webtriggerSeconds, async () =>
      handler(event, { installContext: INSTALL_CONTEXT, principal: undefined, license: undefined }),
    );
    return toFunctionResponse(result, 500, 'web trigger');
  }

  /** A resolver call as @forge/resolver's `getDefinitions()` receives it. */
  async resolve(input: {
    moduleKey: string;
    functionKey: string;
    payload: unknown;
    accountId: string;
    context: Record<string, unknown>;
  }): Promise<unknown> {
    const module = this.manifest.uiModules.find((m) => m.key === input.moduleKey);
    if (!module?.resolverFunction) throw new Error(`No UI module "${input.moduleKey}" with a resolver in manifest.yml`);
    const handler = this.handler(module.resolverFunction);
    const call = { call: { functionKey: input.functionKey, payload: input.payload }, context: { ...input.context, moduleKey: input.moduleKey } };
    const backend = {
      principal: { accountId: input.accountId },
      installContext: INSTALL_CONTEXT,
      license: undefined,
      installation: undefined,
    };
    const result = await this.invoke(
      { functionKey: module.resolverFunction, moduleKey: input.moduleKey, accountId: input.accountId, invocationId: randomUUID() },
      FUNCTION_LIMITS.resolverSeconds,
      async () => handler(call, backend),
    );
    const bytes = result === undefined ? 0 : Buffer.byteLength(JSON.stringify(result) ?? '');
    if (bytes > FUNCTION_LIMITS.invokeResponseBytes) {
      throw new ForgeLimitError(413, 'PAYLOAD_TOO_LARGE', `The resolver answered ${bytes} bytes; invoke answers are limited to 5 MB`);
    }
    return result;
  }

  /**
   * Delivers one async event. `function:` consumers get the AsyncEvent
   * (@forge/events ≥ 2); the `resolver: { function, method }` form gets a
   * resolver call whose payload is the body, with `retryContext` added as
   * @forge/events 1.x did.
   */
  async consume(consumerKey: string, event: AsyncEvent): Promise<unknown> {
    const consumer = this.manifest.consumers.find((c) => c.key === consumerKey);
    if (!consumer) throw new Error(`No consumer "${consumerKey}" in manifest.yml`);
    const handler = this.handler(consumer.function);
    const invocation = { functionKey: consumer.function, moduleKey: consumer.key, invocationId: randomUUID() };
    const backend = { installContext: INSTALL_CONTEXT, principal: undefined, license: undefined, installation: undefined };
    if (consumer.method) {
      const payload = { ...event.body, ...(event.retryContext ? { retryContext: event.retryContext } : {}) };
      const call = {
        call: { functionKey: consumer.method, payload, jobId: event.jobId },
        context: { cloudId: LOCAL_CLOUD_ID, moduleKey: consumer.key, environmentId: LOCAL_ENVIRONMENT_ID, retryContext: event.retryContext },
      };
      return this.invoke(invocation, this.asyncTimeoutSeconds(consumer.function), async () => handler(call, backend));
    }
    return this.invoke(invocation, this.asyncTimeoutSeconds(consumer.function), async () => handler(event, backend));
  }

  /** A product event to a `trigger` module's function: `(event, context)`, context as the trigger reference describes. */
  async productEvent(moduleKey: string, event: Record<string, unknown>): Promise<unknown> {
    const trigger = this.manifest.productTriggers.find((t) => t.key === moduleKey);
    if (!trigger) throw new Error(`No trigger "${moduleKey}" in manifest.yml`);
    const handler = this.handler(trigger.function);
    return runInvocation({ functionKey: trigger.function, moduleKey, invocationId: randomUUID() }, async () =>
      handler(event, { installContext: INSTALL_CONTEXT, principal: undefined, license: undefined, installation: undefined }),
    );
  }

  /**
   * Runs a scheduled trigger with Forge's request shape. Its answer must take
   * the web trigger's response shape; anything else (`undefined` included) is
   * what Forge records as 424 Failed dependency (docs/platform-limits.md
   * "Scheduled triggers"), answered here as that status.
   */
  async scheduled(moduleKey: string): Promise<WebTriggerResponse> {
    const trigger = this.manifest.scheduledTriggers.find((t) => t.key === moduleKey);
    if (!trigger) throw new Error(`No scheduled trigger "${moduleKey}" in manifest.yml`);
    const handler = this.handler(trigger.function);
    const result = await this.invoke({ functionKey: trigger.function, moduleKey, invocationId: randomUUID() }, this.asyncTimeoutSeconds(trigger.function), async () =>
      handler({ context: { cloudId: LOCAL_CLOUD_ID, moduleKey }, contextToken: 'local' }, { installContext: INSTALL_CONTEXT, principal: undefined }),
    );
    return toFunctionResponse(result, 424, 'scheduled trigger');
  }
}

/**
 * Forge's dynamic response shape `{ statusCode, headers?: {name: string[]}, body?: string }`;
 * anything else becomes `invalidStatus` (500 for a web trigger, 424 for a scheduled trigger).
 */
function toFunctionResponse(result: unknown, invalidStatus: number, kind: string): WebTriggerResponse {
  const invalid = (why: string) => ({ statusCode: invalidStatus, headers: {}, body: `The ${kind} handler ${why} (Forge answers ${invalidStatus})` });
  if (!result || typeof result !== 'object' || typeof (result as { statusCode?: unknown }).statusCode !== 'number') {
    return invalid('returned an invalid response');
  }
  const r = result as { statusCode: number; headers?: unknown; body?: unknown };
  const headers: Record<string, string[]> = {};
  if (r.headers && typeof r.headers === 'object') {
    for (const [name, value] of Object.entries(r.headers as Record<string, unknown>)) {
      if (Array.isArray(value)) headers[name] = value.map(String);
      else if (value !== undefined) return invalid(`answered header "${name}" that is not a string array`);
    }
  }
  if (r.body !== undefined && typeof r.body !== 'string') return invalid('answered a body that is not a string');
  return { statusCode: r.statusCode, headers, body: r.body ?? '' };
}
