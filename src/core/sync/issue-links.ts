/** Reading a link back from the issue it describes (the `backline` property is the link's second copy). */
import type { IssueSnapshot } from '../jira/issue-types';
import { groupSchema, linkSchema, type Link } from './links';
import { PROPERTY_KEY, emptyLink } from './plan';

/** The link an issue's `backline` property describes; undefined for an issue that is not a finding's. */
export function linkFromIssue(issue: IssueSnapshot, now: number): Link | undefined {
  const property = issue.properties[PROPERTY_KEY];
  const findingId = property && typeof property === 'object' && 'findingId' in property ? property.findingId : undefined;
  if (typeof findingId !== 'string' || !issue.projectKey || !issue.issueTypeId) return undefined;
  const base = emptyLink(findingId, issue.projectKey, issue.issueTypeId, now);
  const record = property as Record<string, unknown>;
  const group = record.group === undefined ? undefined : groupSchema.omit({ representative: true }).safeParse(record.group);
  const representative = record.finding && typeof record.finding === 'object' ? (record.finding as Record<string, unknown>) : {};
  const parsed = linkSchema.safeParse({
    ...base,
    issueId: issue.id,
    issueKey: issue.key,
    ...(issue.statusId ? { statusId: issue.statusId } : {}),
    // A grouped issue: its members come back with it (docs/sync.md "Grouping").
    ...(group?.success ? { group: { ...group.data, representative } } : {}),
  });
  return parsed.success ? parsed.data : undefined;
}

