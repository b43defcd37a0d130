/**
 * `npm run bench -- --storm`: several installations of the app against one
 * Jira simulator whose hourly points pool they share (docs/performance.md
 * "Storm"). Each installation is an `npm start` of its own (its own process,
 * port and STATE_DIR, in real-Jira mode against the simulator, as README
 * "Local runtime" describes); the simulator runs in this process on a fast
 * clock, so the hours of quota a storm needs pass in minutes, and each
 * installation's queue waits are scaled to the same clock.
 *
 * Each installation receives its storm in signed batches of 100: new findings
 * of mixed severities (some updated right after), then a wave resolving some,
 * then a wave reopening half of those. When every queue is idle the simulator's
 * issues are checked against what the events asked for.
 */
import * as fs from 'node:fs';
import { installationAccount, startInstallation, type Installation } from '../dev/installation';
import { startJiraSimulatorServer, type JiraSimulatorServer } from '../dev/jira-sim/server';
import { sign, SIGNATURE_HEADER } from '../dev/sign';
import { isDevopsRoute, percentile } from './harness';

const SECRET = 'whsec_storm_bench_0123456789abcdef';
const BATCH = 100;
const SEVERITIES = ['critical', 'high', 'high', 'medium', 'medium', 'medium', 'medium', 'low', 'low', 'info'] as const;

/**
 * What each storm event costs applied alone, one by one, with warm caches and none of the storm's
 * savings (no coalescing, no bulk create): a create, an edit, and the transitions the simulator's
 * demo workflow needs (dev/jira-sim/seed.ts: To Do → In Progress → In Review → Done is three hops;
 * Reopen, Done → To Do, is one), the comment riding on the last one. The naive sum the storm's
 * points are measured against (docs/performance.md "Storm").
 */
const NAIVE_POINTS: Record<string, number> = { 'finding.created': 1, 'finding.updated': 1, 'finding.resolved': 3, 'finding.reopened': 1 };

export interface StormOptions {
  installations: number;
  eventsPerInstallation: number;
  pointsPerHour: number;
  /** Simulator milliseconds per real millisecond. */
  clockSpeed: number;
}

export interface StormFigures {
  stormEvents: number;
  stormLost: number;
  stormDuplicates: number;
  stormPointsUsed: number;
  stormDevopsPoints: number;
  stormPointsNaive: number;
  stormPointsSavedPct: number;
  stormFairnessMinMax: number;
  stormCriticalMedianDelayS: number;
  stormLowMedianDelayS: number;
  stormSimHours: number;
  stormWallSeconds: number;
  failures: string[];
}

