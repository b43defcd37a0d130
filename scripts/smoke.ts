/**
 * `npm run smoke -- --site`: the acceptance lifecycle against a Jira site,
 * through the local runtime's real-Jira mode (JIRA_BASE_URL, JIRA_EMAIL,
 * JIRA_API_TOKEN), and a report of what differed from what the app promises.
 *
 * The runtime starts from empty state in a temporary folder and connects the
 * site's project SEC with its Vulnerability issue type from the site's own
 * create screen (the demo configuration, dev/demo-config.ts). Then one
 * finding goes through created → PR opened → PR merged → remediation
 * verified, plus a redelivery, each signed and sent to the web trigger, and
 * after each step the issue is read back from Jira as a person would see it:
 * one issue per finding, the configured status, the PR's remote link and
 * comments. It creates one issue, "Backline smoke test …", which you may
 * delete afterwards.
 *
 *   JIRA_BASE_URL=https://acme.atlassian.net JIRA_EMAIL=… JIRA_API_TOKEN=… npm run smoke -- --site
 *   npm run smoke -- --site --sim      # the same, against the simulator over HTTP (what CI runs)
 *
 * Exits 1 when anything differed, 2 when it could not run.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sign, SIGNATURE_HEADER } from '../dev/sign';
import { startJiraSimulatorServer, type JiraSimulatorServer } from '../dev/jira-sim/server';
import { startLocalRuntime, type LocalRuntime } from '../dev/server';
import { ConfigRepository } from '../src/core/config/repository';

interface Check {
  step: string;
  what: string;
  expected: string;
  actual: string;
}

const PROJECT = 'SEC';

function env(name: string): string | undefined {
  const value = process.env[name];
  return value ? value : undefined;
}

async function jira(pathAndQuery: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const base = (env('JIRA_BASE_URL') ?? '').replace(/\/$/, '');
  const auth = Buffer.from(`${env('JIRA_EMAIL') ?? ''}:${env('JIRA_API_TOKEN') ?? ''}`).toString('base64');
  const response = await fetch(`${base}${pathAndQuery}`, { headers: { authorization: `Basic ${auth}`, accept: 'application/json' } });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function send(runtime: LocalRuntime, body: unknown): Promise<{ status: number; results: Array<{ status?: string; issues?: Array<{ key: string }> }> }> {
  const raw = JSON.stringify(body);
  const response = await fetch(runtime.webtriggerUrl, { method: 'POST', headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(runtime.signingSecret, raw) }, body: raw });
  const parsed = (await response.json()) as { results?: Array<{ status?: string; issues?: Array<{ key: string }> }> };
  return { status: response.status, results: parsed.results ?? [] };
}

async function issueAsSeen(key: string): Promise<{ status: string; comments: number; links: string[] }> {
  const issue = await jira(`/rest/api/3/issue/${encodeURIComponent(key)}?fields=status,comment`);
  const fields = (issue.body.fields ?? {}) as { status?: { name?: string }; comment?: { total?: number; comments?: unknown[] } };
  const links = await jira(`/rest/api/3/issue/${encodeURIComponent(key)}/remotelink`);
  const urls = Array.isArray(links.body) ? (links.body as Array<{ object?: { url?: string } }>).map((l) => l.object?.url ?? '') : [];
  return { status: fields.status?.name ?? `(HTTP ${issue.status})`, comments: fields.comment?.total ?? fields.comment?.comments?.length ?? 0, links: urls };
}

/** The issues a JQL search finds (the app's own index is the `backline` issue property: docs/sync.md). */
async function search(jql: string): Promise<string[]> {
  const base = (env('JIRA_BASE_URL') ?? '').replace(/\/$/, '');
  const auth = Buffer.from(`${env('JIRA_EMAIL') ?? ''}:${env('JIRA_API_TOKEN') ?? ''}`).toString('base64');
  const response = await fetch(`${base}/rest/api/3/search/jql`, {
    method: 'POST',
    headers: { authorization: `Basic ${auth}`, accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ jql, fields: ['key'], maxResults: 10 }),
  });
  const body = (await response.json()) as { issues?: Array<{ key: string }> };
  return (body.issues ?? []).map((issue) => issue.key);
}

