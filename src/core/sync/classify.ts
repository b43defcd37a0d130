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

/**
 * Jira answered, and its answer says the write was not carried out: a 4xx (a
 * refusal, or 429: Jira limits before doing the work). A 5xx or no answer at all
 * leaves it open (docs/sync.md "Saved, then failed").
 */
export function writeNotSaved(error: unknown): boolean {
  return error instanceof JiraError && error.status >= 400 && error.status < 500;
}

export function errorOf(error: CodedError): ResultError {
  return { code: error.code, message: error.message, retryable: error.retryable };
}
