/**
 * Jira's answers, parsed leniently with zod: an extra or missing optional
 * property in an answer never breaks a sync, and ids come as strings whether
 * Jira sends numbers or strings.
 */
import { z } from 'zod';
import type { IssueSnapshot, TransitionInfo } from './issue-types';

const idLike = z.union([z.string(), z.number()]).transform(String);

export const createdIssueSchema = z.looseObject({ id: idLike, key: z.string() });
export const bulkCreatedSchema = z.looseObject({
  issues: z.array(createdIssueSchema).optional().catch([]),
  errors: z
    .array(
      z.looseObject({
        failedElementNumber: z.number().optional(),
        status: z.number().optional(),
        elementErrors: z.looseObject({ errorMessages: z.array(z.string()).optional(), errors: z.record(z.string(), z.string()).optional() }).optional(),
      }),
    )
    .optional()
    .catch([]),
});

export const issueSchema = z.looseObject({
  id: idLike,
  key: z.string(),
  fields: z.record(z.string(), z.unknown()).optional().catch({}),
  properties: z.record(z.string(), z.unknown()).optional().catch({}),
});

const transitionsSchema = z.looseObject({
  transitions: z
    .array(
      z.looseObject({
        id: idLike,
        name: z.string().catch(''),
        hasScreen: z.boolean().optional(),
        isAvailable: z.boolean().optional(),
        isGlobal: z.boolean().optional(),
        to: z.looseObject({ id: idLike, name: z.string().optional() }),
        fields: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .catch([]),
});

const transitionFieldSchema = z.looseObject({
  required: z.boolean().catch(false),
  name: z.string().optional(),
  key: z.string().optional(),
  hasDefaultValue: z.boolean().optional().catch(undefined),
  allowedValues: z
    .array(z.looseObject({ id: idLike.optional(), name: z.string().optional(), value: z.string().optional() }))
    .optional()
    .catch(undefined),
});

export const searchSchema = z.looseObject({
  issues: z.array(z.unknown()).optional().catch([]),
  nextPageToken: z.string().nullable().optional(),
});

export const remoteLinkSchema = z.looseObject({ id: idLike.optional() });
export const commentSchema = z.looseObject({ id: idLike });

const refSchema = z.looseObject({ id: idLike.optional(), key: z.string().optional(), name: z.string().optional() });

export function parseTransitions(raw: unknown): TransitionInfo[] {
  return transitionsSchema.parse(raw).transitions.map((t) => ({
    id: t.id,
    name: t.name,
    toStatusId: t.to.id,
    ...(t.to.name ? { toStatusName: t.to.name } : {}),
    hasScreen: t.hasScreen ?? false,
    isAvailable: t.isAvailable ?? true,
    isGlobal: t.isGlobal ?? false,
    fields: Object.entries(t.fields ?? {}).flatMap(([fieldId, value]) => {
      const field = transitionFieldSchema.safeParse(value);
      if (!field.success) return [];
      return [
        {
          fieldId,
          required: field.data.required,
          ...(field.data.name ? { name: field.data.name } : {}),
          ...(field.data.allowedValues ? { allowedValues: field.data.allowedValues } : {}),
          ...(field.data.hasDefaultValue !== undefined ? { hasDefaultValue: field.data.hasDefaultValue } : {}),
        },
      ];
    }),
  }));
}

export const issueStateSchema = z.looseObject({
  fields: z
    .looseObject({
      status: z.looseObject({ id: idLike, name: z.string().optional(), statusCategory: z.looseObject({ key: z.string().optional() }).optional().catch(undefined) }),
      resolution: z.looseObject({ name: z.string().optional() }).nullable().optional().catch(null),
    }),
});

export function snapshot(raw: unknown): IssueSnapshot {
  const issue = issueSchema.parse(raw);
  const fields = issue.fields ?? {};
  const project = refSchema.safeParse(fields.project);
  const issueType = refSchema.safeParse(fields.issuetype);
  const status = refSchema.safeParse(fields.status);
  return {
    id: issue.id,
    key: issue.key,
    ...(project.success && project.data.key ? { projectKey: project.data.key } : {}),
    ...(issueType.success && issueType.data.id ? { issueTypeId: issueType.data.id } : {}),
    ...(status.success && status.data.id ? { statusId: status.data.id } : {}),
    ...(status.success && status.data.name ? { statusName: status.data.name } : {}),
    fields,
    properties: issue.properties ?? {},
  };
}
