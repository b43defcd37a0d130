/**
 * The issue panel's data: who may see it, and where it comes from.
 *
 * Security: the issue id arrives in the resolver's `context.extension`, which
 * the browser can forge (docs/platform-limits.md "Bridge and resolvers"), while the app
 * reads the store and Jira with its own, wider rights. So the first thing done,
 * before anything is read as the app, is to ask Jira *as the calling user*
 * whether they can see the issue; nothing about the finding leaves the
 * resolver otherwise, not even whether the issue is linked.
 *
 * Jira points (the scarcest resource): 1 call as the user, plus 1 call as the
 * app only when the store has no link (the issue property fallback).
 */
import { z } from 'zod';
import { CodedError, toCodedError } from '../errors';
import { JiraError, segment } from '../jira/http';
import type { JiraRequest, JiraTransport, Platform } from '../ports';
import { dispatchResolverCall } from '../resolvers/dispatch';
import { readStoredLink } from './link-source';
import { snapshotToPanelData, stripUndefined } from './snapshot';
import { PANEL_RESOLVER_KEY, type PanelData, type PanelPayload, type PanelResult } from '../../shared/contracts/panel';

export interface PanelCaller {
  accountId: string | undefined;
  /** Jira as the calling user (`api.asUser()`): the permission check runs through it. */
  jiraAsUser: JiraTransport;
}

/** Issue ids are numeric; keys are `PROJ-123`. Anything else never reaches Jira. */
const ISSUE_ID_OR_KEY = /^(\d{1,18}|[A-Z][A-Z0-9_]{0,254}-\d{1,18})$/;

const visibleIssueSchema = z.object({ id: z.string().min(1), key: z.string().min(1) });

export const FORBIDDEN_MESSAGE = 'You do not have permission to see this issue, or it no longer exists.';

const panelPayloadSchema = z.object({ issueIdOrKey: z.string().regex(ISSUE_ID_OR_KEY, 'expected an issue id or key') });

/**
 * The panel's one resolver key on the one resolver dispatcher
 * (../resolvers/dispatch.ts): the visibility check as the user is the
 * permission step, and its answer (the issue as Jira named it to the user) is
 * what the reading step may rely on.
 */
export async function getPanelData(platform: Platform, caller: PanelCaller, issueIdOrKey: unknown): Promise<PanelResult> {
  const result = await dispatchResolverCall(
    PANEL_RESOLVER_KEY,
    { issueIdOrKey },
    {
      authorise: async () => {
        if (typeof issueIdOrKey !== 'string' || !ISSUE_ID_OR_KEY.test(issueIdOrKey)) {
          throw new CodedError('INVALID_INPUT', 'The panel did not receive a valid issue id. Reload the issue page.');
        }
        if (!caller.accountId) throw new CodedError('FORBIDDEN', 'Sign in to Jira to see Backline data for this issue.');
        return checkUserCanSee(caller.jiraAsUser, issueIdOrKey);
      },
      schema: panelPayloadSchema,
      run: async (_payload, issue): Promise<PanelPayload> => {
        try {
          const data = await readLink(platform, issue);
          return data ? { linked: true, data } : { linked: false, issue };
        } catch (error) {
          const coded = toCodedError(error);
          platform.logger.error('issue panel: reading the link failed', { issueId: issue.id, code: coded.code });
          throw new CodedError(coded.code === 'STORAGE_UNAVAILABLE' ? 'STORAGE_UNAVAILABLE' : 'JIRA_UNAVAILABLE', 'Backline data could not be read. Try again in a minute.');
        }
      },
    },
    platform,
  );
  // Only the code and the message cross to the panel (its schema has no room for details).
  return result.ok ? result : { ok: false, error: { code: result.error.code, message: result.error.message } };
}

/**
 * The store first (no Jira points); the issue property when the store has no
 * link (lost or not yet rebuilt store, link written by another installation)
 * or when the stored link lacks the finding's details.
 */
async function readLink(platform: Platform, issue: { id: string; key: string }): Promise<PanelData | undefined> {
  let stored;
  try {
    stored = await readStoredLink(platform.store, issue);
  } catch (error) {
    // The property on the issue can still answer; say so in the logs only.
    platform.logger.warn('issue panel: link store unavailable, using the issue property', { issueId: issue.id, code: toCodedError(error).code });
  }
  if (stored?.findingDetails) return stored.data;
  let property: PanelData | undefined;
  try {
    property = await readIssueProperty(platform.jira, issue);
  } catch (error) {
    if (!stored) throw error;
    platform.logger.warn('issue panel: issue property unreadable, showing the stored link alone', { issueId: issue.id, code: toCodedError(error).code });
  }
  if (!stored) return property;
  if (!property) return stored.data;
  // Sync state from the store (it is written first and is the newest), finding details from the property.
  const finding = { ...property.finding, ...definedOnly(stored.data.finding), cveIds: property.finding.cveIds, cweIds: property.finding.cweIds };
  if (!stored.data.finding.resolvedReason) {
    delete finding.resolvedReason;
    if (finding.status === 'resolved') finding.status = 'open';
  }
  return { ...stored.data, finding };
}

function definedOnly(finding: PanelData['finding']): Partial<PanelData['finding']> {
  const { cveIds: _cves, cweIds: _cwes, ...rest } = finding;
  return stripUndefined(rest);
}


/**
 * `GET /issue/{id}?fields=summary` as the user: 200 only if they have Browse
 * Projects on the issue's project and pass its issue security level. Jira
 * answers 404 both for "no such issue" and "not allowed", and the panel does
 * not distinguish them either. Cheaper than `mypermissions` (which costs 2
 * points per permission object) and it also tells the id and the key.
 */
async function checkUserCanSee(jiraAsUser: JiraTransport, issueIdOrKey: string): Promise<{ id: string; key: string }> {
  let response;
  try {
    response = await jiraAsUser.request({ method: 'GET', path: `/rest/api/3/issue/${segment(issueIdOrKey)}?fields=summary` });
  } catch {
    throw new CodedError('JIRA_UNAVAILABLE', 'Jira did not answer. Try again in a minute.');
  }
  if (response.status === 200) {
    const parsed = visibleIssueSchema.safeParse(response.body);
    if (parsed.success) return { id: parsed.data.id, key: parsed.data.key };
    throw new CodedError('INTERNAL', 'Jira answered with an unexpected issue shape.');
  }
  if (response.status === 429 || response.status >= 500) throw new CodedError('JIRA_UNAVAILABLE', 'Jira is busy. Try again in a minute.');
  throw new CodedError('FORBIDDEN', FORBIDDEN_MESSAGE);
}

/** The link is also written on the issue as the `backline` entity property (docs/events.md §6). */
const propertyEnvelopeSchema = z.object({ key: z.string().optional(), value: z.unknown() });

async function readIssueProperty(jira: JiraTransport, issue: { id: string; key: string }): Promise<PanelData | undefined> {
  const request: JiraRequest = { method: 'GET', path: `/rest/api/3/issue/${segment(issue.id)}/properties/backline` };
  const response = await jira.request(request);
  if (response.status === 404) return undefined;
  if (response.status !== 200) throw new JiraError(request, response);
  const envelope = propertyEnvelopeSchema.safeParse(response.body);
  if (!envelope.success) return undefined;
  return snapshotToPanelData(envelope.data.value, issue, 'issue-property');
}

