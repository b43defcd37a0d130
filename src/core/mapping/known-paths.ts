/**
 * The Backline paths the contract defines (backline-events.md §4–5), with the
 * kind of value each holds, so validation can tell an admin that
 * `finding.title` cannot fill a number field before any event fails. Paths not
 * listed (unknown finding properties such as `finding.businessUnit`) are
 * allowed anywhere: their type is only known when an event arrives.
 */
import { CATEGORIES, SEVERITIES } from '../events/schema';

export type PathType = 'string' | 'number' | 'date' | 'datetime' | 'url' | 'email' | 'strings' | 'enum';

export interface KnownPath {
  type: PathType;
  /** For enum paths: every value the contract allows. */
  values?: readonly string[];
  /** Present on every finding (required by the contract). */
  always?: boolean;
  label: string;
}

export const KNOWN_PATHS: Readonly<Record<string, KnownPath>> = {
  'finding.id': { type: 'string', always: true, label: 'Finding id' },
  'finding.title': { type: 'string', always: true, label: 'Title' },
  'finding.severity': { type: 'enum', values: SEVERITIES, always: true, label: 'Severity' },
  'finding.description': { type: 'string', label: 'Description (Markdown)' },
  'finding.status': { type: 'enum', values: ['open', 'in_progress', 'resolved', 'ignored'], label: 'Status' },
  'finding.category': { type: 'enum', values: CATEGORIES, label: 'Category' },
  'finding.cvssScore': { type: 'number', label: 'CVSS score' },
  'finding.cvssVector': { type: 'string', label: 'CVSS vector' },
  'finding.cveIds': { type: 'strings', label: 'CVE ids' },
  'finding.cweIds': { type: 'strings', label: 'CWE ids' },
  'finding.scanner': { type: 'string', label: 'Scanner' },
  'finding.url': { type: 'url', label: 'Finding URL' },
  'finding.repository.name': { type: 'string', label: 'Repository' },
  'finding.repository.url': { type: 'url', label: 'Repository URL' },
  'finding.repository.defaultBranch': { type: 'string', label: 'Default branch' },
  'finding.location.path': { type: 'string', label: 'File path' },
  'finding.location.line': { type: 'number', label: 'Line' },
  'finding.location.component': { type: 'string', label: 'Component' },
  'finding.package.name': { type: 'string', label: 'Package' },
  'finding.package.ecosystem': { type: 'string', label: 'Ecosystem' },
  'finding.package.version': { type: 'string', label: 'Package version' },
  'finding.package.fixedVersion': { type: 'string', label: 'Fixed version' },
  'finding.slaDueDate': { type: 'date', label: 'SLA due date' },
  'finding.firstSeenAt': { type: 'datetime', label: 'First seen' },
  'finding.lastSeenAt': { type: 'datetime', label: 'Last seen' },
  'finding.tags': { type: 'strings', label: 'Tags' },
  'finding.owner.email': { type: 'email', label: 'Owner email' },
  'finding.owner.team': { type: 'string', label: 'Owner team' },
  'remediation.id': { type: 'string', label: 'Remediation id' },
  'remediation.title': { type: 'string', label: 'Remediation title' },
  'remediation.mode': { type: 'enum', values: ['automated', 'hybrid'], label: 'Remediation mode' },
  'remediation.url': { type: 'url', label: 'Remediation URL' },
  'pullRequest.url': { type: 'url', label: 'Pull request URL' },
  'pullRequest.number': { type: 'number', label: 'Pull request number' },
  'pullRequest.title': { type: 'string', label: 'Pull request title' },
  'pullRequest.repository': { type: 'string', label: 'Pull request repository' },
  'pullRequest.sourceBranch': { type: 'string', label: 'Source branch' },
  'pullRequest.targetBranch': { type: 'string', label: 'Target branch' },
  'pullRequest.author': { type: 'string', label: 'Pull request author' },
  'pullRequest.mergedAt': { type: 'datetime', label: 'Merged at' },
};

export function knownPath(path: string): KnownPath | undefined {
  return Object.prototype.hasOwnProperty.call(KNOWN_PATHS, path) ? KNOWN_PATHS[path] : undefined;
}
