/**
 * The create screen as the app sees it (create metadata): fields with their
 * schema and allowed values, parsed leniently (unknown properties ignored,
 * optional ones may be missing), plus the small shapes the admin lists
 * (issue types, projects, statuses, users).
 */
import { z } from 'zod';


/** One allowed value of a field: options have `value`, priorities/components/versions `name`. */
export interface AllowedValue {
  id?: string;
  value?: string;
  name?: string;
  /** Cascading select: the child options of a parent option. */
  children?: AllowedValue[];
  disabled?: boolean;
}

const allowedValueSchema: z.ZodType<AllowedValue> = z.lazy(() =>
  z.looseObject({
    id: z.union([z.string(), z.number()]).transform(String).optional(),
    value: z.string().optional(),
    name: z.string().optional(),
    children: z.array(allowedValueSchema).optional().catch(undefined),
    disabled: z.boolean().optional().catch(undefined),
  }),
);

export const fieldSchemaSchema = z.looseObject({
  type: z.string(),
  items: z.string().optional(),
  system: z.string().optional(),
  custom: z.string().optional(),
  customId: z.number().optional(),
});
export type JiraFieldSchema = z.infer<typeof fieldSchemaSchema>;

export const createMetaFieldSchema = z.looseObject({
  fieldId: z.string().min(1),
  key: z.string().optional(),
  name: z.string(),
  required: z.boolean().catch(false),
  schema: fieldSchemaSchema,
  allowedValues: z.array(z.unknown()).optional(),
  hasDefaultValue: z.boolean().optional().catch(undefined),
  operations: z.array(z.string()).optional().catch(undefined),
});

export interface CreateMetaField {
  fieldId: string;
  key: string;
  name: string;
  required: boolean;
  schema: JiraFieldSchema;
  allowedValues?: AllowedValue[];
  hasDefaultValue?: boolean;
  operations?: string[];
}

/** The create screen of one project + issue type, as Jira describes it. */
export interface CreateMeta {
  projectKey: string;
  projectId: string;
  issueTypeId: string;
  fields: CreateMetaField[];
}

export interface IssueTypeSummary {
  id: string;
  name: string;
  subtask?: boolean;
}
export interface ProjectSummary {
  id: string;
  key: string;
  name: string;
}
export interface NamedRef {
  id: string;
  name: string;
}
/** A status of a project's issue type, from `GET /project/{key}/statuses`. */
export interface StatusSummary extends NamedRef {
  categoryKey?: string;
}

/** Parses one field leniently: a field that cannot be understood is dropped, not fatal. */
export function parseCreateMetaField(raw: unknown): CreateMetaField | undefined {
  const parsed = createMetaFieldSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const f = parsed.data;
  const allowedValues: AllowedValue[] = [];
  for (const value of f.allowedValues ?? []) {
    const v = allowedValueSchema.safeParse(value);
    if (v.success) allowedValues.push(v.data);
  }
  return {
    fieldId: f.fieldId,
    key: f.key ?? f.fieldId,
    name: f.name,
    required: f.required,
    schema: f.schema,
    ...(f.allowedValues ? { allowedValues } : {}),
    ...(f.hasDefaultValue !== undefined ? { hasDefaultValue: f.hasDefaultValue } : {}),
    ...(f.operations ? { operations: f.operations } : {}),
  };
}

export interface UserSummary {
  accountId: string;
  displayName: string;
  /** Absent when the user's privacy settings hide it. */
  email?: string;
}

/** The priority field's allowed values in create metadata (empty when priority is not on the create screen). */
export function prioritiesOf(meta: CreateMeta): NamedRef[] {
  const field = meta.fields.find((f) => f.fieldId === 'priority');
  return (field?.allowedValues ?? []).flatMap((v) => (v.id !== undefined && v.name !== undefined ? [{ id: v.id, name: v.name }] : []));
}

export function createMetaCacheKey(projectKey: string, issueTypeId: string): string {
  return `cache:createmeta:${projectKey}:${issueTypeId}`;
}
