/**
 * Acting as a user locally. Forge knows the invoking user from the session;
 * locally the page says who it acts as: `?as=<alias|accountId>` on the page
 * URL (default: the site admin), shown in the "acting as" bar the bridge shim
 * puts on every local page (dev/runtime/ui.ts), with a switcher. Nothing is
 * remembered between pages: the page's identity travels explicitly, in the
 * `x-local-account-id` header of every bridge call it makes, and in `?as=` on
 * the links it follows. API callers (tests) send the header themselves;
 * without one a call acts as the site admin, so the demo works out of the box.
 */
import type { IncomingMessage } from 'node:http';
import { SIM_USERS } from '../jira-sim/seed';

export const ACT_AS_HEADER = 'x-local-account-id';

export const USER_ALIASES: Record<string, string> = {
  admin: SIM_USERS.siteAdmin.accountId,
  'sec-admin': SIM_USERS.secAdmin.accountId,
  'app-admin': SIM_USERS.appAdmin.accountId,
  user: SIM_USERS.plainUser.accountId,
};

/** The people of the switcher, in its order: alias, name, and what they may do on the demo site. */
export const LOCAL_USERS: ReadonlyArray<{ alias: string; accountId: string; label: string }> = [
  { alias: 'admin', accountId: SIM_USERS.siteAdmin.accountId, label: `${SIM_USERS.siteAdmin.displayName} (Jira administrator)` },
  { alias: 'sec-admin', accountId: SIM_USERS.secAdmin.accountId, label: `${SIM_USERS.secAdmin.displayName} (administers SEC)` },
  { alias: 'app-admin', accountId: SIM_USERS.appAdmin.accountId, label: `${SIM_USERS.appAdmin.displayName} (administers APP)` },
  { alias: 'user', accountId: SIM_USERS.plainUser.accountId, label: `${SIM_USERS.plainUser.displayName} (plain user)` },
];

export const DEFAULT_ACCOUNT_ID = SIM_USERS.siteAdmin.accountId;

/** An alias or an accountId (anything else is refused, so a typo does not silently act as someone unknown). */
export function resolveAccountId(value: string): string | undefined {
  const trimmed = value.trim();
  if (USER_ALIASES[trimmed]) return USER_ALIASES[trimmed];
  return /^[A-Za-z0-9:_-]{1,128}$/.test(trimmed) ? trimmed : undefined;
}

/** The account a bridge call acts as: its header, else the site admin. */
export function requestAccountId(req: IncomingMessage): string {
  const header = req.headers[ACT_AS_HEADER];
  const fromHeader = typeof header === 'string' ? resolveAccountId(header) : undefined;
  return fromHeader ?? DEFAULT_ACCOUNT_ID;
}

/** How the "acting as" bar names an account. */
export function actingAsLabel(accountId: string): string {
  return LOCAL_USERS.find((u) => u.accountId === accountId)?.label ?? accountId;
}
