/**
 * Pure builders from Backline's findings, remediations and PRs to the Jira
 * Software DevOps payloads (src/core/devops/model.ts): the security workspace
 * (Backline organisation), container (repository) and vulnerability of a finding,
 * and the development-information pull request of a remediation. No I/O: the
 * sender (sender.ts) batches what these return.
 */
import type { FindingRef, PullRequest, Remediation, ResolveReason, Severity } from '../events/schema';
import {
  DEVINFO_ID_PATTERN,
  type IssueAssociation,
  type PullRequestEntity,
  type PullRequestStatus,
  type SecuritySeverity,
  type Vulnerability,
  type VulnerabilityStatus,
} from './model';

/**
 * Events carry no organisation id: Backline organisations mirror the code host's
 * owners, so the owner part of `acme/payments-api` names the workspace. A
 * repository without an owner part falls in this workspace.
 */
export const DEFAULT_WORKSPACE_ID = 'backline';
/** Container of a finding without a repository (code-less findings: cloud, container images). */
export const NO_REPOSITORY = 'no-repository';

export interface WorkspaceRef {
  id: string;
  name: string;
  url: string;
}

export interface ContainerRef {
  id: string;
  workspaceId: string;
  name: string;
  url: string;
}

/** Characters a security workspace/container id may not hold become `-` (model.ts SECURITY_ID_PATTERN). */
function securityIdPart(text: string): string {
  return text.replace(/[^a-zA-Z0-9\-_.~@:{}=]/g, '-') || '-';
}

