/**
 * Bulk create (`POST /issue/bulk`, ≤ 50 issues a request; docs/platform-limits.md
 * "Jira REST endpoints and field limits"): a run of `finding.created` events about distinct new
 * findings costs one Jira request per 50 issues instead of one per issue (a
 * 1,000-finding backfill: 20 requests). Only the plain case goes in bulk: a new
 * finding, routed, rendered without problems, whose plan is exactly one create.
 * Anything else (already linked, busy, recovered claim, an element Jira refuses,
 * a whole request that fails) is left to the one-event path (apply-event.ts),
 * which owns every error rule; so bulk changes the cost, never the outcome.
 */
import { CodedError } from '../errors';
import { SEVERITY_RANK, type BacklineEvent } from '../events/schema';
import type { JiraClient } from '../jira/client';
import type { EventResult } from '../results';
import { classify, writeNotSaved } from './classify';
import type { Claim } from './idempotency';
import type { Invocation } from './invocation';
import type { FindingOutcome } from './outcome';
import { paceDelaySeconds } from './pacing';
import { PROPERTY_KEY, describeWrite, emptyLink, planEvent, type FindingPlan } from './plan';
import { recordEvent } from './record';
import { initialStatusOf } from './initial-status';
import { ensureLinksRecovered } from './recovery';

export type CreatedEvent = Extract<BacklineEvent, { type: 'finding.created' }>;

/** Issues one `POST /issue/bulk` may create (docs/platform-limits.md "Jira REST endpoints and field limits"). */
export const BULK_CREATE_LIMIT = 50;

interface Ready {
  event: CreatedEvent;
  claim: Claim;
  outcome: FindingOutcome;
  plan: FindingPlan;
  create: { fields: Record<string, unknown>; property: Record<string, unknown> };
}

/** The run of `finding.created` events about distinct findings starting at `index` (bulk candidates). */
export function createRun(events: BacklineEvent[], index: number): CreatedEvent[] {
  const run: CreatedEvent[] = [];
  const findings = new Set<string>();
  const ids = new Set<string>();
  for (const event of events.slice(index)) {
    if (event.type !== 'finding.created' || findings.has(event.data.finding.id) || ids.has(event.id)) break;
    findings.add(event.data.finding.id);
    ids.add(event.id);
    run.push(event);
  }
  return run;
}

/** Applies what it can of `run` in bulk; answers the results of the events it applied. */
export async function applyCreatesInBulk(inv: Invocation, run: CreatedEvent[]): Promise<Map<string, EventResult>> {
  const done = new Map<string, EventResult>();
  if (!inv.storeComplete && !(await ensureLinksRecovered(inv))) return done;
  const ready: Ready[] = [];
  try {
    for (const event of run) {
      if (!inv.hasTime()) break;
      const item = await prepare(inv, event);
      if (item) ready.push(item);
    }
    if (ready.length > 0) await inv.siteBase();
  } catch (error) {
    await releaseAll(inv, ready);
    inv.logger.warn('bulk create skipped', { error: classify(error).message });
    return done;
  }
  for (let start = 0; start < ready.length; start += BULK_CREATE_LIMIT) {
    // Out of time, or Jira says the hour's points are nearly spent: the rest is deferred by the processor.
    if (!inv.hasTime() || paceDelaySeconds(inv.counting.lastRateLimit, ready.length - start, inv.clock.now()) > 0) {
      await releaseAll(inv, ready.slice(start));
      break;
    }
    const chunk = ready.slice(start, start + BULK_CREATE_LIMIT);
    if (!(await createChunk(inv, chunk, done))) {
      await releaseAll(inv, ready.slice(start + chunk.length));
      break;
    }
  }
  return done;
}

