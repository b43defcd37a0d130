/**
 * What would ship, run: the backend as Forge's own bundler builds it
 * (`npm run forge:bundle` → build/forge/backend/index.cjs), loaded by the
 * local runtime in place of src/, and called over HTTP and the local host with
 * Forge's request shapes: the web trigger, the admin and panel resolvers, the
 * queue consumer and the scheduled trigger.
 *
 * CI bundles before the tests; run alone, the test bundles first when the
 * bundle is missing or older than its inputs (scripts/forge-build.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLocalRuntime, type LocalRuntime } from '../../../dev/server';
import { sign } from '../../../dev/sign';
import { SIM_USERS } from '../../../dev/jira-sim';
import { BACKEND_BUNDLE_DIR, BACKEND_BUNDLE_FILE, ensureForgeBundle, missingResourceFiles, RESOURCES_DIR } from '../../../scripts/forge-build';

const SECRET = 'whsec_bundle_smoke_secret_0123456789';

let runtime: LocalRuntime;
let stateDir: string;

beforeAll(async () => {
  ensureForgeBundle();
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-bundle-'));
  runtime = await startLocalRuntime({
    port: 0,
    reset: true,
    stateDir,
    quiet: true,
    signingSecret: SECRET,
    housekeepingIntervalMs: 0,
    queueDelayScale: 0.002,
    functionsDir: BACKEND_BUNDLE_DIR,
  });
}, 240_000);

afterAll(async () => {
  await runtime?.close();
  if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
});

const createdEvent = (id: string, findingId: string) => ({
  id,
  type: 'finding.created',
  occurredAt: new Date().toISOString(),
  data: {
    finding: {
      id: findingId,
      title: `Prototype Pollution in lodash (${findingId})`,
      severity: 'high',
      category: 'sca',
      scanner: 'snyk',
      url: `https://app.backline.ai/findings/${findingId}`,
      repository: { name: 'acme/payments-api' },
      description: 'Versions of `lodash` before 4.17.19 are vulnerable to **prototype pollution**.',
    },
  },
});

async function invoke(moduleKey: string, functionKey: string, payload: unknown, extension: Record<string, unknown>): Promise<unknown> {
  const response = await fetch(`${runtime.url}/bridge/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-local-account-id': SIM_USERS.siteAdmin.accountId },
    body: JSON.stringify({ functionKey, payload, context: { moduleKey, extension } }),
  });
  expect(response.status).toBe(200);
  return response.json();
}

async function jiraIssue(key: string): Promise<{ key: string; fields: { summary: string } }> {
  const response = await fetch(`${runtime.url}/jira/rest/api/3/issue/${key}?fields=summary`, { headers: { 'x-sim-account-id': SIM_USERS.siteAdmin.accountId } });
  expect(response.status).toBe(200);
  return (await response.json()) as { key: string; fields: { summary: string } };
}

let createdKey = '';

it('contains every resource file the manifest points at (the issue panel icon)', () => {
  const manifestText = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'manifest.yml'), 'utf8');
  expect(manifestText).toContain('resource:admin;icon.svg');
  expect(missingResourceFiles(manifestText, RESOURCES_DIR)).toEqual([]);
  expect(missingResourceFiles('modules:\n  jira:issuePanel:\n    - icon: resource:admin;nope.svg\n', RESOURCES_DIR)).toEqual(['resource:admin;nope.svg']);
});

it('loads every manifest function from the bundle, not from src/', () => {
  expect(runtime.functions.modulePath('index')).toBe(BACKEND_BUNDLE_FILE);
  expect(runtime.functions.check()).toEqual([]);
  // The bundle is self-contained: Forge installs no node_modules beside it.
  expect(fs.readFileSync(BACKEND_BUNDLE_FILE, 'utf8')).not.toMatch(/require\("@forge\//);
});

it('web trigger: a signed finding.created creates the issue and answers Forge’s dynamic response', async () => {
  const body = JSON.stringify(createdEvent('evt_bundle_1', 'fnd_bundle_1'));
  const response = await fetch(runtime.webtriggerUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-backline-signature': sign(SECRET, body) },
    body,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('application/json');
  const answer = (await response.json()) as { results: Array<{ eventId: string; status: string; issues?: Array<{ key: string }> }> };
  expect(answer.results).toEqual([expect.objectContaining({ eventId: 'evt_bundle_1', status: 'created' })]);
  createdKey = answer.results[0]?.issues?.[0]?.key ?? '';
  expect((await jiraIssue(createdKey)).fields.summary).toContain('fnd_bundle_1');

  const unsigned = await fetch(runtime.webtriggerUrl, { method: 'POST', body });
  expect(unsigned.status).toBe(401);
});

it('admin resolver: projects/list answers the contract envelope as the site admin', async () => {
  const answer = await invoke('backline-admin', 'projects/list', {}, { type: 'jira:adminPage' });
  expect(answer).toMatchObject({ ok: true, data: expect.anything() });
});

it('panel resolver: the issue panel reads the finding behind the created issue', async () => {
  expect(createdKey).not.toBe('');
  const answer = await invoke('backline-issue-panel', 'panel/get', {}, { type: 'jira:issuePanel', issue: { key: createdKey } });
  expect(JSON.stringify(answer)).toContain('fnd_bundle_1');
});

it('consumer: an event delivered from the queue as an AsyncEvent is applied', async () => {
  runtime.host.queue.push('backline-sync', [{ body: { event: createdEvent('evt_bundle_2', 'fnd_bundle_2') } }]);
  await runtime.waitForQueueIdle();
  expect(runtime.host.queue.pending).toHaveLength(0);
  expect(runtime.host.queue.deadLetters).toHaveLength(0);
  const search = await fetch(`${runtime.url}/jira/rest/api/3/search/jql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sim-account-id': SIM_USERS.siteAdmin.accountId },
    body: JSON.stringify({ jql: 'project = SEC ORDER BY created DESC', fields: ['summary'], maxResults: 50 }),
  });
  const found = (await search.json()) as { issues: Array<{ fields: { summary: string } }> };
  expect(found.issues.map((issue) => issue.fields.summary)).toEqual(expect.arrayContaining([expect.stringContaining('fnd_bundle_2')]));
});

it('scheduled trigger: answers the response shape Forge expects, with every job reported', async () => {
  const answer = await runtime.functions.scheduled('backline-housekeeping');
  expect(answer.statusCode).toBe(200);
  const body = JSON.parse(answer.body) as { jobs: Array<{ job: string; ok: boolean }>; failed: number };
  expect(body.failed).toBe(0);
  expect(body.jobs.length).toBeGreaterThan(0);
  expect(body.jobs.every((job) => job.ok)).toBe(true);
});
