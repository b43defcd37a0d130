/**
 * Retries 429 and 5xx inside the time the caller has left, with Atlassian's
 * advice (FORGE-FACTS.md: back off from 2 s, doubling, jitter ×0.7–1.3, honour
 * Retry-After). When the wait would not fit before the deadline, the JiraError
 * goes up and the event is handed to the queue instead.
 */
import type { Clock, JiraRequest, JiraResponse, JiraTransport } from '../ports';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  clock: Clock;
  /** ms epoch after which no retry wait starts. */
  deadlineAt: () => number;
  random?: () => number;
}

export class RetryingTransport implements JiraTransport {
  /** Retry-After (s) of the last refused request, for the queue's delay. */
  lastRetryAfterSeconds?: number;

  constructor(
    private readonly inner: JiraTransport,
    private readonly policy: RetryPolicy,
  ) {}

  async request(request: JiraRequest): Promise<JiraResponse> {
    let delay = this.policy.baseDelayMs;
    for (let attempt = 1; ; attempt++) {
      let response: JiraResponse;
      try {
        response = await this.inner.request(request);
      } catch (error) {
        // Network error / timeout: treat like a 503 without Retry-After.
        if (attempt >= this.policy.maxAttempts) throw error;
        response = { status: 503, headers: {}, body: undefined };
      }
      if (response.status !== 429 && response.status < 500) return response;
      const retryAfter = Number(response.headers['retry-after']);
      if (Number.isFinite(retryAfter)) this.lastRetryAfterSeconds = retryAfter;
      const jitter = 0.7 + (this.policy.random ?? Math.random)() * 0.6;
      const wait = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : delay * jitter;
      if (attempt >= this.policy.maxAttempts || this.policy.clock.now() + wait > this.policy.deadlineAt()) return response;
      await this.policy.sleep(wait);
      delay *= 2;
    }
  }
}
