/**
 * Panel data for the scenarios a user meets on an issue, built from one
 * realistic finding (the contract's lodash example) with overrides.
 */
import type { PanelData, PanelResult } from '../../../src/shared/contracts/panel';

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD`, `days` from `now` (UTC). */
export function isoDate(now: number, days: number): string {
  return new Date(now + days * DAY_MS).toISOString().slice(0, 10);
}

export function newFinding(now: number, overrides: Partial<PanelData> = {}): PanelData {
  return {
    issue: { id: '10012', key: 'SEC-12' },
    finding: {
      id: 'fnd_lodash_api',
      title: 'Prototype Pollution in lodash',
      severity: 'high',
      status: 'open',
      cvssScore: 7.4,
      cvssVector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H',
      cveIds: ['CVE-2020-8203'],
      cweIds: ['CWE-1321'],
      package: { ecosystem: 'npm', name: 'lodash', version: '4.17.15', fixedVersion: '4.17.21' },
      repository: { name: 'acme/payments-api', url: 'https://github.com/acme/payments-api', defaultBranch: 'main' },
      location: { path: 'src/utils/merge.js', line: 42 },
      slaDueDate: isoDate(now, 30),
      url: 'https://app.backline.ai/findings/fnd_lodash_api',
    },
    pullRequests: [],
    lastSyncedAt: new Date(now - 2 * 3_600_000).toISOString(),
    source: 'store',
    ...overrides,
  };
}

export const remediation = { id: 'rem_42', title: 'Upgrade lodash to 4.17.21', mode: 'automated' as const, url: 'https://app.backline.ai/remediations/rem_42' };

export const openPr = {
  url: 'https://github.com/acme/payments-api/pull/311',
  number: 311,
  title: 'fix: upgrade lodash to 4.17.21',
  repository: 'acme/payments-api',
  state: 'open' as const,
  at: '2026-11-28T11:00:00Z',
};

export function withOpenPr(now: number): PanelData {
  const base = newFinding(now);
  return { ...base, finding: { ...base.finding, status: 'in_progress' }, remediation, pullRequests: [openPr] };
}

export function withMergedPr(now: number): PanelData {
  const base = newFinding(now);
  return {
    ...base,
    finding: { ...base.finding, status: 'in_progress' },
    remediation,
    pullRequests: [
      { ...openPr, number: 305, title: 'fix: pin lodash', url: 'https://github.com/acme/payments-api/pull/305', state: 'closed', at: '2026-11-27T09:30:00Z' },
      { ...openPr, state: 'merged', at: '2026-11-28T12:15:00Z' },
    ],
  };
}

export function resolvedFinding(now: number): PanelData {
  const base = withMergedPr(now);
  return { ...base, finding: { ...base.finding, status: 'resolved', resolvedReason: 'fixed', slaDueDate: isoDate(now, -3) } };
}

export function overdueFinding(now: number): PanelData {
  const base = newFinding(now);
  return { ...base, finding: { ...base.finding, severity: 'critical', slaDueDate: isoDate(now, -3) } };
}

export function withSyncError(now: number): PanelData {
  return {
    ...newFinding(now),
    lastSyncError: {
      code: 'TRANSITION_BLOCKED',
      message: 'No transition from "Done" to "In Progress" in the SEC workflow; map the "PR opened" status in the project settings.',
      at: '2026-11-28T11:00:05Z',
    },
  };
}

export const linked = (data: PanelData): PanelResult => ({ ok: true, data: { linked: true, data } });
export const unlinked: PanelResult = { ok: true, data: { linked: false, issue: { id: '10099', key: 'SEC-99' } } };