interface StormEvent {
  id: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** What the events of one finding ask for at the end. */
interface Expected {
  severity: string;
  title: string;
  resolved: boolean;
}

/** Its errors go beside its state (removed at the end), for when it stops answering. */
const startOne = (sim: JiraSimulatorServer, name: string, clockSpeed: number): Promise<Installation> =>
  startInstallation(name, { jiraBaseUrl: sim.url, signingSecret: SECRET, queueDelayScale: 1 / clockSpeed, readyTimeoutMs: 60_000, logErrors: true });

/** One installation's storm: `count` events over `count / 2` findings, in batches of 100, and what each finding should end as. */
export function stormOf(prefix: string, count: number, startMs: number): { batches: StormEvent[][]; expected: Map<string, Expected> } {
  let seq = 0;
  let at = startMs;
  const ev = (type: string, data: Record<string, unknown>): StormEvent => ({ id: `evt_${prefix}_${++seq}`, type, occurredAt: new Date((at += 1000)).toISOString(), data });
  const finding = (k: number, title: string) => ({
    id: `fnd_${prefix}_${k}`,
    title,
    severity: SEVERITIES[k % SEVERITIES.length],
    category: 'sca',
    scanner: 'snyk',
    repository: { name: `acme/service-${k % 7}` },
    package: { ecosystem: 'npm', name: 'lodash', version: '4.17.15', fixedVersion: '4.17.21' },
  });
  const findings = Math.floor(count / 2);
  const events: StormEvent[] = [];
  const expected = new Map<string, Expected>();
  // Creation: every finding; 2 in 5 updated right after (a re-scan sharpened the title).
  for (let k = 0; k < findings; k++) {
    const title = `Prototype Pollution in lodash (${prefix} ${k})`;
    events.push(ev('finding.created', { finding: finding(k, title) }));
    expected.set(`fnd_${prefix}_${k}`, { severity: SEVERITIES[k % SEVERITIES.length] ?? 'medium', title, resolved: false });
    if (k % 5 < 2) {
      const updated = `${title}, exploitable`;
      events.push(ev('finding.updated', { finding: finding(k, updated) }));
      (expected.get(`fnd_${prefix}_${k}`) as Expected).title = updated;
    }
  }
  // A wave resolving 2 in 5, then a re-scan reopening half of those.
  const resolving = [...expected.keys()].filter((_, k) => k % 5 === 2 || k % 5 === 3);
  for (const id of resolving) {
    const k = Number(id.slice(id.lastIndexOf('_') + 1));
    events.push(ev('finding.resolved', { finding: finding(k, (expected.get(id) as Expected).title), reason: 'fixed' }));
    (expected.get(id) as Expected).resolved = true;
  }
  for (const id of resolving.filter((_, i) => i % 2 === 0)) {
    const k = Number(id.slice(id.lastIndexOf('_') + 1));
    events.push(ev('finding.reopened', { finding: finding(k, (expected.get(id) as Expected).title) }));
    (expected.get(id) as Expected).resolved = false;
  }
  const batches: StormEvent[][] = [];
  for (let i = 0; i < events.length; i += BATCH) batches.push(events.slice(i, i + BATCH));
  return { batches, expected };
}

async function sendBatch(installation: Installation, batch: StormEvent[]): Promise<{ status: number; results: Array<{ eventId: string; status: string; error?: { code: string; message: string } }> }> {
  const body = JSON.stringify({ events: batch });
  const response = await fetch(`${installation.url}/webtrigger/backline-events`, { method: 'POST', headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(SECRET, body) }, body });
  const parsed = (await response.json()) as { results?: Array<{ eventId: string; status: string; error?: { code: string; message: string } }> };
  return { status: response.status, results: parsed.results ?? [] };
}

/** `STORM_TRACE=<file>`: what was waiting in each queue, by severity, due or not (for analysis). */
type QueueSample = Record<string, { due: number; later: number }>;

function sampleOf(pending: Array<{ body?: { event?: { type?: string; data?: { finding?: { severity?: string } } } }; dueAt?: number }>): QueueSample {
  const sample: QueueSample = {};
  const now = Date.now();
  for (const e of pending) {
    const key = `${e.body?.event?.data?.finding?.severity ?? '?'}:${e.body?.event?.type ?? '?'}`;
    const row = (sample[key] ??= { due: 0, later: 0 });
    if ((e.dueAt ?? 0) <= now) row.due += 1;
    else row.later += 1;
  }
  return sample;
}

async function queueOf(installation: Installation, samples?: QueueSample[]): Promise<{ pending: number; deadLetters: number }> {
  // A runtime busy with its backlog may not accept a connection at once: a minute before giving up on it.
  let response: Response | undefined;
  for (let attempt = 0; attempt < 12 && !response; attempt++) {
    response = await fetch(`${installation.url}/_local/queue`).catch(() => undefined);
    if (!response) await new Promise((resolve) => setTimeout(resolve, 5_000));
  }
  if (!response) throw new Error(`storm: installation ${installation.name} stopped answering (its errors: ${installation.stateDir}.log)`);
  const body = (await response.json()) as { pending: Parameters<typeof sampleOf>[0]; deadLetters: unknown[] };
  samples?.push(sampleOf(body.pending));
  return { pending: body.pending.length, deadLetters: body.deadLetters.length };
}

