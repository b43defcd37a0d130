/**
 * Which of an attempt's writes Jira may have saved. A create, a comment or a
 * transition (retry.ts `isUnsafeToRepeat`) that Jira answered 2xx was saved;
 * one answered 5xx, or not at all, may have been (docs/sync.md "Saved, then
 * failed"); one answered 4xx was not: Jira refuses a request over its rate
 * limits (429) before doing any work (docs/platform-limits.md "Jira REST rate
 * limits"), and a 4xx refusal changes nothing. apply-finding.ts reads the count
 * when a write fails: an attempt whose every unsafe write was refused leaves
 * nothing in Jira to look for, so its finding needs no recovery reads.
 */
import type { JiraRequest, JiraResponse, JiraTransport } from '../ports';
import { isUnsafeToRepeat } from './retry';

const refused = (status: number): boolean => status >= 400 && status < 500;

export class WriteLedger implements JiraTransport {
  /** Unsafe writes Jira saved or may have saved (answered 2xx, 5xx, or not at all). */
  maybeSaved = 0;

  constructor(private readonly inner: JiraTransport) {}

  async request(request: JiraRequest): Promise<JiraResponse> {
    if (!isUnsafeToRepeat(request)) return this.inner.request(request);
    let response: JiraResponse;
    try {
      response = await this.inner.request(request);
    } catch (error) {
      this.maybeSaved += 1;
      throw error;
    }
    if (!refused(response.status)) this.maybeSaved += 1;
    return response;
  }
}
