/**
 * One source of one field mapping: where the value comes from (a Jira value,
 * a Backline field, a manual value, a template) and a control that fits the
 * Jira field's type.
 */
import type { FieldSource } from '../../../../src/core/config/model';
import type { CreateField } from '../../../../src/shared/contracts/admin';
import { BACKLINE_PATHS } from '../../../../src/shared/backline-fields';
import { useState } from 'react';
import { controlFor, sourceKindsFor, type ControlKind } from './fields';
import { UserPicker } from './UserPicker';
import { Select } from '../ui/Select';
import Textfield from '@atlaskit/textfield';

const KIND_LABELS: Record<FieldSource['kind'], string> = {
  jira: 'Jira value',
  backline: 'Backline field',
  manual: 'Manual value',
  template: 'Template',
};

export function defaultSourceOf(kind: FieldSource['kind'], field: CreateField): FieldSource {
  switch (kind) {
    case 'jira': {
      const first = field.allowedValues?.[0];
      return { kind: 'jira', values: first ? [{ id: first.id, label: first.label }] : [] };
    }
    case 'backline':
      return { kind: 'backline', path: 'finding.title' };
    case 'manual':
      return { kind: 'manual', value: controlFor(field) === 'labels' ? [] : '' };
    case 'template':
      return { kind: 'template', template: '{{finding.title}}' };
  }
}

export function SourceEditor({
  id,
  projectKey,
  field,
  source,
  invalid,
  describedBy,
  onChange,
}: {
  id: string;
  /** The project being mapped: user pickers search its people. */
  projectKey: string;
  field: CreateField;
  source: FieldSource;
  invalid: boolean;
  describedBy: string | undefined;
  onChange: (source: FieldSource) => void;
}) {
  const control = controlFor(field);
  const kinds = sourceKindsFor(control);
  if (!kinds.includes(source.kind)) kinds.push(source.kind);
  const common = { 'aria-invalid': invalid, 'aria-describedby': describedBy } as const;
  return (
    <>
      <div>
        <label htmlFor={`${id}-kind`}>Source</label>
        <Select
          id={`${id}-kind`}
          value={source.kind}
          choices={kinds.map((k) => ({ value: k, label: KIND_LABELS[k] }))}
          width={160}
          onChange={(kind) => onChange(defaultSourceOf(kind as FieldSource['kind'], field))}
        />
      </div>
      <div className="grow">
        <ValueControl id={id} projectKey={projectKey} control={control} field={field} source={source} common={common} onChange={onChange} />
      </div>
    </>
  );
}