export async function runStorm(options: StormOptions, log: (line: string) => void): Promise<StormFigures> {
  const failures: string[] = [];
  const started = performance.now();
  const sim = await startJiraSimulatorServer(0, { pointsPerHour: options.pointsPerHour, clockSpeed: options.clockSpeed, log: () => undefined, violationsExpected: false });
  const installations: Installation[] = [];
  try {
    log(`storm: ${options.installations} installations, ${options.eventsPerInstallation} events each, pool ${options.pointsPerHour} points/h, clock ×${options.clockSpeed}`);
    installations.push(...(await Promise.all(Array.from({ length: options.installations }, (_, i) => startOne(sim, `inst${i + 1}`, options.clockSpeed)))));
    // What starting cost (the demo configuration's reads) is not the storm's.
    const startPoints = { ...sim.simulator.stats.pointsByInstallation };
    const simStart = sim.simulator.now();
    const storms = installations.map((inst) => stormOf(inst.name, options.eventsPerInstallation, Date.UTC(2026, 11, 4, 8, 0, 0)));
    const sentAt = new Map<string, number>();
    let failedResults = 0;
    log('storm: sending');
    await Promise.all(
      installations.map(async (inst, i) => {
        for (const batch of storms[i]?.batches ?? []) {
          const now = sim.simulator.now();
          for (const e of batch) if (e.type === 'finding.created') sentAt.set((e.data.finding as { id: string }).id, now);
          const answer = await sendBatch(inst, batch);
          const failed = answer.results.filter((r) => r.status === 'failed');
          failedResults += failed.length;
          if (answer.status >= 300 && answer.status !== 202) failures.push(`storm ${inst.name}: HTTP ${answer.status}`);
          for (const r of failed.slice(0, 3)) failures.push(`storm ${inst.name}: ${r.eventId} failed: ${r.error?.code} ${r.error?.message}`);
        }
      }),
    );
    log(`storm: sent in ${Math.round((performance.now() - started) / 1000)} s; waiting for the queues`);
    // Fairness: each installation's points while all of them still had work (until the first one is idle).
    let contended: Record<string, number> | undefined;
    let deadLetters = 0;
    const trace = process.env.STORM_TRACE;
    const traceSamples: Array<{ at: number; inst: string; sample: QueueSample }> = [];
    for (let poll = 1; ; poll++) {
      const sampling = trace !== undefined && poll % 4 === 0;
      const queues = await Promise.all(
        installations.map(async (inst) => {
          const samples: QueueSample[] = [];
          const q = await queueOf(inst, sampling ? samples : undefined);
          for (const sample of samples) traceSamples.push({ at: sim.simulator.now() - simStart, inst: inst.name, sample });
          return q;
        }),
      );
      if (poll % 20 === 0) {
        const hours = ((sim.simulator.now() - simStart) / 3_600_000).toFixed(1);
        log(`storm: ${hours} simulated h, waiting ${queues.map((q) => q.pending).join(' / ')}, points ${JSON.stringify(sim.simulator.stats.pointsByInstallation)}`);
      }
      if (!contended && queues.some((q) => q.pending === 0)) contended = { ...sim.simulator.stats.pointsByInstallation };
      if (queues.every((q) => q.pending === 0)) {
        deadLetters = queues.reduce((n, q) => n + q.deadLetters, 0);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const simHours = (sim.simulator.now() - simStart) / 3_600_000;
    const spent = (points: Record<string, number> | undefined, name: string) => (points?.[installationAccount(name)] ?? 0) - (startPoints[installationAccount(name)] ?? 0);
    const shares = installations.map((inst) => spent(contended, inst.name));
    // The Security tab's submits (1 point each, docs/performance.md) are counted apart, as the other figures do.
    const devops = Object.entries(sim.simulator.stats.pointsByRoute).reduce((n, [route, points]) => n + (isDevopsRoute(route) ? points : 0), 0);
    const used = installations.reduce((n, inst) => n + spent(sim.simulator.stats.pointsByInstallation, inst.name), 0) - devops;
    const events = options.installations * options.eventsPerInstallation;
    const naive = storms.reduce((n, storm) => n + storm.batches.flat().reduce((m, e) => m + (NAIVE_POINTS[e.type] ?? 1), 0), 0);

    // The end state against what the events asked for.
    const byFinding = new Map<string, Array<{ created: number; summary: unknown; resolved: boolean }>>();
    for (const issue of sim.simulator.state.issues.values()) {
      const findingId = (issue.properties.backline as { findingId?: unknown } | undefined)?.findingId;
      if (typeof findingId !== 'string') continue;
      const list = byFinding.get(findingId) ?? [];
      list.push({ created: issue.created, summary: issue.fields.summary, resolved: issue.resolutionId !== null });
      byFinding.set(findingId, list);
    }
    let lost = failedResults + deadLetters;
    let duplicates = 0;
    const delays: Record<string, number[]> = {};
    for (const storm of storms) {
      for (const [findingId, want] of storm.expected) {
        const issues = byFinding.get(findingId) ?? [];
        duplicates += Math.max(0, issues.length - 1);
        const issue = issues[0];
        const ok = issue !== undefined && issue.resolved === want.resolved && String(issue.summary).includes(want.title);
        if (!ok) {
          lost += 1;
          if (failures.length < 20) failures.push(`storm: ${findingId} ended ${issue ? `${issue.resolved ? 'resolved' : 'open'} "${String(issue.summary)}"` : 'without an issue'}, expected ${want.resolved ? 'resolved' : 'open'} "${want.title}"`);
        }
        if (issue) (delays[want.severity] ??= []).push((issue.created - (sentAt.get(findingId) ?? issue.created)) / 1000);
      }
    }
    if (trace) {
      const issues = [...sim.simulator.state.issues.values()].map((issue) => {
        const findingId = (issue.properties.backline as { findingId?: string } | undefined)?.findingId ?? '';
        const want = storms.map((storm) => storm.expected.get(findingId)).find((e) => e !== undefined);
        return { findingId, severity: want?.severity, sent: (sentAt.get(findingId) ?? 0) - simStart, created: issue.created - simStart };
      });
      fs.writeFileSync(trace, JSON.stringify({ simStart, issues, samples: traceSamples }));
    }
    if (deadLetters > 0) failures.push(`storm: ${deadLetters} dead letters`);
    log(`storm: Jira requests by route: ${JSON.stringify(sim.simulator.stats.byRoute)}; refused (429): ${sim.simulator.stats.rateLimited}`);
    log(`storm: Jira points by route (refusals cost none): ${JSON.stringify(sim.simulator.stats.pointsByRoute)}`);
    const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;
    return {
      stormEvents: events,
      stormLost: lost,
      stormDuplicates: duplicates,
      stormPointsUsed: used,
      stormDevopsPoints: devops,
      stormPointsNaive: naive,
      stormPointsSavedPct: round(((naive - used) / naive) * 100, 1),
      stormFairnessMinMax: round(Math.min(...shares) / Math.max(1, ...shares), 2),
      stormCriticalMedianDelayS: round(percentile(delays.critical ?? [], 50)),
      stormLowMedianDelayS: round(percentile(delays.low ?? [], 50)),
      stormSimHours: round(simHours, 1),
      stormWallSeconds: round((performance.now() - started) / 1000),
      failures,
    };
  } finally {
    for (const inst of installations) {
      inst.child.kill();
      await new Promise((resolve) => (inst.child.exitCode !== null ? resolve(undefined) : inst.child.once('exit', resolve)));
      fs.rmSync(inst.stateDir, { recursive: true, force: true, maxRetries: 3 });
    }
    await sim.close();
  }
}
