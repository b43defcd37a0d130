/**
 * What the mapping editor offers as "Backline field" sources, and the sample
 * finding its live preview and the routing tester start from. Shared by the UI
 * and the resolvers so the preview the admin sees is the one the server renders.
 */
import type { Finding } from '../core/events/schema';

export interface BacklinePathOption {
  path: string;
  label: string;
  /** What the value is, to suggest a source that fits a Jira field type. */
  kind: 'string' | 'text' | 'number' | 'date' | 'list' | 'url' | 'severity';
}

export const BACKLINE_PATHS: readonly BacklinePathOption[] = [
  { path: 'finding.title', label: 'Finding title', kind: 'string' },
  { path: 'finding.description', label: 'Finding description (Markdown)', kind: 'text' },
  { path: 'finding.severity', label: 'Severity', kind: 'severity' },
  { path: 'finding.category', label: 'Category', kind: 'string' },
  { path: 'finding.status', label: 'Status in Backline', kind: 'string' },
  { path: 'finding.cvssScore', label: 'CVSS score', kind: 'number' },
  { path: 'finding.cvssVector', label: 'CVSS vector', kind: 'string' },
  { path: 'finding.cveIds', label: 'CVE ids', kind: 'list' },
  { path: 'finding.cweIds', label: 'CWE ids', kind: 'list' },
  { path: 'finding.scanner', label: 'Scanner', kind: 'string' },
  { path: 'finding.url', label: 'Link to the finding in Backline', kind: 'url' },
  { path: 'finding.repository.name', label: 'Repository name', kind: 'string' },
  { path: 'finding.repository.url', label: 'Repository URL', kind: 'url' },
  { path: 'finding.location.path', label: 'File path', kind: 'string' },
  { path: 'finding.location.component', label: 'Component', kind: 'string' },
  { path: 'finding.package.name', label: 'Package name', kind: 'string' },
  { path: 'finding.package.version', label: 'Package version', kind: 'string' },
  { path: 'finding.package.fixedVersion', label: 'Fixed in version', kind: 'string' },
  { path: 'finding.slaDueDate', label: 'SLA due date', kind: 'date' },
  { path: 'finding.firstSeenAt', label: 'First seen', kind: 'date' },
  { path: 'finding.tags', label: 'Tags', kind: 'list' },
  { path: 'finding.owner.team', label: 'Owning team', kind: 'string' },
  { path: 'finding.owner.email', label: 'Owner e-mail', kind: 'string' },
];

export const SAMPLE_FINDING: Finding = {
  id: 'sample-finding-1',
  title: 'Prototype pollution in lodash',
  severity: 'high',
  description: 'lodash before 4.17.21 allows **prototype pollution** via `zipObjectDeep`.',
  status: 'open',
  category: 'sca',
  cvssScore: 7.4,
  cveIds: ['CVE-2021-23337'],
  cweIds: ['CWE-1321'],
  scanner: 'backline-sca',
  url: 'https://app.backline.ai/findings/sample-finding-1',
  repository: { name: 'acme/payments-api', url: 'https://github.com/acme/payments-api', defaultBranch: 'main' },
  location: { path: 'package-lock.json' },
  package: { name: 'lodash', ecosystem: 'npm', version: '4.17.20', fixedVersion: '4.17.21' },
  slaDueDate: '2026-12-15',
  tags: ['pci', 'payments'],
  owner: { team: 'Payments' },
};
