/**
 * Grouping (docs/sync.md "Grouping"): which issue a finding belongs to when its
 * project makes one issue per remediation or per vulnerability in a repository,
 * and what that issue shows. Without I/O.
 *
 * A group is applied as one finding would be: the engine plans and writes for a
 * "group finding" (`groupFinding`) whose id is the group's id, whose severity is
 * the worst open member's, and whose description is the table of its members.
 * So the mapping, the lifecycle moves, "people win", recovery and exactly-once
 * all hold per group as they do per finding.
 */
import { createHash } from 'node:crypto';
import type { GroupBy } from '../../config/model';
import { SEVERITY_RANK, severitySchema, type Finding, type FindingRef, type Remediation, type Severity } from '../../events/schema';
import type { Group, GroupMember } from '../links';

export type GroupMode = Group['mode'];

export interface GroupRef {
  groupId: string;
  mode: GroupMode;
  key: string;
  label?: string;
}

/** Rows of the description's table; the rest is counted ("and 12 more"), so the description stays within Jira's limits. */
export const MAX_TABLE_ROWS = 100;

/**
 * The group of a finding that has no issue of its own yet: a group, `wait` (one issue per remediation, and no
 * remediation names the finding yet), or undefined (its own issue: grouping off, or nothing to group by).
 */
export function groupOf(mode: GroupBy | undefined, projectKey: string, finding: Finding | FindingRef, remediation: Remediation | undefined): GroupRef | 'wait' | undefined {
  if (mode === 'remediation') return remediation ? ref('remediation', projectKey, remediation.id, remediation.title) : 'wait';
  if (mode !== 'vulnerability') return undefined;
  const repository = finding.repository?.name;
  const vulnerability = [...(finding.cveIds ?? [])].sort()[0] ?? ruleIdOf(finding);
  if (!repository || !vulnerability) return undefined;
  return ref('vulnerability', projectKey, `${repository} ${vulnerability}`, vulnerability);
}

/** The scanner's rule id, for findings without a CVE (`finding.ruleId`, or `finding.rule.id`). */
function ruleIdOf(finding: Finding | FindingRef): string | undefined {
  const record = finding as Record<string, unknown>;
  if (typeof record.ruleId === 'string' && record.ruleId) return record.ruleId;
  const rule = record.rule;
  return rule && typeof rule === 'object' && 'id' in rule && typeof rule.id === 'string' && rule.id ? rule.id : undefined;
}

function ref(mode: GroupMode, projectKey: string, key: string, label: string | undefined): GroupRef {
  // The id is a finding id to the engine (claims, links, the `backline` property): within its charset, one per project.
  const digest = createHash('sha256').update(`${mode}\u0000${key}`).digest('hex').slice(0, 24);
  return { groupId: `group.${projectKey}.${mode === 'remediation' ? 'rem' : 'vuln'}.${digest}`, mode, key, ...(label ? { label } : {}) };
}

export function emptyGroup(ref: GroupRef): Group {
  return { mode: ref.mode, key: ref.key, ...(ref.label ? { label: ref.label } : {}), members: {}, representative: {} };
}

export function memberOf(finding: Finding, at: number, previous: GroupMember | undefined): GroupMember {
  const location = [finding.repository?.name, [finding.location?.path, finding.location?.line].filter((part) => part !== undefined).join(':') || finding.package?.name]
    .filter(Boolean)
    .join(': ');
  return {
    title: finding.title,
    severity: finding.severity,
    status: previous?.status ?? 'open',
    ...(previous?.reason ? { reason: previous.reason } : {}),
    ...(location ? { location } : {}),
    ...(finding.url ? { url: finding.url } : {}),
    at,
  };
}

/** Adds or refreshes a member; the worst member's finding becomes the representative. An older event changes nothing. */
export function joinGroup(group: Group, finding: Finding, at: number): void {
  const previous = group.members[finding.id];
  if (previous && at < previous.at) return;
  group.members[finding.id] = memberOf(finding, at, previous);
  const current = severityOf(group.representative.severity);
  if (!current || SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[current] || group.representative.id === finding.id) {
    const { description: _description, ...rest } = finding;
    group.representative = rest;
  }
}

/** Marks a member resolved or open again; answers whether anything changed. */
export function setMemberStatus(group: Group, findingId: string, status: GroupMember['status'], at: number, reason?: string): boolean {
  const member = group.members[findingId];
  if (!member || at < member.at || (member.status === status && member.reason === reason)) return false;
  member.status = status;
  member.at = at;
  if (reason && status === 'resolved') member.reason = reason;
  else delete member.reason;
  return true;
}

export const openMembers = (group: Group): GroupMember[] => Object.values(group.members).filter((m) => m.status === 'open');

const severityOf = (value: unknown): Severity | undefined => {
  const parsed = severitySchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
};

function worstSeverity(members: GroupMember[]): Severity {
  let worst: Severity = 'info';
  for (const member of members) {
    const severity = severityOf(member.severity) ?? 'info';
    if (SEVERITY_RANK[severity] > SEVERITY_RANK[worst]) worst = severity;
  }
  return worst;
}

/**
 * The finding the engine applies for a group: the representative's fields (package, repository, CVEs: what
 * the mapping reads), the worst open member's severity, a title naming the group, and the members' table.
 */
export function groupFinding(groupId: string, group: Group): Finding {
  const members = Object.values(group.members);
  const open = openMembers(group);
  const base = group.representative as Partial<Finding>;
  const count = `${members.length} finding${members.length === 1 ? '' : 's'}`;
  const title = group.mode === 'remediation' ? `${group.label ?? base.title ?? 'Remediation'} (${count})` : `${group.label ?? base.title ?? 'Vulnerability'} in ${base.repository?.name ?? 'the repository'} (${count})`;
  return {
    ...base,
    id: groupId,
    title: title.slice(0, 1000),
    severity: worstSeverity(open.length > 0 ? open : members),
    status: open.length > 0 ? 'open' : 'resolved',
    description: describeGroup(group),
  };
}

const cell = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');

/** The description: what the group is, and a table of its findings, worst first, kept current by every event. */
export function describeGroup(group: Group): string {
  const entries = Object.entries(group.members).sort(([idA, a], [idB, b]) => rank(b) - rank(a) || idA.localeCompare(idB));
  const open = entries.filter(([, m]) => m.status === 'open').length;
  const what = group.mode === 'remediation' ? `the remediation ${group.label ? `"${group.label}"` : group.key}` : `${group.label ?? 'the vulnerability'} in ${group.key.split(' ')[0] ?? 'one repository'}`;
  const rows = entries.slice(0, MAX_TABLE_ROWS).map(([id, m]) => {
    const name = m.url ? `[${cell(m.title)}](${m.url})` : cell(m.title);
    const status = m.status === 'open' ? 'Open' : `Resolved${m.reason ? ` (${m.reason.replace(/_/g, ' ')})` : ''}`;
    return `| ${m.severity} | ${name} | ${cell(m.location ?? '')} | ${status} | ${cell(id)} |`;
  });
  const more = entries.length > MAX_TABLE_ROWS ? [``, `And ${entries.length - MAX_TABLE_ROWS} more findings (see Backline).`] : [];
  return [
    `Backline groups ${entries.length} finding${entries.length === 1 ? '' : 's'} of ${what} in this issue; ${open} open. The issue is resolved when all of them are.`,
    '',
    '| Severity | Finding | Location | Status | Finding id |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    ...more,
  ].join('\n');
}

const rank = (member: GroupMember): number => (member.status === 'open' ? 10 : 0) + (SEVERITY_RANK[severityOf(member.severity) ?? 'info'] ?? 0);