function lifecycle(findingId: string, at: number) {
  const time = (minute: number) => new Date(at + minute * 60_000).toISOString();
  const finding = {
    id: findingId,
    title: `Backline smoke test ${new Date(at).toISOString()}`,
    severity: 'high',
    category: 'sca',
    scanner: 'smoke',
    url: `https://app.backline.ai/findings/${findingId}`,
    repository: { name: 'acme/smoke', url: 'https://github.com/acme/smoke', defaultBranch: 'main' },
    description: 'Created by `npm run smoke -- --site`: safe to delete.',
  };
  const remediation = { id: `rem_${findingId}`, title: 'Smoke test remediation' };
  const pullRequest = { url: `https://github.com/acme/smoke/pull/${at % 100_000}`, number: at % 100_000, title: 'fix: smoke test', repository: 'acme/smoke' };
  const event = (n: number, type: string, data: unknown) => ({ id: `evt_smoke_${at}_${n}`, type, occurredAt: time(n), data });
  return [
    { stage: undefined, body: event(1, 'finding.created', { finding }) },
    { stage: 'prOpened' as const, body: event(2, 'remediation.pr_opened', { remediation, pullRequest, findings: [{ id: findingId }] }) },
    { stage: 'prMerged' as const, body: event(3, 'remediation.pr_merged', { remediation, pullRequest, findings: [{ id: findingId }] }) },
    { stage: 'resolved' as const, body: event(4, 'remediation.resolved', { remediation, findings: [{ id: findingId }] }) },
  ];
}

async function run(runtime: LocalRuntime): Promise<Check[]> {
  const checks: Check[] = [];
  const check = (step: string, what: string, expected: string, actual: string) => checks.push({ step, what, expected, actual });
  const config = await runtime.withPlatform((platform) => new ConfigRepository(platform.store, platform.clock).getProject(PROJECT));
  if (!config) throw new Error(`${PROJECT} could not be connected: the site needs a project ${PROJECT} with a Vulnerability issue type (see dev/demo-config.ts)`);
  const at = Date.now();
  const findingId = `fnd_smoke_${at}`;
  let key = '';
  for (const { stage, body } of lifecycle(findingId, at)) {
    const answer = await send(runtime, { events: [body] });
    const result = answer.results[0];
    check(body.type, 'answer', '200 created/updated', `${answer.status} ${result?.status ?? '-'}`);
    key ||= result?.issues?.[0]?.key ?? '';
    if (!key) break;
    const seen = await issueAsSeen(key);
    const target = stage ? config.statuses[stage]?.name : undefined;
    if (target) check(body.type, 'status', target, seen.status);
    if (body.type === 'remediation.pr_opened') check(body.type, 'PR remote link', 'present', seen.links.some((url) => url.includes('/pull/')) ? 'present' : 'missing');
  }
  // Backline delivers again: nothing changes in Jira.
  const first = lifecycle(findingId, at)[0];
  if (first && key) {
    const before = await issueAsSeen(key);
    const again = await send(runtime, { events: [first.body] });
    check('redelivery', 'answer', '200 duplicate', `${again.status} ${again.results[0]?.status ?? '-'}`);
    const after = await issueAsSeen(key);
    check('redelivery', 'comments', String(before.comments), String(after.comments));
  }
  // One issue for the finding (the search may lag on a real site: asked last).
  const issues = await search(`issue.property[backline].findingId = "${findingId}"`);
  check('end', 'issues for the finding', key || '(one)', issues.join(', ') || '(none found)');
  return checks;
}

async function main(): Promise<void> {
  if (!process.argv.includes('--site')) {
    console.error('usage: npm run smoke -- --site [--sim]   (JIRA_BASE_URL, JIRA_EMAIL, JIRA_API_TOKEN for a real site)');
    process.exit(2);
  }
  let simServer: JiraSimulatorServer | undefined;
  if (process.argv.includes('--sim')) {
    simServer = await startJiraSimulatorServer(0);
    Object.assign(process.env, { JIRA_BASE_URL: simServer.url, JIRA_EMAIL: 'smoke@example.com', JIRA_API_TOKEN: 'not-checked-by-the-simulator' });
  }
  if (!env('JIRA_BASE_URL') || !env('JIRA_EMAIL') || !env('JIRA_API_TOKEN')) {
    console.error('smoke --site needs JIRA_BASE_URL, JIRA_EMAIL and JIRA_API_TOKEN (an API token of a user who can create issues in SEC)');
    process.exit(2);
  }
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-smoke-'));
  const runtime = await startLocalRuntime({ port: 0, stateDir, reset: true, quiet: true, housekeepingIntervalMs: 0 });
  let differed = 0;
  try {
    console.log(`smoke: ${env('JIRA_BASE_URL')} (project ${PROJECT}), through the local runtime's real-Jira mode`);
    const checks = await run(runtime);
    for (const c of checks) {
      const ok = c.expected === c.actual || (c.expected === '200 created/updated' && /^200 (created|updated)$/.test(c.actual));
      if (!ok) differed += 1;
      console.log(`${ok ? 'ok  ' : 'DIFF'} ${c.step.padEnd(28)} ${c.what.padEnd(24)} expected ${c.expected}, got ${c.actual}`);
    }
    console.log(differed === 0 ? `smoke: all ${checks.length} checks as promised` : `smoke: ${differed} of ${checks.length} checks differed`);
  } finally {
    await runtime.close();
    await simServer?.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
  process.exitCode = differed === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error('smoke: could not run:', error instanceof Error ? error.message : error);
  process.exitCode = 2;
});
