/**
 * Acting as a user locally. Forge knows the invoking user from the session;
 * locally a page visited with `?as=<alias|accountId>` remembers the choice in
 * a cookie, and API callers (tests) may send `x-local-account-id`. Without
 * either, requests act as the site admin, so the demo works out of the box.
 */
import type { IncomingMessage } from 'node:http';
import { SIM_USERS } from '../jira-sim/seed';

export const ACT_AS_COOKIE = 'backline_as';
export const ACT_AS_HEADER = 'x-local-account-id';

export const USER_ALIASES: Record<string, string> = {
  admin: SIM_USERS.siteAdmin.accountId,
  'sec-admin': SIM_USERS.secAdmin.accountId,
  'app-admin': SIM_USERS.appAdmin.accountId,
  user: SIM_USERS.plainUser.accountId,
};

export const DEFAULT_ACCOUNT_ID = SIM_USERS.siteAdmin.accountId;

/** An alias or an accountId (anything else is refused, so a typo does not silently act as someone unknown). */
export function resolveAccountId(value: string): string | undefined {
  const trimmed = value.trim();
  if (USER_ALIASES[trimmed]) return USER_ALIASES[trimmed];
  return /^[A-Za-z0-9:_-]{1,128}$/.test(trimmed) ? trimmed : undefined;
}

export function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** The account a request acts as: header, then cookie, then the site admin. */
export function requestAccountId(req: IncomingMessage): string {
  const header = req.headers[ACT_AS_HEADER];
  const fromHeader = typeof header === 'string' ? resolveAccountId(header) : undefined;
  const cookie = readCookie(req, ACT_AS_COOKIE);
  const fromCookie = cookie ? resolveAccountId(cookie) : undefined;
  return fromHeader ?? fromCookie ?? DEFAULT_ACCOUNT_ID;
}
