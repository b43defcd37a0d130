/**
 * Email → Jira accountId for user fields mapped from `finding.owner.email`.
 * Jira Cloud identifies users by accountId only; the user search
 * (`GET /rest/api/3/user/search?query=`) matches an email when the user's
 * profile lets the app see it. Results (found or not) are cached in KVS so a
 * busy finding owner costs one search per TTL, not one per event.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ProjectConfig } from '../config/model';
import type { CreateMeta } from '../jira/create-meta';
import { callJira, query } from '../jira/http';
import type { Clock, JiraTransport, KeyValueStore } from '../ports';
import { fieldKind } from './field-types';
import { getPath } from './paths';
import type { MappingContext } from './types';

export const USER_CACHE_TTL_SECONDS = 24 * 60 * 60;
/** A miss is cached shorter: the user may be invited soon. */
export const USER_MISS_TTL_SECONDS = 60 * 60;

const usersSchema = z.array(z.looseObject({ accountId: z.string(), emailAddress: z.string().optional(), accountType: z.string().optional(), active: z.boolean().optional() }));
const cachedSchema = z.object({ accountId: z.string().nullable(), at: z.number() });

/** KVS keys allow only `[a-zA-Z0-9:._\s-#]`, and emails are personal data: store a hash, never the address. */
function cacheKey(email: string): string {
  return `cache:user:${createHash('sha256').update(email).digest('hex').slice(0, 32)}`;
}

export class UserDirectory {
  private readonly memory = new Map<string, string | null>();

  constructor(
    private readonly jira: JiraTransport,
    private readonly store: KeyValueStore,
    private readonly clock: Clock,
  ) {}

  async lookupByEmail(rawEmail: string): Promise<string | undefined> {
    const email = rawEmail.trim().toLowerCase();
    if (!email.includes('@')) return undefined;
    if (this.memory.has(email)) return this.memory.get(email) ?? undefined;
    const key = cacheKey(email);
    const cached = cachedSchema.safeParse(await this.store.get(key));
    if (cached.success) {
      const ttl = cached.data.accountId ? USER_CACHE_TTL_SECONDS : USER_MISS_TTL_SECONDS;
      if (this.clock.now() - cached.data.at < ttl * 1000) {
        this.memory.set(email, cached.data.accountId);
        return cached.data.accountId ?? undefined;
      }
    }
    const found = usersSchema.parse(await callJira<unknown>(this.jira, 'GET', `/rest/api/3/user/search${query({ query: email, maxResults: 10 })}`));
    // Only an exact email match counts: the search also matches names and prefixes.
    const match = found.find((u) => u.emailAddress?.toLowerCase() === email && u.active !== false && u.accountType !== 'app');
    const accountId = match?.accountId ?? null;
    this.memory.set(email, accountId);
    await this.store.set(key, { accountId, at: this.clock.now() }, { ttlSeconds: accountId ? USER_CACHE_TTL_SECONDS : USER_MISS_TTL_SECONDS });
    return accountId ?? undefined;
  }

  /**
   * The emails the configuration's user fields read from this event, resolved;
   * pass the result as `users` to `renderIssueFields`. No call when no user field is mapped from the event.
   */
  async resolveFor(config: ProjectConfig, meta: CreateMeta, context: MappingContext): Promise<Record<string, string>> {
    const result: Record<string, string> = {};
    const metaById = new Map(meta.fields.map((f) => [f.fieldId, f]));
    for (const mapping of config.fields) {
      const field = metaById.get(mapping.fieldId);
      if (!field) continue;
      const kind = fieldKind(field);
      if (kind !== 'user' && kind !== 'users') continue;
      for (const source of mapping.sources) {
        if (source.kind !== 'backline') continue;
        const value = getPath(context, source.path);
        const emails = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && v.includes('@'));
        for (const email of emails) {
          const accountId = await this.lookupByEmail(email);
          if (accountId) result[email.trim().toLowerCase()] = accountId;
        }
      }
    }
    return result;
  }
}
