/** The mapping in one import, for tests; code in src/core imports the module it needs. */
export type { MappingContext, MappingProblem, RenderedField, RenderedFields, RenderInput, CreateMeta, CreateMetaField, AllowedValue } from './types';
export { renderIssueFields, sourceValues, renderMapping } from './render';
export { valueFingerprint, canonicalJson } from './fingerprint';
export { getPath, isSafePath } from './paths';
export { renderTemplate, templatePaths } from './template';
export { fieldKind, describeKind, type FieldKind } from './field-types';
export { markdownToSafeAdf, sanitizeAdf, type AdfDoc, type AdfNode } from './adf';
export { markdownToJiraAdf, JIRA_TEXT_LIMIT } from './adf-limit';
export { UserDirectory } from './users';
export { previewIssue, type IssuePreview } from './preview';
