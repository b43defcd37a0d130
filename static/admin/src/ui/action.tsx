/**
 * A settings card's save, test or turn-off button: busy while it runs, the
 * input's own refusal (INVALID_INPUT) shown under the field, anything else
 * above the card's controls, and a notice when it worked. Shared by
 * Notifications and "Changes made in Jira".
 */
import { ErrorMessage } from '@atlaskit/form';
import Textfield from '@atlaskit/textfield';
import { useState, type ReactNode } from 'react';
import { ApiError } from '../api';
import { Banner, ErrorBanner } from './index';

export interface Notice {
  kind: 'success' | 'warning';
  text: string;
}

export function useAction(afterEach: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  /** Runs `fn`; `done` turns its answer into the notice to show. */
  const run = async <T,>(fn: () => Promise<T>, done: (result: T) => Notice) => {
    setBusy(true);
    setError(null);
    setFieldError(null);
    setNotice(null);
    try {
      setNotice(done(await fn()));
      afterEach();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'INVALID_INPUT') setFieldError(e.message);
      else setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, fieldError, notice, run, clearFieldError: () => setFieldError(null) };
}

/** A labelled text field with its refusal under it and its help below (Atlassian's text field and form message). */
export function FieldWithError({
  id,
  label,
  value,
  onChange,
  error,
  help,
  action,
  type = 'text',
  placeholder,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error: string | null;
  help: ReactNode;
  /** The buttons beside the field. */
  action: ReactNode;
  type?: 'text' | 'url' | 'password';
  placeholder?: string;
}) {
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      <div className="row">
        <div className="grow">
          <Textfield
            id={id}
            type={type}
            autoComplete="off"
            {...(placeholder ? { placeholder } : {})}
            value={value}
            isInvalid={error !== null}
            aria-describedby={`${id}-error ${id}-help`}
            onChange={(e) => onChange(e.currentTarget.value)}
          />
        </div>
        {action}
      </div>
      <div id={`${id}-error`}>{error ? <ErrorMessage>{error}</ErrorMessage> : null}</div>
      <p id={`${id}-help`} className="help">
        {help}
      </p>
    </div>
  );
}

/** What the card's last action did: its failure (other than the field's own), or its notice. */
export function ActionMessages({ error, notice }: { error: unknown; notice: Notice | null }) {
  return (
    <>
      {error ? <ErrorBanner error={error} /> : null}
      {notice ? <Banner kind={notice.kind}>{notice.text}</Banner> : null}
    </>
  );
}
