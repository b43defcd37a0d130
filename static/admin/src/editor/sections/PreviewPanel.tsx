/** The live preview: the server renders the issue the sample finding would create from the draft (debounced). */
import type { IssuePreview } from '../../../../../src/shared/contracts/admin';
import { ErrorBanner, Spinner, type Load } from '../../ui';

export function PreviewPanel({ previewable, preview }: { previewable: boolean; preview: Load<IssuePreview | null> }) {
  return (
    <aside className="card preview" aria-labelledby="preview-title" aria-live="polite">
      <h3 id="preview-title">Preview</h3>
      <p className="subtlest">The issue a sample finding (“Prototype pollution in lodash”, high) would create.</p>
      {!previewable ? <p className="subtle">Complete the required fields to see the preview.</p> : null}
      {previewable && preview.state === 'loading' ? <Spinner label="Rendering…" /> : null}
      {preview.state === 'error' ? <ErrorBanner error={preview.error} /> : null}
      {previewable && preview.data ? (
        <dl data-testid="preview">
          {preview.data.fields.map((f) => (
            <div key={f.fieldId}>
              <dt>{f.name}</dt>
              <dd>{f.display || <span className="subtlest">(empty)</span>}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </aside>
  );
}
