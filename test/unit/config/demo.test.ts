import { demoSecProjectConfig } from '../../../dev/demo-config';
import { SIM_FIELDS, SIM_STATUSES } from '../../../dev/jira-sim/seed';
import { SEC_STATUSES, secVulnerabilityMeta } from '../mapping/fixtures';

describe('the default SEC configuration', () => {
  const meta = secVulnerabilityMeta();
  const config = demoSecProjectConfig(meta, SEC_STATUSES);

  it('maps the demo site\'s fields with the documented write policies', () => {
    expect(config.fields.map((f) => [f.fieldName, f.writePolicy])).toEqual([
      ['Summary', 'sync'],
      ['Description', 'sync'],
      ['Priority', 'sync'],
      ['Labels', 'create-only'],
      ['Severity', 'sync'],
      ['CVE', 'sync'],
      ['Repository', 'sync'],
      ['CVSS', 'sync'],
      ['Due date', 'sync'],
    ]);
    expect(config.fields.find((f) => f.fieldId === 'priority')!.sources).toEqual([
      { kind: 'backline', path: 'finding.severity', valueMap: { critical: 'Highest', high: 'High', medium: 'Medium', low: 'Low', info: 'Lowest' } },
    ]);
    expect(config.fields.find((f) => f.fieldId === SIM_FIELDS.CVE)!.sources).toEqual([{ kind: 'backline', path: 'finding.cveIds' }]);
  });

  it('moves issues through the demo workflow and resolves with Fixed / Won’t Fix', () => {
    expect(config.statuses).toEqual({
      prOpened: { id: SIM_STATUSES.InProgress, name: 'In Progress' },
      prMerged: { id: SIM_STATUSES.InReview, name: 'In Review' },
      prClosed: { id: SIM_STATUSES.ToDo, name: 'To Do' },
      resolved: { id: SIM_STATUSES.Done, name: 'Done' },
      reopened: { id: SIM_STATUSES.ToDo, name: 'To Do' },
    });
    expect(config.resolutions).toEqual({ fixed: 'Fixed', not_detected: 'Fixed', false_positive: "Won't Fix", accepted_risk: "Won't Fix" });
  });
});
