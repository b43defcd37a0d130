/**
 * The Jira Software DevOps payloads the app sends (docs/security-tab.md, "Evidence"):
 * the security bulk submit (`POST /rest/security/1.0/bulk`), the linked workspaces
 * (`POST /rest/security/1.0/linkedWorkspaces/bulk`), the development information
 * bulk store (`POST /rest/devinfo/0.10/bulk`), their answers, and the three actions
 * Jira calls on a security provider (fetch workspaces, fetch containers, search
 * containers). Shapes follow Atlassian's REST reference as typed in the open-source
 * jira.js client (src/agile/parameters/submitVulnerabilities.ts,
 * storeDevelopmentInformation.ts) and the "Security Information Actions" module page.
 */
import { z } from 'zod';

export const SECURITY_BULK_PATH = '/rest/security/1.0/bulk';
export const SECURITY_WORKSPACES_PATH = '/rest/security/1.0/linkedWorkspaces/bulk';
export const DEVINFO_BULK_PATH = '/rest/devinfo/0.10/bulk';

/** "A maximum of 1000 vulnerabilities can be submitted in one request." */
export const MAX_VULNERABILITIES_PER_REQUEST = 1000;
/** "Maximum number of entities across all repositories is 1000"; pull requests per repository ≤ 400. */
export const MAX_DEVINFO_ENTITIES_PER_REQUEST = 1000;
export const MAX_PULL_REQUESTS_PER_REPOSITORY = 400;
/** "The number of values counted across all associationTypes must not exceed a limit of 500." */
export const MAX_ASSOCIATION_VALUES = 500;

/** Workspace and container ids: `[a-zA-Z0-9\-_.~@:{}=]+(/[a-zA-Z0-9\-_.~@:{}=]+)*`. */
export const SECURITY_ID_PATTERN = /^[a-zA-Z0-9\-_.~@:{}=]+(\/[a-zA-Z0-9\-_.~@:{}=]+)*$/;
/** Dev-info repository and entity ids: "Only alphanumeric characters, and '~.-_', are allowed." */
export const DEVINFO_ID_PATTERN = /^[a-zA-Z0-9~.\-_]+$/;

export const VULNERABILITY_STATUSES = ['open', 'closed', 'ignored', 'unknown'] as const;
export type VulnerabilityStatus = (typeof VULNERABILITY_STATUSES)[number];
export const SECURITY_SEVERITIES = ['critical', 'high', 'medium', 'low', 'unknown'] as const;
export type SecuritySeverity = (typeof SECURITY_SEVERITIES)[number];
export const PULL_REQUEST_STATUSES = ['OPEN', 'MERGED', 'DECLINED', 'UNKNOWN'] as const;
export type PullRequestStatus = (typeof PULL_REQUEST_STATUSES)[number];

export const issueAssociationSchema = z.object({
  associationType: z.literal('issueIdOrKeys'),
  values: z.array(z.string().min(1)).min(1).max(MAX_ASSOCIATION_VALUES),
});
export type IssueAssociation = z.infer<typeof issueAssociationSchema>;

export const vulnerabilitySchema = z.object({
  schemaVersion: z.literal('1.0'),
  id: z.string().min(1).max(255),
  updateSequenceNumber: z.number().int().nonnegative(),
  containerId: z.string().max(255).regex(SECURITY_ID_PATTERN),
  displayName: z.string().min(1).max(255),
  description: z.string().max(5000),
  url: z.url().max(2000),
  type: z.enum(['sca', 'sast', 'dast', 'unknown']),
  introducedDate: z.string(),
  lastUpdated: z.string(),
  severity: z.object({ level: z.enum(SECURITY_SEVERITIES) }),
  identifiers: z.array(z.object({ displayName: z.string().max(255), url: z.url().max(2000) })).optional(),
  status: z.enum(VULNERABILITY_STATUSES),
  additionalInfo: z.object({ content: z.string().max(255), url: z.url().max(2000).optional() }).optional(),
  addAssociations: z.array(issueAssociationSchema).optional(),
  removeAssociations: z.array(issueAssociationSchema).optional(),
  associationsUpdateSequenceNumber: z.number().int().nonnegative().optional(),
});
export type Vulnerability = z.infer<typeof vulnerabilitySchema>;

