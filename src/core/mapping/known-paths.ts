/**
 * The Backline paths the contract defines (docs/events.md §3–4), with the
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

/** Edits (insert, delete, replace one character) between two strings. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Objects whose properties the contract lists completely: anything else below them is a typo. */
const CLOSED_PREFIXES = ['finding.package.', 'finding.repository.', 'finding.location.', 'finding.owner.', 'remediation.', 'pullRequest.'];

/**
 * Why a path is not a Backline field, with the nearest one it may have meant
 * ("did you mean finding.title?"), or undefined when it is fine: a path of the
 * contract, or a finding property the contract does not list and no listed
 * path is close to (findings may carry their own, e.g. `finding.businessUnit`:
 * docs/mapping.md "Sources").
 */
export function unknownPathProblem(path: string): string | undefined {
  if (knownPath(path)) return undefined;
  let nearest: string | undefined;
  let best = Number.POSITIVE_INFINITY;
  for (const known of Object.keys(KNOWN_PATHS)) {
    const distance = editDistance(path.toLowerCase(), known.toLowerCase());
    if (distance < best) {
      best = distance;
      nearest = known;
    }
  }
  const close = nearest !== undefined && best <= Math.max(2, Math.floor(path.length / 8));
  if (close) return `${path} is not a Backline field: did you mean ${nearest}?`;
  if (CLOSED_PREFIXES.some((prefix) => path.startsWith(prefix))) return `${path} is not a Backline field: see the fields Backline sends in docs/events.md`;
  return undefined;
}
