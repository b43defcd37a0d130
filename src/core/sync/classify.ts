/** Jira's refusals and every other error as the contract's failure codes (docs/events.md). */
import { CodedError, toCodedError } from '../errors';
import { JiraError } from '../jira/http';
import type { ResultError } from '../results';

export function classify(error: unknown): CodedError {
  if (error instanceof JiraError) {
    if (error.retryable) {
      return new CodedError('JIRA_UNAVAILABLE', `Jira is unavailable or rate limited (${error.status}${error.rateLimitReason ? `, ${error.rateLimitReason}` : ''}); the event will be retried`, {
        retryable: true,
        ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
        cause: error,
      });
    }
    return new CodedError('JIRA_REJECTED', error.message, {
      details: Object.entries(error.errors).map(([path, message]) => ({ path, message })),
      cause: error,
    });
  }
  return toCodedError(error);
}

export function errorOf(error: CodedError): ResultError {
  return { code: error.code, message: error.message, retryable: error.retryable };
}
