import { containerOf, devinfoId, pullRequestOf, securitySeverity, vulnerabilityOf, vulnerabilityStatus, workspaceOf } from '../../../src/core/devops/build';
import { pullRequestEntitySchema, vulnerabilitySchema } from '../../../src/core/devops/model';
import { lodashFinding } from '../../fakes/findings';

const issue = { key: 'SEC-12', url: 'https://acme.atlassian.net/browse/SEC-12' };
const at = '2026-11-28T10:00:00Z';

describe('security workspace and container of a finding', () => {
  it('the repository owner is the workspace (Backline organisation), the repository the container', () => {
    const finding = lodashFinding();
    expect(workspaceOf(finding)).toEqual({ id: 'acme', name: 'acme', url: 'https://app.backline.ai' });
    expect(containerOf(finding)).toEqual({ id: 'acme/payments-api', workspaceId: 'acme', name: 'acme/payments-api', url: 'https://github.com/acme/payments-api' });
  });

  it('ids keep to the characters Jira allows; a finding without repository has its own container', () => {
    const odd = lodashFinding({ repository: { name: 'Acme Corp/pay ments#1' } });
    expect(workspaceOf(odd).id).toBe('Acme-Corp');
    expect(containerOf(odd).id).toBe('Acme-Corp/pay-ments-1');
    const none = lodashFinding({ repository: undefined });
    expect(containerOf(none)).toMatchObject({ id: 'backline/no-repository', workspaceId: 'backline' });
  });
});

describe('vulnerabilityOf', () => {
  it('carries severity, identifiers with links, the finding URL and the association with the issue', () => {
    const v = vulnerabilityOf({ finding: lodashFinding(), cause: { type: 'finding.created' }, issue, occurredAt: at });
    expect(vulnerabilitySchema.parse(v)).toEqual(v);
    expect(v).toMatchObject({
      id: 'fnd_lodash_api',
      containerId: 'acme/payments-api',
      displayName: 'Prototype Pollution in lodash',
      url: 'https://app.backline.ai/findings/fnd_lodash_api',
      type: 'sca',
      severity: { level: 'high' },
      status: 'open',
      updateSequenceNumber: Date.parse(at),
      addAssociations: [{ associationType: 'issueIdOrKeys', values: ['SEC-12'] }],
      additionalInfo: { content: 'lodash 4.17.15, fixed in 4.17.21' },
    });
    expect(v.identifiers).toEqual([
      { displayName: 'CVE-2020-8203', url: 'https://www.cve.org/CVERecord?id=CVE-2020-8203' },
      { displayName: 'CWE-1321', url: 'https://cwe.mitre.org/data/definitions/1321.html' },
    ]);
    expect(v.removeAssociations).toBeUndefined();
  });

  it('a re-created issue: the deleted issue is removed from the associations, the new one added', () => {
    const v = vulnerabilityOf({ finding: lodashFinding(), cause: { type: 'finding.updated' }, issue, deletedIssueKey: 'SEC-3', occurredAt: at });
    expect(v.removeAssociations).toEqual([{ associationType: 'issueIdOrKeys', values: ['SEC-3'] }]);
    expect(v.addAssociations).toEqual([{ associationType: 'issueIdOrKeys', values: ['SEC-12'] }]);
  });

  it('without a Backline URL the issue is the link; long text is cut to Jira limits', () => {
    const v = vulnerabilityOf({ finding: lodashFinding({ url: undefined, title: 'x'.repeat(400), description: 'y'.repeat(6000) }), cause: { type: 'finding.created' }, issue, occurredAt: at });
    expect(v.url).toBe(issue.url);
    expect(v.displayName).toHaveLength(255);
    expect(v.description).toHaveLength(5000);
    expect(vulnerabilitySchema.safeParse(v).success).toBe(true);
  });
});

describe('vulnerability status from the finding state', () => {
  it.each([
    [{ type: 'finding.created' as const }, undefined, 'open'],
    [{ type: 'finding.updated' as const }, 'ignored' as const, 'ignored'],
    [{ type: 'finding.updated' as const }, 'resolved' as const, 'closed'],
    [{ type: 'finding.resolved' as const, reason: 'fixed' as const }, undefined, 'closed'],
    [{ type: 'finding.resolved' as const, reason: 'not_detected' as const }, undefined, 'closed'],
    [{ type: 'finding.resolved' as const, reason: 'false_positive' as const }, undefined, 'ignored'],
    [{ type: 'finding.resolved' as const, reason: 'accepted_risk' as const }, undefined, 'ignored'],
    [{ type: 'remediation.resolved' as const }, 'open' as const, 'closed'],
    [{ type: 'finding.reopened' as const }, 'resolved' as const, 'open'],
  ])('%j with finding status %s → %s', (cause, status, expected) => {
    expect(vulnerabilityStatus(cause, status)).toBe(expected);
  });

  it('severity info is shown as low (Jira has no info level)', () => {
    expect(securitySeverity('info')).toBe('low');
    expect(securitySeverity('critical')).toBe('critical');
  });
});

describe('pullRequestOf', () => {
  const remediation = { id: 'rem_42', title: 'Upgrade lodash to 4.17.21' };
  const pullRequest = { url: 'https://github.com/acme/payments-api/pull/311', number: 311, title: 'fix: upgrade lodash to 4.17.21', repository: 'acme/payments-api', sourceBranch: 'backline/lodash', targetBranch: 'main' };

  it('the PR with URL, title, state, last update and repository, associated with every issue', () => {
    const built = pullRequestOf({ type: 'remediation.pr_opened', remediation, pullRequest, issueKeys: ['SEC-1', 'APP-2'], occurredAt: at });
    expect(built.repository).toEqual({ id: 'acme~payments-api', name: 'acme/payments-api', url: 'https://github.com/acme/payments-api' });
    expect(pullRequestEntitySchema.parse(built.pullRequest)).toEqual(built.pullRequest);
    expect(built.pullRequest).toMatchObject({
      id: '311', displayId: '#311', status: 'OPEN', title: 'fix: upgrade lodash to 4.17.21', url: pullRequest.url,
      sourceBranch: 'backline/lodash', destinationBranch: 'main', lastUpdate: at, updateSequenceId: Date.parse(at),
      associations: [{ associationType: 'issueIdOrKeys', values: ['SEC-1', 'APP-2'] }],
    });
  });

  it('merged and closed map to MERGED and DECLINED; the repository comes from the URL when the PR names none', () => {
    const merged = pullRequestOf({ type: 'remediation.pr_merged', remediation, pullRequest: { url: 'https://gitlab.com/acme/web/-/merge_requests/7', mergedAt: '2026-11-28T12:00:00Z' }, issueKeys: ['SEC-1'], occurredAt: at });
    expect(merged.pullRequest).toMatchObject({ status: 'MERGED', id: '7', displayId: '#7', lastUpdate: '2026-11-28T12:00:00Z', title: 'Upgrade lodash to 4.17.21' });
    expect(merged.repository).toEqual({ id: 'acme~web', name: 'acme/web', url: 'https://gitlab.com/acme/web' });
    const closed = pullRequestOf({ type: 'remediation.pr_closed', remediation, pullRequest, issueKeys: ['SEC-1'], occurredAt: at });
    expect(closed.pullRequest.status).toBe('DECLINED');
  });

  it('dev-info ids keep to letters, digits and ~.-_', () => {
    expect(devinfoId('acme/pay ments')).toBe('acme~pay-ments');
  });
});
