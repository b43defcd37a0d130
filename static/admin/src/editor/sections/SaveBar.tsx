/** The sticky bar under the editor: Save (or Connect project), Cancel / Back, and the state in words. */
import { Button, plural } from '../../ui';

export function SaveBar({
  connected,
  saving,
  canSave,
  dirty,
  unsaved,
  savedNotice,
  errorCount,
  onClose,
}: {
  connected: boolean;
  saving: boolean;
  /** Nothing blocks saving (no error, the create screen loaded). */
  canSave: boolean;
  /** Something to save: changed since the last save, or not connected yet. */
  dirty: boolean;
  /** Changed since the last save. */
  unsaved: boolean;
  savedNotice: boolean;
  /** Errors to fix before saving (shown once the create screen is known). */
  errorCount: number | undefined;
  onClose: ((saved: boolean) => void) | undefined;
}) {
  return (
    <div className="sticky-actions">
      <Button kind="primary" type="submit" disabled={!canSave || saving || !dirty} aria-describedby="save-state">
        {saving ? 'Saving…' : connected ? 'Save' : 'Connect project'}
      </Button>
      {onClose ? (
        <Button kind="subtle" onClick={() => onClose(false)}>
          {dirty && connected ? 'Cancel' : 'Back to projects'}
        </Button>
      ) : null}
      <span id="save-state" className="subtle" role="status">
        {savedNotice && !unsaved
          ? 'Saved. New findings use this mapping.'
          : errorCount
            ? `${plural(errorCount, 'problem')} to fix before saving.`
            : unsaved
              ? 'Unsaved changes.'
              : ''}
      </span>
    </div>
  );
}
