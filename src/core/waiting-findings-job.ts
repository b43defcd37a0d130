/**
 * The hourly job for findings that wait for their remediation (one issue per
 * remediation, docs/sync.md "Grouping"): a finding no remediation named within
 * a day gets its own issue, so nothing Backline reported stays without one. A
 * finding resolved while it waited needs none. Idempotent (a scheduled trigger
 * may run twice): the event's id is derived from the finding, so a second run
 * answers `duplicate`.
 */
import { createAppProcessor } from './engine';
import type { Finding } from './events/schema';
import type { Platform } from './ports';
import { memberKey, parsePointer, waitingKey, WAITING_PREFIX, type MemberPointer } from './sync/grouping/apply-group';

/** How long a finding waits for a remediation before it gets its own issue. */
export const WAIT_FOR_REMEDIATION_MS = 24 * 60 * 60 * 1000;
/** Findings given their issue per run (the rest next hour): well inside a scheduled trigger's time. */
const PER_RUN = 50;

export async function releaseWaitingFindingsJob(platform: Platform): Promise<string> {
  const now = platform.clock.now();
  const page = await platform.store.list<{ since?: number }>(WAITING_PREFIX, { limit: 100 });
  const due = page.items.filter((item) => typeof item.value.since === 'number' && now - item.value.since >= WAIT_FOR_REMEDIATION_MS).slice(0, PER_RUN);
  let created = 0;
  let dropped = 0;
  const failed: string[] = [];
  const processor = createAppProcessor(platform, { mode: 'consumer', maxAttempts: 1 });
  for (const item of due) {
    const findingId = item.key.slice(WAITING_PREFIX.length);
    const pointer = parsePointer(await platform.store.get<unknown>(memberKey(findingId)));
    if (!pointer?.waiting || pointer.waiting.resolved) {
      // Joined a group meanwhile, or resolved while waiting: nothing to create.
      await platform.store.transact([{ kind: 'delete', key: waitingKey(findingId) }, ...(pointer?.waiting ? [{ kind: 'delete' as const, key: memberKey(findingId) }] : [])]);
      dropped += 1;
      continue;
    }
    // From now on the finding is applied as one with its own issue; its data stays until that issue exists.
    await platform.store.set(memberKey(findingId), { ...pointer, alone: true } satisfies MemberPointer);
    const finding = { ...pointer.waiting.finding, id: findingId } as Finding;
    const [result] = await processor.process([{ id: `waited-${findingId}`, type: 'finding.created', occurredAt: new Date(pointer.waiting.since).toISOString(), data: { finding } }], { deadlineAt: now + 20_000 });
    if (result && result.status !== 'failed' && result.status !== 'queued') {
      await platform.store.transact([
        { kind: 'set', key: memberKey(findingId), value: { projectKey: pointer.projectKey, alone: true } satisfies MemberPointer },
        { kind: 'delete', key: waitingKey(findingId) },
      ]);
      created += 1;
    } else {
      // Kept waiting-marked: the next run tries again (the pointer already says "alone").
      failed.push(findingId);
    }
  }
  return `${created} waiting finding(s) got their own issue; ${dropped} no longer waiting${failed.length > 0 ? `; ${failed.length} to try again next hour` : ''}`;
}
