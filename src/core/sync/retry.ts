/**
 * Retries 429 and 5xx inside the time the caller has left, waiting what
 * pacing.ts's `retryDelayMs` says (Retry-After, the quota's reset, or
 * Atlassian's backoff: docs/platform-limits.md "Jira REST rate limits"). When
 * the wait would not fit before the deadline, the refused answer goes up and
 * the event is handed to the queue instead.
 */
import { isRefusal, readRateLimit } from '../jira/http';
import type { Clock, JiraRequest, JiraResponse, JiraTransport } from '../ports';
import { retryDelayMs } from './pacing';

export interface RetryPolicy {
  maxAttempts: number;
  sleep: (ms: number) => Promise<void>;
  clock: Clock;
  /** ms epoch after which no retry wait starts. */
  deadlineAt: () => number;
  random?: () => number;
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
        if (attempt >= this.policy.maxAttempts) throw error;
        response = { status: 503, headers: {}, body: undefined };
      }
      if (!isRefusal(response.status)) return response;
      const wait = retryDelayMs(readRateLimit(response), attempt - 1, this.policy.clock.now(), this.policy.random);
      if (attempt >= this.policy.maxAttempts || this.policy.clock.now() + wait > this.policy.deadlineAt()) return response;
      await this.policy.sleep(wait);
    }
  }
}
