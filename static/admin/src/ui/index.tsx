/**
 * The building blocks every page shares, from Atlassian's design system
 * (@atlaskit/*), so the pages look and behave like Jira: buttons, lozenges,
 * section messages, spinners, and a modal dialog with a focus trap. Only the
 * light components are here (they are on the first screen); the modal dialog,
 * selects and tables load with the part that needs them (./dialog.tsx,
 * ./select.tsx, ./table.tsx), which keeps the first load small (docs/admin.md
 * "First load").
 */
import AkButton from '@atlaskit/button/new';
import AkLozenge from '@atlaskit/lozenge';
import SectionMessage, { SectionMessageAction } from '@atlaskit/section-message';
import AkSpinner from '@atlaskit/spinner';
import { Suspense, lazy, useCallback, useEffect, useState, type ReactNode } from 'react';
import { ApiError, errorMessage } from '../api';

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
      <AkSpinner size="small" label={label} /> {label}
    </span>
  );
}

/**
 * A failed load or action, in words. "Try again" only where trying again can
 * help: not for a refusal of permission or an invalid request.
 */
export function ErrorBanner({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: string }) {
  const retryable = !(error instanceof ApiError) || !['FORBIDDEN', 'INVALID_INPUT', 'NOT_FOUND'].includes(error.code);
  return (
    <div role="alert" className="banner-slot">
      <SectionMessage
        appearance="error"
        {...(title ? { title } : {})}
        {...(onRetry && retryable ? { actions: [<SectionMessageAction key="retry" onClick={onRetry}>Try again</SectionMessageAction>] } : {})}
      >
        <p>{errorMessage(error)}</p>
      </SectionMessage>
    </div>
  );
}

const BANNER_APPEARANCE = { error: 'error', warning: 'warning', success: 'success', info: 'information' } as const;

export function Banner({ kind, title, children }: { kind: 'error' | 'warning' | 'success' | 'info'; title?: string; children: ReactNode }) {
  return (
    <div role={kind === 'error' ? 'alert' : 'status'} className="banner-slot">
      <SectionMessage appearance={BANNER_APPEARANCE[kind]} {...(title ? { title } : {})}>
        {children}
      </SectionMessage>
    </div>
  );
}

const LOZENGE_APPEARANCE = { success: 'success', warning: 'moved', danger: 'removed', neutral: 'default', info: 'inprogress' } as const;

export function Lozenge({ kind, children }: { kind: keyof typeof LOZENGE_APPEARANCE; children: ReactNode }) {
  return <AkLozenge appearance={LOZENGE_APPEARANCE[kind]}>{children}</AkLozenge>;
}

export function Button({
  kind = 'default',
  small,
  disabled,
  onClick,
  children,
  type = 'button',
  ...aria
}: {
  kind?: 'default' | 'primary' | 'danger' | 'subtle' | 'warning';
  small?: boolean;
  disabled?: boolean;
  onClick?: () => void;
  children: ReactNode;
  type?: 'button' | 'submit';
  'aria-label'?: string;
  'aria-describedby'?: string;
  'aria-expanded'?: boolean;
  'aria-controls'?: string;
  'aria-pressed'?: boolean;
  id?: string;
  name?: string;
  value?: string;
}) {
  return (
    <AkButton appearance={kind} spacing={small ? 'compact' : 'default'} isDisabled={disabled ?? false} type={type} {...(onClick ? { onClick: () => onClick() } : {})} {...aria}>
      {children}
    </AkButton>
  );
}

const DialogImpl = lazy(() => import('./dialog'));

export interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/** A modal confirmation (Atlassian's modal dialog: focus trap, Escape cancels, focus returns to the opener), loaded when first opened. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  return (
    <Suspense fallback={null}>
      <DialogImpl {...props} />
    </Suspense>
  );
}

/** A table's header row for the few small tables left in plain HTML (the preview, value maps). */
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

const DATE_TIME = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });

/** The one date format of every page: "3 Dec 2026, 09:14 UTC" in the user's time zone. */
export function formatTime(iso: string | number | undefined): string {
  if (iso === undefined || iso === '') return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : DATE_TIME.format(date);
}

/** "1 problem", "3 problems". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
