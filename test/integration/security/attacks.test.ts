/**
 * Attacks on the running app (local runtime over HTTP): signature replay and
 * re-timing, oversized and deeply nested bodies, prototype keys, unsafe
 * links in Markdown, Slack egress outside hooks.slack.com, resolvers called by
 * the wrong people or with a forged project context, and secrets leaking into
 * logs, storage, activity, errors or responses. See docs/security.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SIM_USERS } from '../../../dev/jira-sim';
import { adfToText } from '../../../dev/jira-sim/adf';
import { parseSlackWebhookUrl } from '../../../src/core/failures/notifications';
import { SECRET, backlineIssues, created, deliver, event, finding, installClock, restoreClock, send, startEnv, uid, type Env } from '../reliability/harness';

jest.setTimeout(60_000);

const SLACK_URL = 'https://hooks.slack.com/services/T000SECRET/B000SECRET/XXXXsecretXXXXslackXXXX';
let env: Env;
const logged: string[] = [];
const spies: jest.SpyInstance[] = [];

beforeAll(async () => {
  installClock();
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    spies.push(jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' '))));
  }
  env = await startEnv();
});
afterAll(async () => {
  await env.close();
  for (const spy of spies) spy.mockRestore();
  restoreClock();
});

async function invoke(accountId: string, functionKey: string, payload: unknown, extension: unknown, moduleKey = 'backline-project-settings') {
  const response = await fetch(`${env.runtime.url}/bridge/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-local-account-id': accountId },
    body: JSON.stringify({ functionKey, payload, context: { moduleKey, extension } }),
  });
  const text = await response.text();
  responses.push(text);
  return { status: response.status, body: text ? (JSON.parse(text) as { ok?: boolean; error?: { code: string } }) : {} };
}
const responses: string[] = [];

describe('signatures', () => {
  test('a replay inside the 300 s window is idempotent (duplicate, no Jira call); after it, 401', async () => {
    const body = created(uid('fnd_replay'));
    const raw = JSON.stringify(body);
    const t = Math.floor(Date.now() / 1000);
    expect((await send(env.runtime, null, { raw, t })).status).toBe(200);
    const before = env.sim.stats.requests;
    const replay = await send(env.runtime, null, { raw, t });
    expect(replay.body.results?.[0]?.status).toBe('duplicate');
    expect(env.sim.stats.requests).toBe(before);
    const late = await send(env.runtime, null, { raw, t: t - 301 });
    expect(late.status).toBe(401);
    expect(late.text).toBe('{"error":{"code":"UNAUTHORIZED","message":"invalid or missing signature"}}');
  });

  test('a re-timed signature (same v1, new t) and a signature over another body are refused', async () => {
    const raw = JSON.stringify(created(uid('fnd_retime')));
    const t = Math.floor(Date.now() / 1000);
    const { sign } = await import('../../../dev/sign');
    const header = sign(SECRET, raw, t - 200);
    for (const forged of [header.replace(`t=${t - 200}`, `t=${t}`), sign(SECRET, `${raw} `, t), sign('not-the-secret', raw, t), '', 't=,v1=']) {
      const response = await fetch(env.runtime.webtriggerUrl, { method: 'POST', headers: { 'x-backline-signature': forged }, body: raw });
      expect(response.status).toBe(401);
    }
  });
});

describe('bodies', () => {
  test('over 1 MiB: 413 before anything else; deeply nested: 400, never 500', async () => {
    const big = JSON.stringify({ ...created(uid('fnd_big')), pad: 'x'.repeat(1024 * 1024) });
    expect((await send(env.runtime, null, { raw: big })).status).toBe(413);
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const answer = await send(env.runtime, null, { raw: deep });
    expect(answer.status).toBe(400);
    const nestedFinding = JSON.stringify(event('finding.created', { finding: { ...finding(uid('fnd_deep')), extra: JSON.parse(`${'{"a":'.repeat(500)}1${'}'.repeat(500)}`) } }));
    expect((await send(env.runtime, null, { raw: nestedFinding })).status).toBe(400);
  });

  test('__proto__ / constructor keys in events are inert: no pollution, issue created normally', async () => {
    const id = uid('fnd_proto');
    const raw = JSON.stringify(created(id)).replace('"finding":{', '"finding":{"__proto__":{"polluted":"yes","severity":"info"},"constructor":{"prototype":{"polluted":"yes"}},');
    const answer = await send(env.runtime, null, { raw: `{"__proto__":{"polluted":"yes"},${raw.slice(1)}` });
    expect([200, 400]).toContain(answer.status);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('javascript: and data: links in a finding description never reach Jira as links', async () => {
    const id = uid('fnd_links');
    const description = '[click](javascript:alert(document.cookie)) [img](data:text/html;base64,PHNjcmlwdD4=) <javascript:alert(1)> [ok](https://nvd.nist.gov/x)';
    await deliver(env, event('finding.created', { finding: finding(id, { description }) }));
    const issue = backlineIssues(env.sim).find((i) => (i.properties.backline as { findingId: string }).findingId === id)!;
    const adf = JSON.stringify(issue.fields.description);
    expect(adf).not.toMatch(/"href":"\s*(javascript|data):/i);
    expect(adf).toContain('https://nvd.nist.gov/x');
    expect(adfToText(issue.fields.description as never)).toContain('click');
  });
});

describe('Slack egress', () => {
  test.each([
    'https://hooks.slack.com.evil.example/services/x',
    'https://hooks.slack.com@evil.example/services/x',
    'http://hooks.slack.com/services/x',
    'https://evil.example/services/x?h=hooks.slack.com',
    'javascript:alert(1)',
    'https://hooks.slack.com:8443/services/x',
  ])('refuses %s', (url) => {
    expect(() => parseSlackWebhookUrl(url)).toThrow();
  });

  test('an admin cannot store a non-Slack URL through the resolver', async () => {
    const admin = SIM_USERS.siteAdmin.accountId;
    const refused = await invoke(admin, 'notifications/set', { url: 'https://evil.example/hook' }, { type: 'jira:adminPage' }, 'backline-admin');
    expect(refused.body).toMatchObject({ ok: false });
    const ok = await invoke(admin, 'notifications/set', { url: SLACK_URL }, { type: 'jira:adminPage' }, 'backline-admin');
    expect(ok.body).toMatchObject({ ok: true });
    expect(JSON.stringify(ok.body)).not.toContain('XXXXsecretXXXXslackXXXX');
  });
});

describe('resolvers: who may call them', () => {
  const forgedSec = { type: 'jira:projectSettingsPage', project: { key: 'SEC', id: '10000', type: 'software' } };
  test('a plain user is refused everything, whatever context they send', async () => {
    const user = SIM_USERS.plainUser.accountId;
    for (const [key, payload] of [['projects/get', { projectKey: 'SEC' }], ['projects/delete', { projectKey: 'SEC' }], ['secret/rotate', {}], ['connection/get', {}], ['routing/save', {}], ['notifications/set', { url: SLACK_URL }]] as const) {
      const answer = await invoke(user, key, payload, forgedSec);
      expect(answer.body).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
  });

  test('the admin of another project, with a forged SEC context, cannot read, change or delete SEC', async () => {
    const appAdmin = SIM_USERS.appAdmin.accountId;
    for (const key of ['projects/get', 'projects/delete', 'jira/fields', 'mapping/preview']) {
      const answer = await invoke(appAdmin, key, { projectKey: 'SEC' }, forgedSec);
      expect(answer.body).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect((await invoke(appAdmin, 'secret/rotate', {}, forgedSec)).body).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const sec = await invoke(SIM_USERS.siteAdmin.accountId, 'projects/get', { projectKey: 'SEC' }, { type: 'jira:adminPage' }, 'backline-admin');
    expect(sec.body).toMatchObject({ ok: true });
  });
});

test('secrets never appear in logs, stored values, activity, errors or responses', async () => {
  // Produce errors and activity with the secrets around: a bad signature, a failing event, a Slack test.
  await send(env.runtime, created(uid('fnd_s')), { secret: 'wrong' });
  await deliver(env, created(uid('fnd_secret_scan')));
  await invoke(SIM_USERS.siteAdmin.accountId, 'notifications/test', {}, { type: 'jira:adminPage' }, 'backline-admin');
  await invoke(SIM_USERS.siteAdmin.accountId, 'connection/get', {}, { type: 'jira:adminPage' }, 'backline-admin');
  await env.runtime.waitForQueueIdle();
  env.runtime.host.kvs.flush();
  const doc = JSON.parse(fs.readFileSync(path.join(env.stateDir, 'kvs.json'), 'utf8')) as { kv: object; entities: object; secrets: Record<string, unknown> };
  const needles = [SECRET, 'XXXXsecretXXXXslackXXXX'];
  const haystacks: Array<[string, string]> = [
    ['logs', logged.join('\n')],
    ['kvs values and entities (activity included)', JSON.stringify({ kv: doc.kv, entities: doc.entities })],
    ['resolver responses', responses.join('\n')],
    ['queue', fs.existsSync(path.join(env.stateDir, 'queue.json')) ? fs.readFileSync(path.join(env.stateDir, 'queue.json'), 'utf8') : ''],
    ['Jira', JSON.stringify([...env.sim.state.issues.values()])],
  ];
  for (const [where, text] of haystacks) for (const needle of needles) expect({ where, leaked: text.includes(needle) }).toEqual({ where, leaked: false });
  // The secrets live only in the secret store.
  expect(JSON.stringify(doc.secrets)).toContain(SECRET);
  expect(JSON.stringify(doc.secrets)).toContain('XXXXsecretXXXXslackXXXX');
});