export const submitVulnerabilitiesSchema = z.object({
  operationType: z.enum(['NORMAL', 'SCAN', 'BACKFILL']).optional(),
  properties: z.record(z.string(), z.string()).optional(),
  vulnerabilities: z.array(vulnerabilitySchema).min(1).max(MAX_VULNERABILITIES_PER_REQUEST),
  providerMetadata: z.object({ product: z.string().optional() }).optional(),
});
export type SubmitVulnerabilities = z.infer<typeof submitVulnerabilitiesSchema>;

export const submitVulnerabilitiesAnswerSchema = z.looseObject({
  acceptedVulnerabilities: z.array(z.string()).optional(),
  failedVulnerabilities: z.record(z.string(), z.unknown()).optional(),
  unknownAssociations: z.array(z.looseObject({ associationType: z.string(), values: z.array(z.string()) })).optional(),
});

export const pullRequestEntitySchema = z.object({
  id: z.string().min(1).max(1024).regex(DEVINFO_ID_PATTERN),
  associations: z.array(issueAssociationSchema).min(1),
  updateSequenceId: z.number().int().nonnegative(),
  status: z.enum(PULL_REQUEST_STATUSES),
  title: z.string().max(1024),
  author: z.object({ name: z.string().max(255).optional() }),
  commentCount: z.number().int().nonnegative(),
  sourceBranch: z.string().max(255),
  destinationBranch: z.string().max(255).optional(),
  lastUpdate: z.string(),
  url: z.string().max(2000),
  displayId: z.string().max(255),
});
export type PullRequestEntity = z.infer<typeof pullRequestEntitySchema>;

export const devinfoRepositorySchema = z.object({
  id: z.string().min(1).max(1024).regex(DEVINFO_ID_PATTERN),
  name: z.string().max(255),
  url: z.string().max(2000),
  updateSequenceId: z.number().int().nonnegative(),
  pullRequests: z.array(pullRequestEntitySchema).max(MAX_PULL_REQUESTS_PER_REPOSITORY),
});
export type DevinfoRepository = z.infer<typeof devinfoRepositorySchema>;

export const storeDevelopmentInformationSchema = z.object({
  repositories: z.array(devinfoRepositorySchema).min(1),
  /** Backline's PRs must not fire Jira's own smart-commit transitions: the app moves the issue itself. */
  preventTransitions: z.boolean().optional(),
  operationType: z.enum(['NORMAL', 'BACKFILL']).optional(),
  properties: z.record(z.string(), z.string()).optional(),
  providerMetadata: z.object({ product: z.string().optional() }).optional(),
});
export type StoreDevelopmentInformation = z.infer<typeof storeDevelopmentInformationSchema>;

export const storeDevelopmentInformationAnswerSchema = z.looseObject({
  acceptedDevinfoEntities: z.record(z.string(), z.unknown()).optional(),
  failedDevinfoEntities: z.record(z.string(), z.unknown()).optional(),
  unknownIssueKeys: z.array(z.string()).optional(),
});

// ---------------------------------------------------------------------------
// Module actions (Jira → app): "Security Information Actions".

export const fetchByIdsSchema = z.object({ ids: z.array(z.string()).max(1000) });
export const searchContainersSchema = z.object({ workspaceId: z.string().min(1), searchQuery: z.string().max(255).optional() });

export interface SecurityWorkspace {
  id: string;
  name: string;
  url: string;
  avatarUrl?: string;
}

export interface SecurityContainer {
  id: string;
  name: string;
  url: string;
  avatarUrl?: string;
  lastUpdatedDate: string;
}
