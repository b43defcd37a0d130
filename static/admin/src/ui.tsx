/**
 * The few building blocks the pages share, styled with Atlassian design tokens
 * (styles.css). Plain React: the design-system packages cost ~160 KiB gzip for
 * the handful of controls used here (TOOLCHAIN.md "Browser tests").
 */
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { errorMessage } from './api';

export type Load<T> =
  | { state: 'loading'; data?: T }
  | { state: 'error'; error: unknown; data?: T }
  | { state: 'ready'; data: T };

/** Loads on mount and when `deps` change; `reload` keeps the old data visible while it runs. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Load<T> & { reload: () => void } {
  const [result, setResult] = useState<Load<T>>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setResult((r) => ({ state: 'loading', ...(r.data !== undefined ? { data: r.data } : {}) }));
    load().then(
      (data) => live && setResult({ state: 'ready', data }),
      (error: unknown) => live && setResult((r) => ({ state: 'error', error, ...(r.data !== undefined ? { data: r.data } : {}) })),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...result, reload };
}

export function Spinner({ label }: { label: string }) {
  return (
    <span role="status" className="row subtle">
      <span className="spinner" aria-hidden="true" /> {label}
    </span>
  );
}

export function ErrorBanner({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: string }) {
  return (
    <div className="banner error" role="alert">
      <div className="spread">
        <div>
          {title ? <strong>{title}. </strong> : null}
          {errorMessage(error)}
        </div>
        {onRetry ? (
          <button type="button" className="btn small" onClick={onRetry}>
            Try again
          </button>
        ) : null}
      </div>
    </div>
  );
}

export function Banner({ kind, children }: { kind: 'error' | 'warning' | 'success' | 'info'; children: ReactNode }) {
  return (
    <div className={`banner ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function Lozenge({ kind, children }: { kind: 'success' | 'warning' | 'danger' | 'neutral'; children: ReactNode }) {
  return <span className={`lozenge ${kind}`}>{children}</span>;
}

export function Button({
  kind = 'default',
  small,
  children,
  ...rest
}: { kind?: 'default' | 'primary' | 'danger' | 'subtle'; small?: boolean; children: ReactNode } & React.ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button type="button" className={`btn ${kind === 'default' ? '' : kind} ${small ? 'small' : ''}`.trim()} {...rest}>
      {children}
    </button>
  );
}

/** A modal confirmation: focus moves into it, Escape cancels, focus returns to the opener. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  danger,
  busy,
  onConfirm,
  onCancel,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const id = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    cancelRef.current?.focus();
    return () => opener?.focus();
  }, []);
  return (
    <div
      className="dialog-backdrop"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>{title}</h2>
        <div className="stack">{children}</div>
        <div className="row" style={{ justifyContent: 'flex-end', marginTop: 20 }}>
          <button ref={cancelRef} type="button" className="btn subtle" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <button type="button" className={`btn ${danger ? 'danger' : 'primary'}`} onClick={onConfirm} disabled={busy}>
            {busy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}

/** A table's header row: visible column names, then an unnamed column (e.g. actions) named for screen readers. */
export function TableHead({ columns, hiddenLast }: { columns: string[]; hiddenLast?: string }) {
  return (
    <thead>
      <tr>
        {columns.map((column) => (
          <th key={column} scope="col">
            {column}
          </th>
        ))}
        {hiddenLast ? (
          <th scope="col">
            <span className="visually-hidden">{hiddenLast}</span>
          </th>
        ) : null}
      </tr>
    </thead>
  );
}

export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}
