/** The editor's Jira Software switches (static/admin/src/editor/DevopsSwitches.tsx) survive load and save. */
import { projectConfigSchema, type ProjectConfig } from '../../../src/core/config/model';
import { draftFromConfig, draftToConfig, editorReducer } from '../../../static/admin/src/editor/state';

const saved = (extra: Partial<ProjectConfig> = {}): ProjectConfig =>
  projectConfigSchema.parse({
    version: 1, projectKey: 'SEC', projectId: '10000', projectName: 'Security', issueTypeId: '10003', issueTypeName: 'Vulnerability',
    fields: [], statuses: {}, resolutions: { fixed: 'Fixed', not_detected: 'Fixed', false_positive: "Won't Fix", accepted_risk: "Won't Fix" },
    ...extra,
  });

describe('Jira Software switches in the project editor', () => {
  it('a config saved before the switches existed shows both on', () => {
    const draft = draftFromConfig(saved());
    expect(draft.showInSecurityTab).toBe(true);
    expect(draft.showInDevelopmentPanel).toBe(true);
  });

  it('switching one off is saved, and loading it again keeps it off', () => {
    const draft = editorReducer(draftFromConfig(saved()), { type: 'setOption', option: 'showInSecurityTab', value: false });
    const config = projectConfigSchema.parse(draftToConfig(draft));
    expect(config).toMatchObject({ showInSecurityTab: false, showInDevelopmentPanel: true });
    const again = draftFromConfig(config);
    expect(again.showInSecurityTab).toBe(false);
    expect(draftFromConfig(saved({ showInDevelopmentPanel: false })).showInDevelopmentPanel).toBe(false);
  });
});
