/**
 * What a warm function instance remembers between invocations about the findings it
 * applied events to: the version each one's link is at (so the next event's claim goes
 * with its first read, idempotency.ts `claimFinding`), and the project and issue type
 * the issue is in (so that read also fetches the project's cached create metadata and
 * workflow). A hint is only a guess: a wrong one costs a round trip, never a wrong write
 * (the claim is trusted only at the version the link is read at, in the same round trip).
 */
export interface FindingHint {
  version: number;
  projectKey: string;
  issueTypeId: string;
}

/** Enough for a burst of lifecycles; the oldest are forgotten first. */
const MAX_FINDINGS = 2_000;

export class ClaimHints {
  private readonly findings = new Map<string, FindingHint>();
  /** Where the last finding created on the one-finding path went: a new finding likely goes there too. */
  lastCreate: { projectKey: string; issueTypeId: string } | undefined;

  /**
   * Events this instance recorded: a redelivery of one is answered from its record, and trying its
   * finding's claim first would cost a write and a second round trip to give it back.
   */
  private readonly recorded = new Set<string>();

  noteRecorded(eventId: string): void {
    this.recorded.add(eventId);
    if (this.recorded.size > MAX_FINDINGS) {
      const oldest = this.recorded.values().next();
      if (!oldest.done) this.recorded.delete(oldest.value);
    }
  }

  wasRecorded(eventId: string): boolean {
    return this.recorded.has(eventId);
  }

  get(findingId: string): FindingHint | undefined {
    return this.findings.get(findingId);
  }

  note(findingId: string, hint: FindingHint): void {
    this.findings.delete(findingId);
    this.findings.set(findingId, hint);
    if (this.findings.size > MAX_FINDINGS) {
      const oldest = this.findings.keys().next();
      if (!oldest.done) this.findings.delete(oldest.value);
    }
  }

  forget(findingId: string): void {
    this.findings.delete(findingId);
  }
}
