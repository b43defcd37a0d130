/**
 * One error type with stable codes (the contract's failure codes plus the
 * app's own), mapped to HTTP statuses and result envelopes in one place each.
 * Messages say what happened and, where possible, how to fix it.
 */
export type ErrorCode =
  // Event contract (docs/events.md §5)
  | 'NO_ROUTE'
  | 'MAPPING_INVALID'
  | 'JIRA_REJECTED'
  | 'ISSUE_DELETED'
  | 'JIRA_UNAVAILABLE'
  | 'NOT_CONFIGURED'
  | 'INVALID_EVENT'
  | 'INVALID_JSON'
  | 'UNAUTHORIZED'
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
  | 'IN_PROGRESS'
  | 'TRANSITION_BLOCKED'
  | 'STORAGE_UNAVAILABLE'
  // Resolvers
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'INVALID_INPUT'
  | 'CONFLICT'
  | 'INTERNAL';

export interface ErrorDetail {
  path: string;
  message: string;
}

export class CodedError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details?: ErrorDetail[];
  /** Seconds the caller should wait before retrying (from Jira's `Retry-After`). */
  readonly retryAfterSeconds?: number;

  constructor(
    code: ErrorCode,
    message: string,
    options: { retryable?: boolean; details?: ErrorDetail[]; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CodedError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    if (options.details) this.details = options.details;
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }

  toJSON(): { code: ErrorCode; message: string; retryable: boolean; details?: ErrorDetail[] } {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export function isCodedError(error: unknown): error is CodedError {
  return error instanceof CodedError;
}

/** Any thrown value as a CodedError; unknown errors are internal and retryable (nothing is dropped). */
export function toCodedError(error: unknown): CodedError {
  if (error instanceof CodedError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new CodedError('INTERNAL', `Unexpected error: ${message}`, { retryable: true, cause: error });
}
