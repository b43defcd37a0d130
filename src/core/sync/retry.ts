/**
 * Retries 429 and 5xx inside the time the caller has left, waiting what
 * pacing.ts's `retryDelayMs` says (Retry-After, the quota's reset, or
 * Atlassian's backoff: docs/platform-limits.md "Jira REST rate limits"). When
 * the wait would not fit before the deadline, the refused answer goes up and
 * the event is handed to the queue instead. A refusal for the hourly quota is
 * never waited for inline: the event waits for the reset in the queue.
 */
import { isRefusal, readRateLimit } from '../jira/http';
import type { Clock, JiraRequest, JiraResponse, JiraTransport } from '../ports';
import { isQuotaRefusal, retryDelayMs } from './pacing';

export interface RetryPolicy {
  maxAttempts: number;
  sleep: (ms: number) => Promise<void>;
  clock: Clock;
  /** ms epoch after which no retry wait starts. */
  deadlineAt: () => number;
  random?: () => number;
}

/**
 * Writes that Jira would carry out a second time if sent again: a create (single
 * or bulk), a comment, a transition (its comment). A 429 is safe to repeat (Jira
 * limits before doing the work); a 5xx or a lost answer is not. Everything else
 * the engine sends is idempotent (edits and properties set values, remote links
 * are upserted by `globalId`, searches read).
 */
export function isUnsafeToRepeat(request: JiraRequest): boolean {
  if (request.method !== 'POST') return false;
  const path = request.path.split('?')[0] ?? '';
  return path === '/rest/api/3/issue' || path === '/rest/api/3/issue/bulk' || /^\/rest\/api\/3\/issue\/[^/]+\/(comment|transitions)$/.test(path);
}

export class RetryingTransport implements JiraTransport {
  constructor(
    private readonly inner: JiraTransport,
    private readonly policy: RetryPolicy,
  ) {}

  async request(request: JiraRequest): Promise<JiraResponse> {
    for (let attempt = 1; ; attempt++) {
      let response: JiraResponse;
      try {
        response = await this.inner.request(request);
      } catch (error) {
        // Network error / timeout: like a 503 without Retry-After.
        if (attempt >= this.policy.maxAttempts && !isUnsafeToRepeat(request)) throw error;
        response = { status: 503, headers: {}, body: undefined };
      }
      if (!isRefusal(response.status)) return response;
      // Saved, then failed: Jira may have done the work and lost the answer. A write that
      // would be done twice is left to the caller's recovery (link lookup, comment check).
      if (response.status !== 429 && isUnsafeToRepeat(request)) return response;
      const refusal = readRateLimit(response);
      // The app's hourly pool is spent: waiting inside an invocation only burns its time (the reset is
      // minutes away); the event waits in the queue for the reset instead (consumer.ts, fair-share.ts).
      if (isQuotaRefusal(refusal)) return response;
      const wait = retryDelayMs(refusal, attempt - 1, this.policy.clock.now(), this.policy.random);
      if (attempt >= this.policy.maxAttempts || this.policy.clock.now() + wait > this.policy.deadlineAt()) return response;
      await this.policy.sleep(wait);
    }
  }
}
