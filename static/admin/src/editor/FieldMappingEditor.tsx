/** One Jira field's mapping: its ordered sources (fallbacks or several values), the write policy, and its problems. */
import type { Dispatch } from 'react';
import type { FieldSource } from '../../../../src/core/config/model';
import type { CreateField, MappingProblem } from '../../../../src/shared/contracts/admin';
import { Button } from '../ui';
import { Messages } from './controls';
import { controlFor, needsMapping, sourceKindsFor } from './fields';
import { SourceEditor, defaultSourceOf } from './SourceEditor';
import { POLICIES, type Draft, type EditorAction } from './state';
import { Select } from '../ui/Select';

/** Sources of one field mapping (the configuration's limit). */
const MAX_SOURCES = 10;

/** A fallback behind a Backline field is most often a fixed value: a value from Jira where the field has them. */
function fallbackKind(field: CreateField): FieldSource['kind'] {
  const kinds = sourceKindsFor(controlFor(field));
  return kinds.includes('jira') ? 'jira' : kinds.includes('manual') ? 'manual' : (kinds[0] ?? 'backline');
}

export function FieldMappingEditor({
  field,
  draft,
  problems,
  dispatch,
}: {
  field: CreateField;
  draft: Draft;
  problems: readonly MappingProblem[];
  dispatch: Dispatch<EditorAction>;
}) {
  const mapping = draft.fields.find((m) => m.fieldId === field.fieldId);
  const required = needsMapping(field);
  const headId = `field-${field.fieldId}`;
  // Multi-value fields and text take every source's value; any other field the first that gives one Jira accepts.
  const control = controlFor(field);
  const takesSeveral = control === 'labels' || control === 'multiselect' || control === 'text' || control === 'textarea';
  const fieldLevel = problems.filter((p) => p.path === `fields.${field.fieldId}`);
  return (
    <div className="mapping" data-field={field.fieldId} role="group" aria-labelledby={headId}>
      <div className="mapping-head">
        <strong id={headId} className={required ? 'required' : undefined}>
          {field.name}
        </strong>
        <span className="subtlest">{field.fieldId}</span>
      </div>
      {mapping ? (
        <>
          {mapping.sources.length > 1 ? (
            <p className="help">
              {takesSeveral
                ? `${field.name} takes the values of every source.`
                : `${field.name} takes the first source, in this order, that gives a value Jira accepts; the ones below are fallbacks.`}
            </p>
          ) : null}
          {mapping.sources.map((source, index) => {
            const msgs = problems.filter((p) => p.path === `fields.${field.fieldId}.${index}`);
            const msgId = `msg-${field.fieldId}-${index}`;
            return (
              <div key={index}>
                <div className="source-row">
                  <SourceEditor
                    id={`src-${field.fieldId}-${index}`}
                    projectKey={draft.projectKey}
                    field={field}
                    source={source}
                    invalid={msgs.length > 0}
                    describedBy={msgId}
                    onChange={(next) => dispatch({ type: 'setSource', fieldId: field.fieldId, index, source: next })}
                  />
                  {mapping.sources.length > 1 || !required ? (
                    <div style={{ alignSelf: 'flex-end' }}>
                      <Button small kind="subtle" onClick={() => dispatch({ type: 'removeSource', fieldId: field.fieldId, index })} aria-label={`Remove source ${index + 1} of ${field.name}`}>
                        Remove
                      </Button>
                    </div>
                  ) : null}
                </div>
                <Messages id={msgId} problems={msgs} />
              </div>
            );
          })}
          <div className="row" style={{ marginTop: 8 }}>
            <label htmlFor={`policy-${field.fieldId}`} style={{ margin: 0 }}>
              Write
            </label>
            <Select
              id={`policy-${field.fieldId}`}
              value={mapping.writePolicy}
              choices={POLICIES.map((p) => ({ value: p.policy, label: p.label }))}
              width={170}
              onChange={(policy) => dispatch({ type: 'setPolicy', fieldId: field.fieldId, policy: policy as (typeof POLICIES)[number]['policy'] })}
            />
            <span className="subtlest">{POLICIES.find((p) => p.policy === mapping.writePolicy)?.help}</span>
            {mapping.sources.length < MAX_SOURCES ? (
              <Button
                small
                kind="subtle"
                onClick={() => dispatch({ type: 'addSource', fieldId: field.fieldId, source: defaultSourceOf(takesSeveral ? 'backline' : fallbackKind(field), field) })}
                aria-label={takesSeveral ? `Add source to ${field.name}` : `Add fallback source to ${field.name}`}
              >
                {takesSeveral ? 'Add source' : 'Add fallback source'}
              </Button>
            ) : null}
          </div>
        </>
      ) : (
        <div className="row" style={{ marginTop: 8 }}>
          <Button small onClick={() => dispatch({ type: 'mapField', field })}>
            Map {field.name}
          </Button>
        </div>
      )}
      <Messages id={`msg-${field.fieldId}`} problems={fieldLevel} />
    </div>
  );
}
