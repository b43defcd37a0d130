/**
 * Jira's paged metadata answers (create metadata, issue types, projects,
 * priorities and resolutions, project statuses, users), parsed leniently.
 */
import { z } from 'zod';

export const createMetaPageSchema = z.looseObject({
  // Jira Cloud answers `fields`; older deployments and some docs show `results`.
  fields: z.array(z.unknown()).optional(),
  results: z.array(z.unknown()).optional(),
  startAt: z.number().optional(),
  maxResults: z.number().optional(),
  total: z.number().optional(),
});

export const issueTypesPageSchema = z.looseObject({
  issueTypes: z.array(z.looseObject({ id: z.string(), name: z.string(), subtask: z.boolean().optional() })).optional(),
  createMetaIssueType: z.array(z.looseObject({ id: z.string(), name: z.string(), subtask: z.boolean().optional() })).optional(),
  startAt: z.number().optional(),
  maxResults: z.number().optional(),
  total: z.number().optional(),
});

export const projectPageSchema = z.looseObject({
  values: z.array(z.looseObject({ id: z.string(), key: z.string(), name: z.string() })),
  isLast: z.boolean().optional(),
  startAt: z.number().optional(),
  maxResults: z.number().optional(),
  total: z.number().optional(),
});

export const namedListSchema = z.array(z.looseObject({ id: z.union([z.string(), z.number()]).transform(String), name: z.string() }));

export const namedPageSchema = z.looseObject({ values: namedListSchema, isLast: z.boolean().optional() });

export const projectStatusesSchema = z.array(
  z.looseObject({
    id: z.string(),
    name: z.string().optional(),
    statuses: z.array(
      z.looseObject({
        id: z.string(),
        name: z.string(),
        statusCategory: z.looseObject({ key: z.string().optional() }).optional(),
      }),
    ),
  }),
);

export const userListSchema = z.array(
  z.looseObject({ accountId: z.string(), accountType: z.string().optional(), displayName: z.string().optional(), emailAddress: z.string().optional(), active: z.boolean().optional() }),
);
