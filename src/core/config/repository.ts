/**
 * Reading and saving configuration in KVS: one key per connected project
 * (`config:project:<KEY>`) and one for the app-wide settings (`config:global`).
 * Values are validated with zod on the way in and on the way out; a stored
 * value that does not validate is reported (CodedError INTERNAL naming the
 * key and the problems), never silently used or replaced by defaults.
 *
 * Reads are cheap because the web trigger reads configuration for every event:
 * `listProjects` is one `list` of the prefix (≤ 100 projects a page), the
 * global settings one `get`, and both are memoised for the life of the
 * repository object (one invocation); saves update the memo. The sync engine
 * reads `config:global` in a batch with its other keys (`primeGlobal`).
 */
import { CodedError } from '../errors';
import type { Clock, KeyValueStore } from '../ports';
import { EMPTY_GLOBAL_SETTINGS, globalSettingsSchema, projectConfigSchema, type GlobalSettings, type ProjectConfig } from './model';

export const PROJECT_CONFIG_PREFIX = 'config:project:';
export const GLOBAL_SETTINGS_KEY = 'config:global';

export function projectConfigKey(projectKey: string): string {
  return `${PROJECT_CONFIG_PREFIX}${projectKey}`;
}

function invalidStored(key: string, issues: Array<{ path: PropertyKey[]; message: string }>): CodedError {
  return new CodedError('INTERNAL', `The stored configuration ${key} is not valid (${issues.length} problem${issues.length === 1 ? '' : 's'}); open the settings page and save it again`, {
    details: issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  });
}

function invalidInput(what: string, issues: Array<{ path: PropertyKey[]; message: string }>): CodedError {
  return new CodedError('INVALID_INPUT', `The ${what} is not valid`, {
    details: issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  });
}

export class ConfigRepository {
  private projects?: Map<string, ProjectConfig>;
  private global?: GlobalSettings;
  private prefetchedGlobal?: { raw: unknown };

  constructor(
    private readonly store: KeyValueStore,
    private readonly clock: Clock,
  ) {}

  async getProject(projectKey: string): Promise<ProjectConfig | undefined> {
    if (this.projects) return this.projects.get(projectKey);
    const key = projectConfigKey(projectKey);
    const raw = await this.store.get<unknown>(key);
    if (raw === undefined) return undefined;
    const parsed = projectConfigSchema.safeParse(raw);
    if (!parsed.success) throw invalidStored(key, parsed.error.issues);
    return parsed.data;
  }

  /** Every connected project, in key order. */
  async listProjects(): Promise<ProjectConfig[]> {
    if (!this.projects) {
      const projects = new Map<string, ProjectConfig>();
      let cursor: string | undefined;
      do {
        const page = await this.store.list<unknown>(PROJECT_CONFIG_PREFIX, { limit: 100, ...(cursor ? { cursor } : {}) });
        for (const entry of page.items) {
          const parsed = projectConfigSchema.safeParse(entry.value);
          if (!parsed.success) throw invalidStored(entry.key, parsed.error.issues);
          projects.set(parsed.data.projectKey, parsed.data);
        }
        cursor = page.nextCursor;
      } while (cursor);
      this.projects = projects;
    }
    return [...this.projects.values()].sort((a, b) => a.projectKey.localeCompare(b.projectKey));
  }

  /**
   * Whether any project is connected. Reads the whole list (one KVS `list`, like the
   * one-item page it used to ask for) so the same invocation routes and configures its
   * events from the memo without another read; a stored config that does not validate
   * is still "a project" here, and is reported where it is used.
   */
  async hasAnyProject(): Promise<boolean> {
    if (this.projects) return this.projects.size > 0;
    try {
      return (await this.listProjects()).length > 0;
    } catch (error) {
      if (!(error instanceof CodedError && error.code === 'INTERNAL')) throw error;
      const page = await this.store.list<unknown>(PROJECT_CONFIG_PREFIX, { limit: 1 });
      return page.items.length > 0;
    }
  }

  async saveProject(config: ProjectConfig, actorAccountId?: string): Promise<ProjectConfig> {
    const parsed = projectConfigSchema.safeParse({
      ...config,
      updatedAt: new Date(this.clock.now()).toISOString(),
      ...(actorAccountId ? { updatedBy: actorAccountId } : {}),
    });
    if (!parsed.success) throw invalidInput(`configuration of ${String(config.projectKey)}`, parsed.error.issues);
    await this.store.set(projectConfigKey(parsed.data.projectKey), parsed.data);
    this.projects?.set(parsed.data.projectKey, parsed.data);
    return parsed.data;
  }

  async deleteProject(projectKey: string): Promise<void> {
    await this.store.delete(projectConfigKey(projectKey));
    this.projects?.delete(projectKey);
  }

  /** The app-wide settings; before the first save, empty settings (no rules, no default project). */
  async getGlobal(): Promise<GlobalSettings> {
    if (this.global) return this.global;
    if (!this.prefetchedGlobal) this.prefetchedGlobal = { raw: await this.store.get<unknown>(GLOBAL_SETTINGS_KEY) };
    const { raw } = this.prefetchedGlobal;
    // Absent settings are remembered too: each event of a batch used to read the key again.
    if (raw === undefined) return (this.global = EMPTY_GLOBAL_SETTINGS);
    const parsed = globalSettingsSchema.safeParse(raw);
    if (!parsed.success) throw invalidStored(GLOBAL_SETTINGS_KEY, parsed.error.issues);
    this.global = parsed.data;
    return parsed.data;
  }

  /** Whether `getGlobal` still needs `config:global` (so a caller can read it in a batch with other keys). */
  needsGlobal(): boolean {
    return !this.global && !this.prefetchedGlobal;
  }

  /** The raw value of `config:global` read by the caller (`undefined` = absent); validated when used. */
  primeGlobal(raw: unknown): void {
    if (!this.global) this.prefetchedGlobal = { raw };
  }

  async saveGlobal(settings: GlobalSettings, actorAccountId?: string): Promise<GlobalSettings> {
    const parsed = globalSettingsSchema.safeParse({
      ...settings,
      updatedAt: new Date(this.clock.now()).toISOString(),
      ...(actorAccountId ? { updatedBy: actorAccountId } : {}),
    });
    if (!parsed.success) throw invalidInput('global settings', parsed.error.issues);
    await this.store.set(GLOBAL_SETTINGS_KEY, parsed.data);
    this.global = parsed.data;
    delete this.prefetchedGlobal;
    return parsed.data;
  }
}