/** Dev-info ids allow only letters, digits and `~.-_` (model.ts DEVINFO_ID_PATTERN); `/` becomes `~`. */
export function devinfoId(text: string): string {
  const id = text.replace(/\//g, '~').replace(/[^a-zA-Z0-9~.\-_]/g, '-');
  return DEVINFO_ID_PATTERN.test(id) ? id : '-';
}

function origin(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function splitRepository(name: string): { owner?: string; repo: string } {
  const slash = name.indexOf('/');
  return slash > 0 ? { owner: name.slice(0, slash), repo: name.slice(slash + 1) } : { repo: name };
}

const BACKLINE_HOME = 'https://app.backline.ai';

export function workspaceOf(finding: FindingRef): WorkspaceRef {
  const owner = finding.repository ? splitRepository(finding.repository.name).owner : undefined;
  const base = origin(finding.url) ?? BACKLINE_HOME;
  if (!owner) return { id: DEFAULT_WORKSPACE_ID, name: 'Backline', url: base };
  return { id: securityIdPart(owner), name: owner, url: base };
}

export function containerOf(finding: FindingRef): ContainerRef {
  const workspace = workspaceOf(finding);
  const repository = finding.repository;
  if (!repository) return { id: `${workspace.id}/${NO_REPOSITORY}`, workspaceId: workspace.id, name: 'Findings without a repository', url: workspace.url };
  const { repo } = splitRepository(repository.name);
  const path = repo.split('/').map(securityIdPart).join('/');
  const url = typeof repository.url === 'string' && /^https?:\/\//i.test(repository.url) ? repository.url : workspace.url;
  return { id: `${workspace.id}/${path}`.slice(0, 255), workspaceId: workspace.id, name: repository.name, url };
}

/** Jira's levels have no "info": the nearest it shows is low. */
export function securitySeverity(severity: Severity | undefined): SecuritySeverity {
  return severity === undefined ? 'unknown' : severity === 'info' ? 'low' : severity;
}

export type VulnerabilityCause =
  | { type: 'finding.created' | 'finding.updated' | 'finding.reopened' }
  | { type: 'finding.resolved'; reason: ResolveReason }
  | { type: 'remediation.resolved' };

/**
 * Open, closed or ignored, from what the event says about the finding. A false
 * positive or an accepted risk is what the project resolves as "Won't Fix"
 * (config DEFAULT_RESOLUTIONS): Jira's Security tab calls that ignored.
 */
export function vulnerabilityStatus(cause: VulnerabilityCause, findingStatus: FindingRef['status']): VulnerabilityStatus {
  switch (cause.type) {
    case 'finding.resolved':
      return cause.reason === 'false_positive' || cause.reason === 'accepted_risk' ? 'ignored' : 'closed';
    case 'remediation.resolved':
      return 'closed';
    case 'finding.reopened':
      return 'open';
    default:
      return findingStatus === 'resolved' ? 'closed' : findingStatus === 'ignored' ? 'ignored' : 'open';
  }
}

function identifiers(finding: FindingRef): Vulnerability['identifiers'] {
  const list: NonNullable<Vulnerability['identifiers']> = [];
  for (const cve of finding.cveIds ?? []) {
    if (/^CVE-\d{4}-\d{4,}$/i.test(cve)) list.push({ displayName: cve.toUpperCase(), url: `https://www.cve.org/CVERecord?id=${cve.toUpperCase()}` });
  }
  for (const cwe of finding.cweIds ?? []) {
    const number = /^CWE-(\d+)$/i.exec(cwe)?.[1];
    if (number) list.push({ displayName: `CWE-${number}`, url: `https://cwe.mitre.org/data/definitions/${number}.html` });
  }
  return list.length > 0 ? list : undefined;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function packageLine(finding: FindingRef): string | undefined {
  const pkg = finding.package;
  if (!pkg) return undefined;
  const version = pkg.version ? ` ${pkg.version}` : '';
  const fixed = pkg.fixedVersion ? `, fixed in ${pkg.fixedVersion}` : '';
  return clip(`${pkg.name}${version}${fixed}`, 255);
}

const TYPES: Record<string, Vulnerability['type']> = { sca: 'sca', sast: 'sast', dast: 'dast' };

export interface VulnerabilityInput {
  /** The finding as the event carries it, completed from the link's snapshot for id-only references. */
  finding: FindingRef;
  cause: VulnerabilityCause;
  /** The Jira issue the app keeps for this finding. */
  issue: { key: string; url: string };
  /** The finding's previous issue, deleted in Jira (the app re-created it): its association goes. */
  deletedIssueKey?: string;
  /** The event's `occurredAt`: orders updates (Jira ignores a lower sequence number than it stored). */
  occurredAt: string;
}

export function vulnerabilityOf(input: VulnerabilityInput): Vulnerability {
  const { finding, issue, occurredAt } = input;
  const sequence = Date.parse(occurredAt);
  const title = finding.title ?? finding.id;
  const info = packageLine(finding);
  const ids = identifiers(finding);
  const vulnerability: Vulnerability = {
    schemaVersion: '1.0',
    id: finding.id,
    updateSequenceNumber: sequence,
    containerId: containerOf(finding).id,
    displayName: clip(title, 255),
    description: clip(finding.description ?? title, 5000),
    url: finding.url ?? issue.url,
    type: (finding.category && TYPES[finding.category]) ?? 'unknown',
    introducedDate: finding.firstSeenAt ?? occurredAt,
    lastUpdated: occurredAt,
    severity: { level: securitySeverity(finding.severity) },
    status: vulnerabilityStatus(input.cause, finding.status),
    addAssociations: [issueAssociation([issue.key])],
    associationsUpdateSequenceNumber: sequence,
    ...(ids ? { identifiers: ids } : {}),
    ...(info ? { additionalInfo: { content: info } } : {}),
  };
  if (input.deletedIssueKey && input.deletedIssueKey !== issue.key) vulnerability.removeAssociations = [issueAssociation([input.deletedIssueKey])];
  return vulnerability;
}

export function issueAssociation(keys: string[]): IssueAssociation {
  return { associationType: 'issueIdOrKeys', values: keys };
}

// ---------------------------------------------------------------------------
// Development information: the remediation's pull request.

export type PrEventType = 'remediation.pr_opened' | 'remediation.pr_merged' | 'remediation.pr_closed';

const PR_STATUS: Record<PrEventType, PullRequestStatus> = {
  'remediation.pr_opened': 'OPEN',
  'remediation.pr_merged': 'MERGED',
  'remediation.pr_closed': 'DECLINED',
};

/** `https://github.com/acme/api/pull/311` → the repository part of a PR URL (GitHub, GitLab, Bitbucket). */
function repositoryUrlOf(prUrl: string): string | undefined {
  const match = /^(https?:\/\/[^/]+\/.+?)\/(?:pull|pulls|-\/merge_requests|pull-requests)\/[^/]+/i.exec(prUrl);
  return match?.[1];
}

function repositoryNameOf(prUrl: string): string | undefined {
  const url = repositoryUrlOf(prUrl);
  return url ? new URL(url).pathname.replace(/^\//, '') : undefined;
}

export interface PullRequestInput {
  type: PrEventType;
  remediation: Remediation;
  pullRequest: PullRequest;
  /** Every issue of the PR's findings (the development panel shows the PR on each). */
  issueKeys: string[];
  occurredAt: string;
  /** A finding's repository, when the PR names none. */
  fallbackRepository?: { name: string; url?: string };
}

export interface DevinfoRepositoryRef {
  id: string;
  name: string;
  url: string;
}

export function pullRequestOf(input: PullRequestInput): { repository: DevinfoRepositoryRef; pullRequest: PullRequestEntity } {
  const { pullRequest: pr, remediation, occurredAt } = input;
  const name = pr.repository ?? repositoryNameOf(pr.url) ?? input.fallbackRepository?.name ?? 'unknown';
  const url = repositoryUrlOf(pr.url) ?? input.fallbackRepository?.url ?? new URL(pr.url).origin;
  // The PR number is unique in its repository: from the event, else the URL's last segment (`…/pull/311`).
  const path = new URL(pr.url).pathname;
  const number = pr.number !== undefined ? String(pr.number) : /\/(\d+)\/?$/.exec(path)?.[1];
  const id = number ?? devinfoId(path.replace(/^\//, ''));
  const entity: PullRequestEntity = {
    id,
    associations: [issueAssociation(input.issueKeys)],
    updateSequenceId: Date.parse(occurredAt),
    status: PR_STATUS[input.type],
    title: clip(pr.title ?? remediation.title ?? `Backline remediation ${remediation.id}`, 1024),
    author: pr.author ? { name: clip(pr.author, 255) } : {},
    commentCount: 0,
    sourceBranch: pr.sourceBranch ?? '',
    lastUpdate: input.type === 'remediation.pr_merged' && pr.mergedAt ? pr.mergedAt : occurredAt,
    url: pr.url,
    displayId: number !== undefined ? `#${number}` : clip(id, 255),
    ...(pr.targetBranch ? { destinationBranch: pr.targetBranch } : {}),
  };
  return { repository: { id: devinfoId(name), name: clip(name, 255), url }, pullRequest: entity };
}