function ValueControl({
  id,
  projectKey,
  control,
  field,
  source,
  common,
  onChange,
}: {
  id: string;
  projectKey: string;
  control: ControlKind;
  field: CreateField;
  source: FieldSource;
  common: { 'aria-invalid': boolean; 'aria-describedby': string | undefined };
  onChange: (source: FieldSource) => void;
}) {
  switch (source.kind) {
    case 'jira': {
      const options = field.allowedValues ?? [];
      if (control === 'multiselect') {
        const chosen = new Set(source.values.map((v) => v.id));
        return (
          <fieldset style={{ border: 'none', padding: 0, margin: 0 }} aria-describedby={common['aria-describedby']}>
            <legend className="subtle" style={{ fontSize: 12, fontWeight: 600 }}>
              Values
            </legend>
            {options.map((o) => (
              <label key={o.id} className="check">
                <input
                  type="checkbox"
                  checked={chosen.has(o.id)}
                  onChange={(e) => {
                    const values = e.target.checked ? [...source.values, { id: o.id, label: o.label }] : source.values.filter((v) => v.id !== o.id);
                    onChange({ kind: 'jira', values });
                  }}
                />
                {o.label}
              </label>
            ))}
          </fieldset>
        );
      }
      return (
        <>
          <label htmlFor={`${id}-value`}>Value</label>
          <Select
            id={`${id}-value`}
            invalid={common['aria-invalid']}
            {...(common['aria-describedby'] ? { describedBy: common['aria-describedby'] } : {})}
            value={source.values[0]?.id ?? ''}
            placeholder="Choose a value…"
            choices={options.map((o) => ({ value: o.id, label: o.label }))}
            onChange={(optionId) => {
              const option = options.find((o) => o.id === optionId);
              onChange({ kind: 'jira', values: option ? [{ id: option.id, label: option.label }] : [] });
            }}
          />
        </>
      );
    }
    case 'backline':
      return (
        <>
          <label htmlFor={`${id}-value`}>Backline field</label>
          <Select
            id={`${id}-value`}
            invalid={common['aria-invalid']}
            {...(common['aria-describedby'] ? { describedBy: common['aria-describedby'] } : {})}
            value={source.path}
            choices={[
              ...(BACKLINE_PATHS.some((p) => p.path === source.path) ? [] : [{ value: source.path, label: source.path }]),
              ...BACKLINE_PATHS.map((p) => ({ value: p.path, label: `${p.label} (${p.path})` })),
            ]}
            onChange={(path) => onChange({ ...source, path })}
          />
          {control === 'select' || control === 'multiselect' ? <div className="help">Matched to the option of the same name, ignoring case.</div> : null}
        </>
      );
    case 'template':
      return (
        <>
          <label htmlFor={`${id}-value`}>Template</label>
          {control === 'textarea' ? (
            <textarea id={`${id}-value`} {...common} value={source.template} onChange={(e) => onChange({ kind: 'template', template: e.target.value })} />
          ) : (
            <Textfield id={`${id}-value`} {...common} isInvalid={common['aria-invalid']} value={source.template} onChange={(e) => onChange({ kind: 'template', template: e.currentTarget.value })} />
          )}
          <div className="help">Placeholders such as {'{{finding.title}}'}, {'{{finding.repository.name}}'}.</div>
        </>
      );
    case 'manual': {
      const value = source.value;
      const text = Array.isArray(value) ? value.join(', ') : String(value);
      if (control === 'number') {
        return (
          <>
            <label htmlFor={`${id}-value`}>Number</label>
            <input
              id={`${id}-value`}
              type="number"
              {...common}
              value={typeof value === 'number' ? value : ''}
              onChange={(e) => onChange({ kind: 'manual', value: e.target.value === '' ? '' : Number(e.target.value) })}
            />
          </>
        );
      }
      if (control === 'date') {
        return (
          <>
            <label htmlFor={`${id}-value`}>Date</label>
            <input id={`${id}-value`} type="date" {...common} value={text} onChange={(e) => onChange({ kind: 'manual', value: e.target.value })} />
          </>
        );
      }
      if (control === 'labels') {
        return (
          <>
            <label htmlFor={`${id}-value`}>Labels (comma-separated)</label>
            <ListInput id={`${id}-value`} common={common} value={Array.isArray(value) ? value : [String(value)]} onChange={(list) => onChange({ kind: 'manual', value: list })} />
          </>
        );
      }
      if (control === 'textarea') {
        return (
          <>
            <label htmlFor={`${id}-value`}>Text</label>
            <textarea id={`${id}-value`} {...common} value={text} onChange={(e) => onChange({ kind: 'manual', value: e.target.value })} />
          </>
        );
      }
      if (control === 'user') {
        return (
          <UserPicker
            id={`${id}-value`}
            projectKey={projectKey}
            assignable={field.fieldId === 'assignee' || field.schema.system === 'assignee'}
            value={typeof value === 'string' ? value : ''}
            common={common}
            onChange={(accountId) => onChange({ kind: 'manual', value: accountId })}
          />
        );
      }
      return (
        <>
          <label htmlFor={`${id}-value`}>Value</label>
          <Textfield id={`${id}-value`} {...common} isInvalid={common['aria-invalid']} value={text} onChange={(e) => onChange({ kind: 'manual', value: e.currentTarget.value })} />
        </>
      );
    }
  }
}

/** Comma-separated list; keeps the text as typed (a trailing comma) while the list follows it. */
function ListInput({ id, common, value, onChange }: { id: string; common: { 'aria-invalid': boolean; 'aria-describedby': string | undefined }; value: string[]; onChange: (list: string[]) => void }) {
  const [text, setText] = useState(value.join(', '));
  return (
    <input
      id={id}
      type="text"
      {...common}
      style={{ width: '100%' }}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onChange(e.target.value.split(',').map((s) => s.trim()).filter(Boolean));
      }}
    />
  );
}
