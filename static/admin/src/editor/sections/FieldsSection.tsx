/** "Fields": the create screen's fields with their sources, required first; mappings of fields no longer on the screen; "Map another field". */
import { Button, ErrorBanner, Spinner } from '../../ui';
import { Messages } from '../controls';
import { FieldMappingEditor } from '../FieldMappingEditor';
import { needsMapping, orderFields } from '../fields';
import { problemsAt } from '../state';
import type { EditorData } from '../useEditorData';
import type { SectionProps } from './types';
import { Select } from '../../ui/Select';

export function FieldsSection({ draft, dispatch, problems, fields }: SectionProps & { fields: EditorData['fields'] }) {
  const createFields = fields.state === 'ready' ? fields.data : undefined;
  const ordered = createFields ? orderFields(createFields) : [];
  const mappedIds = new Set(draft.fields.map((f) => f.fieldId));
  const mappedFields = ordered.filter((f) => mappedIds.has(f.fieldId) || needsMapping(f));
  const unmappedFields = ordered.filter((f) => !mappedIds.has(f.fieldId) && !needsMapping(f));
  const missingFields = createFields ? draft.fields.filter((m) => !createFields.some((f) => f.fieldId === m.fieldId)) : [];
  return (
    <section className="card" aria-labelledby="fields-title">
      <h3 id="fields-title">Fields</h3>
      <p className="subtle">Required fields first. Each field takes its value from a Jira value, a Backline field, a manual value or a template.</p>
      {fields.state === 'loading' ? <Spinner label="Loading the create screen from Jira…" /> : null}
      {fields.state === 'error' ? <ErrorBanner title="The fields could not be loaded" error={fields.error} onRetry={fields.reload} /> : null}
      {mappedFields.map((field) => (
        <FieldMappingEditor key={field.fieldId} field={field} draft={draft} problems={problemsAt(problems, `fields.${field.fieldId}`)} dispatch={dispatch} />
      ))}
      {missingFields.map((m) => (
        <div className="mapping" key={m.fieldId}>
          <div className="mapping-head">
            <strong>{m.fieldName}</strong>
            <Button small kind="subtle" onClick={() => dispatch({ type: 'unmapField', fieldId: m.fieldId })}>
              Remove mapping
            </Button>
          </div>
          <Messages id={`msg-${m.fieldId}`} problems={problemsAt(problems, `fields.${m.fieldId}`)} />
        </div>
      ))}
      {unmappedFields.length > 0 ? (
        <div className="mapping">
          <label htmlFor="add-field">Map another field</label>
          <div className="row">
            <Select
              id="add-field"
              value=""
              placeholder="Choose a field…"
              choices={unmappedFields.map((f) => ({ value: f.fieldId, label: f.name }))}
              width={320}
              onChange={(fieldId) => {
                const field = unmappedFields.find((f) => f.fieldId === fieldId);
                if (field) dispatch({ type: 'mapField', field });
              }}
            />
          </div>
        </div>
      ) : null}
    </section>
  );
}