/** Claims and plans one event for bulk; undefined (claim released) when it is not the plain case. */
async function prepare(inv: Invocation, event: CreatedEvent): Promise<Ready | undefined> {
  const finding = event.data.finding;
  // The record and the link in one read, then the claim at the link's version: won, what was read is current.
  const claimed = await inv.idempotency.claimFinding(finding.id, event.id, { maxWaitMs: 0, sleep: inv.sleep });
  if (claimed.kind !== 'claimed') return undefined; // the one-event path answers duplicate, or waits for the holder
  const release = async () => {
    await inv.idempotency.release(claimed.claim);
    return undefined;
  };
  if (claimed.claim.recovered) {
    // Taken over from a failed or crashed holder: keep it marked for recovery, so the
    // one-event path looks the finding up in Jira (releasing it here lost that, and
    // the next claimer created a second issue).
    await inv.idempotency.handOver(claimed.claim, claimed.claim.unrecordedSince);
    return undefined;
  }
  if (claimed.link !== undefined) return release();
  const route = await inv.projectFor(finding);
  // A project that groups findings makes a group's issue on the one-event path (grouping/apply-group.ts).
  if (route instanceof CodedError || SEVERITY_RANK[finding.severity] < SEVERITY_RANK[route.config.minimumSeverity] || (route.config.groupBy ?? 'finding') !== 'finding') return release();
  const config = route.config;
  const rendered = await inv.render(config, { finding }, 'create');
  const now = inv.clock.now();
  const plan = planEvent({ event, finding, link: emptyLink(finding.id, config.projectKey, config.issueTypeId, now), creating: true, config, rendered, now });
  const [write] = plan.writes;
  if (rendered.problems.length > 0 || plan.writes.length !== 1 || write?.kind !== 'create') return release();
  const outcome: FindingOutcome = { findingId: finding.id, status: 'created', projectKey: config.projectKey, planned: plan.writes.map(describeWrite), done: [] };
  if (route.rule) outcome.rule = route.rule;
  return { event, claim: claimed.claim, outcome, plan, create: write };
}

/** One bulk request and its records. False when Jira refused it as a whole (the one-event path takes over). */
async function createChunk(inv: Invocation, chunk: Ready[], done: Map<string, EventResult>): Promise<boolean> {
  const before = inv.counting.count;
  let answer: Awaited<ReturnType<JiraClient['bulkCreate']>>;
  for (const item of chunk) inv.unrecordedWrites.add(item.event.data.finding.id, inv.clock.now());
  try {
    answer = await inv.client.bulkCreate(chunk.map((item) => ({ fields: item.create.fields, properties: [{ key: PROPERTY_KEY, value: { ...item.create.property } }] })));
  } catch (error) {
    // Refused as a whole (rate limit, outage, …): the one-event path retries or queues each event.
    // After a 5xx or no answer this chunk's issues may exist all the same: its claims are
    // handed over, so the retry looks each finding up in Jira first. A 4xx or 429 created nothing.
    for (const item of chunk) {
      if (writeNotSaved(error)) inv.unrecordedWrites.delete(item.event.data.finding.id);
      await inv.leaveClaim(item.claim).catch(() => undefined);
    }
    inv.logger.warn('bulk create refused; falling back to single creates', { error: classify(error).message });
    return false;
  }
  for (const [index, item] of chunk.entries()) {
    const created = answer.results[index];
    if (!created?.ok) {
      // Jira refused this element: no issue exists, the one-event path may create it.
      inv.unrecordedWrites.delete(item.event.data.finding.id);
      await inv.idempotency.release(item.claim).catch(() => undefined);
      continue;
    }
    const link = item.plan.next;
    link.issueId = created.issue.id;
    link.issueKey = created.issue.key;
    const graph = await inv.workflows.get(link.projectKey, link.issueTypeId);
    const initial = await initialStatusOf(inv.client, inv.workflows, link, graph);
    if (initial) {
      link.statusId = initial;
      item.outcome.statusChange = { toStatusId: initial };
    }
    item.outcome.link = link;
    item.outcome.issue = await inv.issueRef(link);
    item.outcome.done = [`create(bulk of ${chunk.length})`];
    // The bulk request is counted on the first event of its chunk.
    inv.requestStart = index === 0 ? before : inv.counting.count;
    try {
      done.set(item.event.id, await recordEvent(inv, item.event, [item.claim], [item.outcome]));
    } catch (error) {
      // The issue exists but its link could not be stored: hand the claim over, so the
      // one-event path finds the issue in Jira instead of creating a second one.
      inv.logger.warn('could not record a bulk-created issue', { eventId: item.event.id, error: classify(error).message });
      await inv.leaveClaim(item.claim).catch(() => undefined);
    }
  }
  return true;
}

async function releaseAll(inv: Invocation, items: Ready[]): Promise<void> {
  for (const item of items) await inv.idempotency.release(item.claim).catch(() => undefined);
}
