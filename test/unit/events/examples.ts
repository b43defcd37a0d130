/**
 * One realistic, valid example body per event type (the same ones docs/events.md shows).
 * Builders return fresh objects so tests can mutate them.
 */
import type { EventType } from '../../../src/core/events/schema';
import { lodashFinding } from '../../fakes/findings';

const finding = () => lodashFinding();

const pr = () => ({
  remediation: { id: 'rem_42', title: 'Upgrade lodash to 4.17.21', mode: 'automated' },
  pullRequest: {
    url: 'https://github.com/acme/payments-api/pull/311',
    number: 311,
    title: 'fix: upgrade lodash to 4.17.21',
    repository: 'acme/payments-api',
  },
  findings: [{ id: 'fnd_lodash_api' }],
});

const at = '2026-11-28T10:00:00Z';

// `any`: tests mutate these freely to build invalid bodies.
export const EXAMPLES: Record<EventType, () => Record<string, any>> = {
  ping: () => ({ id: 'evt_ping_1', type: 'ping', occurredAt: at, data: {} }),
  'finding.created': () => ({ id: 'evt_7f3a', type: 'finding.created', occurredAt: at, data: { finding: finding() } }),
  'finding.updated': () => ({ id: 'evt_7f3c', type: 'finding.updated', occurredAt: at, data: { finding: { ...finding(), severity: 'critical' } } }),
  'finding.resolved': () => ({ id: 'evt_7f3d', type: 'finding.resolved', occurredAt: at, data: { finding: finding(), reason: 'fixed' } }),
  'finding.reopened': () => ({ id: 'evt_7f3e', type: 'finding.reopened', occurredAt: at, data: { finding: finding() } }),
  'remediation.pr_opened': () => ({ id: 'evt_7f3b', type: 'remediation.pr_opened', occurredAt: '2026-11-28T11:00:00Z', data: pr() }),
  'remediation.pr_merged': () => ({
    id: 'evt_7f40',
    type: 'remediation.pr_merged',
    occurredAt: '2026-11-28T12:00:00+01:00',
    data: { ...pr(), pullRequest: { ...pr().pullRequest, mergedAt: '2026-11-28T11:59:00Z' } },
  }),
  'remediation.pr_closed': () => ({ id: 'evt_7f41', type: 'remediation.pr_closed', occurredAt: at, data: pr() }),
  'remediation.resolved': () => ({
    id: 'evt_7f42',
    type: 'remediation.resolved',
    occurredAt: at,
    data: { remediation: { id: 'rem_42' }, findings: [{ id: 'fnd_lodash_api' }, { id: 'fnd_new', title: 'Hard-coded token', severity: 'critical' }] },
  }),
  'issue.lookup': () => ({ id: 'evt_lookup_1', type: 'issue.lookup', occurredAt: at, data: { findingIds: ['fnd_lodash_api', 'fnd_other'] } }),
};
