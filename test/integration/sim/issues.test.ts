/** Field validation, screens, workflows, comments, remote links and properties, as Jira does them. */
import {
  SIM_COMPONENTS, SIM_FIELDS, SIM_OPTIONS, SIM_PRIORITIES, SIM_RESOLUTIONS, SIM_STATUSES, SIM_TRANSITIONS, SIM_USERS,
} from '../../../dev/jira-sim';
import { call, control, doc, makeSim, takeAdfViolations, vulnerability } from './helpers';

const sim = makeSim();
const R = '/rest/api/3';
const NOT_ON_SCREEN = (f: string): string => `Field '${f}' cannot be set. It is not on the appropriate screen, or unknown.`;

async function create(fields: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await call(sim, 'POST', `${R}/issue`, { ...vulnerability(fields), ...extra });
  expect(res.status).toBe(201);
  return res.body.key as string;
}

async function fieldsOf(key: string, fields = '*all'): Promise<Record<string, any>> {
  const res = await call(sim, 'GET', `${R}/issue/${key}?fields=${fields}`);
  expect(res.status).toBe(200);
  return res.body.fields;
}

async function createError(fields: Record<string, unknown>, type = 'Vulnerability', project = 'SEC'): Promise<{ status: number; body: any }> {
  const res = await call(sim, 'POST', `${R}/issue`, { fields: { project: { key: project }, issuetype: { name: type }, summary: 'S', ...fields } });
  return { status: res.status, body: res.body };
}

afterAll(async () => {
  // Nothing in this file may break the OpenAPI contract.
  expect((await control(sim, 'GET', 'violations')).body).toEqual([]);
});

describe('create: values by id or name, stored and returned in Jira shapes', () => {
  it('accepts every demo field and answers them back', async () => {
    const key = await create({
      description: doc('Details'),
      priority: { name: 'High' },
      labels: ['backline', 'sql-injection'],
      duedate: '2026-12-31',
      components: [{ name: 'API' }, { id: SIM_COMPONENTS.Web }],
      assignee: { accountId: SIM_USERS.secAdmin.accountId },
      [SIM_FIELDS.Severity]: { value: 'Critical' },
      [SIM_FIELDS.CVE]: 'CVE-2026-0001, CVE-2026-0002',
      [SIM_FIELDS.Repository]: 'acme/shop',
      [SIM_FIELDS.CVSS]: 9.8,
    });
    const f = await fieldsOf(key);
    expect(f.summary).toBe('SQL injection in /login');
    expect(f.priority).toMatchObject({ id: SIM_PRIORITIES.High, name: 'High' });
    expect(f.labels).toEqual(['backline', 'sql-injection']);
    expect(f.duedate).toBe('2026-12-31');
    expect(f.components.map((c: { name: string }) => c.name)).toEqual(['API', 'Web']);
    expect(f.assignee).toMatchObject({ accountId: SIM_USERS.secAdmin.accountId });
    expect(f.reporter).toMatchObject({ accountId: SIM_USERS.app.accountId });
    expect(f[SIM_FIELDS.Severity]).toMatchObject({ id: SIM_OPTIONS.Severity.Critical, value: 'Critical' });
    expect(f[SIM_FIELDS.CVSS]).toBe(9.8);
    expect(f.status).toMatchObject({ id: SIM_STATUSES.ToDo, name: 'To Do', statusCategory: { key: 'new' } });
    expect(f.resolution).toBeNull();
    expect(f.description).toEqual(doc('Details'));
  });

  it('defaults priority to Medium and accepts options and priorities by id', async () => {
    const key = await create({ [SIM_FIELDS.Severity]: { id: SIM_OPTIONS.Severity.Low } });
    const f = await fieldsOf(key, `priority,${SIM_FIELDS.Severity}`);
    expect(f.priority.name).toBe('Medium');
    expect(f[SIM_FIELDS.Severity].value).toBe('Low');
    expect(Object.keys(f).sort()).toEqual(['customfield_10010', 'priority']);
  });

  it('takes multi select, cascading select, date-time, user picker and multi-line text on SEC/Task', async () => {
    const res = await call(sim, 'POST', `${R}/issue`, {
      fields: {
        project: { id: '10000' }, issuetype: { name: 'Task' }, summary: 'All types',
        [SIM_FIELDS.Platforms]: [{ value: 'Linux' }, { id: SIM_OPTIONS.Platforms.macOS }],
        [SIM_FIELDS.Area]: { value: 'Backend', child: { value: 'Database' } },
        [SIM_FIELDS.DetectedAt]: '2026-11-28T10:15:00.000+0100',
        [SIM_FIELDS.Reviewer]: { accountId: SIM_USERS.plainUser.accountId },
        [SIM_FIELDS.Notes]: doc('one', 'two'),
      },
    });
    expect(res.status).toBe(201);
    const f = await fieldsOf(res.body.key);
    expect(f[SIM_FIELDS.Platforms].map((o: { value: string }) => o.value)).toEqual(['Linux', 'macOS']);
    expect(f[SIM_FIELDS.Area]).toMatchObject({ value: 'Backend', child: { value: 'Database', id: SIM_OPTIONS.Area['Backend/Database'] } });
    expect(f[SIM_FIELDS.DetectedAt]).toBe('2026-11-28T09:15:00.000+0000');
    expect(f[SIM_FIELDS.Reviewer].accountId).toBe(SIM_USERS.plainUser.accountId);
  });

  it('stores entity properties sent with the create', async () => {
    const key = await create({}, { properties: [{ key: 'backline', value: { findingId: 'f-props' } }] });
    const res = await call(sim, 'GET', `${R}/issue/${key}/properties/backline`);
    expect(res.body).toEqual({ key: 'backline', value: { findingId: 'f-props' } });
  });

  it('runs a transition sent with the create and reports it', async () => {
    const res = await call(sim, 'POST', `${R}/issue`, { ...vulnerability(), transition: { id: SIM_TRANSITIONS.StartProgress } });
    expect(res.status).toBe(201);
    expect(res.body.transition).toEqual({ status: 204, errorCollection: { errorMessages: [], errors: {} } });
    expect((await fieldsOf(res.body.key, 'status')).status.name).toBe('In Progress');
  });
});

describe('create: refusals with Jira status and error format', () => {
  it.each<[string, Record<string, unknown>, Record<string, string>]>([
    ['unknown priority', { priority: { name: 'Urgent' } }, { priority: "Specify a valid 'id' or 'name' for Priority" }],
    ['unknown option value', { [SIM_FIELDS.Severity]: { value: 'Severe' } }, { [SIM_FIELDS.Severity]: "Option value 'Severe' is not valid" }],
    ['unknown option id', { [SIM_FIELDS.Severity]: { id: '99999' } }, { [SIM_FIELDS.Severity]: "Option id '99999' is not valid" }],
    ['label with a space', { labels: ['sql injection'] }, { labels: "The label 'sql injection' contains spaces which is invalid." }],
    ['bad date', { duedate: '31/12/2026' }, { duedate: 'Error parsing date string: 31/12/2026' }],
    ['impossible date', { duedate: '2026-02-30' }, { duedate: 'Error parsing date string: 2026-02-30' }],
    ['number as string', { [SIM_FIELDS.CVSS]: '9.8' }, { [SIM_FIELDS.CVSS]: 'Operation value must be a number' }],
    ['unknown component', { components: [{ name: 'Backend' }] }, { components: "Component name 'Backend' is not valid" }],
    ['unknown user', { assignee: { accountId: 'nobody' } }, { assignee: 'Specified user does not exist or you do not have required permissions' }],
    ['unassignable user', { assignee: { accountId: SIM_USERS.plainUser.accountId } }, { assignee: "User 'Pat Plain' cannot be assigned issues." }],
    ['description as a string', { description: 'plain text' }, { description: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)' }],
    ['summary on two lines', { summary: 'a\nb' }, { summary: 'Summary must be a single line.' }],
    ['summary too long', { summary: 'x'.repeat(256) }, { summary: 'Summary must be less than 255 characters.' }],
    ['empty summary', { summary: '' }, { summary: 'You must specify a summary of the issue.' }],
    ['field not on the screen', { environment: doc('prod') }, { environment: NOT_ON_SCREEN('environment') }],
    ['custom field of another issue type', { [SIM_FIELDS.Team]: { value: 'Payments' } }, { [SIM_FIELDS.Team]: NOT_ON_SCREEN(SIM_FIELDS.Team) }],
    ['resolution on create', { resolution: { name: 'Fixed' } }, { resolution: NOT_ON_SCREEN('resolution') }],
  ])('%s', async (_name, fields, errors) => {
    const res = await createError(fields);
    expect(res).toEqual({ status: 400, body: { errorMessages: [], errors } });
    // A rich-text refusal is recorded as an ADF schema violation; the others are not.
    expect(takeAdfViolations(sim)).toHaveLength('description' in fields ? 1 : 0);
  });

  it.each<[string, unknown]>([
    ['unknown node type', { type: 'doc', version: 1, content: [{ type: 'marquee', content: [] }] }],
    ['empty text node', { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: '' }] }] }],
    ['javascript link', { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }] }] }] }],
    ['wrong version', { type: 'doc', version: 2, content: [] }],
    ['unknown mark', { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'blink' }] }] }] }],
  ])('invalid ADF (%s) → 400 errors.description', async (_name, description) => {
    const res = await createError({ description });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.errors)).toEqual(['description']);
    expect(takeAdfViolations(sim)).toEqual([{ method: 'POST', path: `${R}/issue`, problems: [res.body.errors.description] }]);
  });

  it('description over 32,767 characters → 400', async () => {
    const res = await createError({ description: doc('x'.repeat(32768)) });
    expect(res.body.errors.description).toMatch(/32,767/);
  });

  it('required custom field missing on APP/Bug → "Team is required."', async () => {
    const res = await createError({}, 'Bug', 'APP');
    expect(res).toEqual({ status: 400, body: { errorMessages: [], errors: { [SIM_FIELDS.Team]: 'Team is required.' } } });
    expect((await createError({ [SIM_FIELDS.Team]: { value: 'Identity' } }, 'Bug', 'APP')).status).toBe(201);
  });

  it('unknown project or issue type of the project', async () => {
    expect((await createError({}, 'Vulnerability', 'NOPE')).body.errors).toEqual({ project: 'Specify a valid project ID or key' });
    expect((await createError({}, 'Vulnerability', 'APP')).body.errors).toEqual({ issuetype: 'Specify a valid issue type' });
  });

  it('bulk create: ≤ 50, partial failures with failedElementNumber', async () => {
    const res = await call(sim, 'POST', `${R}/issue/bulk`, { issueUpdates: [vulnerability(), vulnerability({ priority: { name: 'Nope' } }), vulnerability()] });
    expect(res.status).toBe(201);
    expect(res.body.issues).toHaveLength(2);
    expect(res.body.errors).toEqual([{ status: 400, failedElementNumber: 1, elementErrors: { errorMessages: [], errors: { priority: "Specify a valid 'id' or 'name' for Priority" } } }]);
    const tooMany = await call(sim, 'POST', `${R}/issue/bulk`, { issueUpdates: Array.from({ length: 51 }, () => vulnerability()) });
    expect(tooMany.status).toBe(400);
  });
});

describe('edit', () => {
  it('sets fields and update operations; fields.updated moves on every write', async () => {
    const key = await create({ labels: ['backline'] });
    const before = (await fieldsOf(key, 'updated')).updated;
    const res = await call(sim, 'PUT', `${R}/issue/${key}?notifyUsers=false`, {
      fields: { summary: 'Renamed', [SIM_FIELDS.Severity]: { value: 'Info' } },
      update: { labels: [{ add: 'triaged' }, { remove: 'backline' }], components: [{ add: { name: 'Mobile' } }], comment: [{ add: { body: doc('Edited') } }] },
      properties: [{ key: 'backline', value: { rev: 2 } }],
    });
    expect(res.status).toBe(204);
    const f = await fieldsOf(key);
    expect(f.summary).toBe('Renamed');
    expect(f.labels).toEqual(['triaged']);
    expect(f.components.map((c: { name: string }) => c.name)).toEqual(['Mobile']);
    expect(f[SIM_FIELDS.Severity].value).toBe('Info');
    expect(f.comment.total).toBe(1);
    expect(f.updated > before).toBe(true);
    const again = await call(sim, 'PUT', `${R}/issue/${key}`, { fields: { summary: 'Again' } });
    expect(again.status).toBe(204);
    expect((await fieldsOf(key, 'updated')).updated > f.updated).toBe(true);
  });

  it('refuses fields off the edit screen, clearing required fields and bad values', async () => {
    const key = await create();
    expect((await call(sim, 'PUT', `${R}/issue/${key}`, { fields: { resolution: { name: 'Fixed' } } })).body).toEqual({ errorMessages: [], errors: { resolution: NOT_ON_SCREEN('resolution') } });
    expect((await call(sim, 'PUT', `${R}/issue/${key}`, { fields: { summary: null } })).body.errors).toEqual({ summary: 'You must specify a summary of the issue.' });
    expect((await call(sim, 'PUT', `${R}/issue/${key}`, { fields: { duedate: 'tomorrow' } })).status).toBe(400);
  });

  it('returns the issue with returnIssue=true', async () => {
    const key = await create();
    const res = await call(sim, 'PUT', `${R}/issue/${key}?returnIssue=true`, { fields: { priority: { id: SIM_PRIORITIES.Lowest } } });
    expect(res.status).toBe(200);
    expect(res.body.fields.priority.name).toBe('Lowest');
  });

  it('404 for a missing issue, 403 for a user without edit permission', async () => {
    expect((await call(sim, 'PUT', `${R}/issue/SEC-9999`, { fields: { summary: 'x' } })).status).toBe(404);
    const key = await create();
    expect((await call(sim, 'PUT', `${R}/issue/${key}`, { fields: { summary: 'x' } }, { as: SIM_USERS.plainUser.accountId })).status).toBe(403);
  });
});

describe('workflow', () => {
  it('lists transitions from the current status with screen fields when expanded', async () => {
    const key = await create();
    const plain = await call(sim, 'GET', `${R}/issue/${key}/transitions`);
    expect(plain.body.transitions.map((t: { id: string }) => t.id)).toEqual([SIM_TRANSITIONS.StartProgress]);
    expect(plain.body.transitions[0].fields).toBeUndefined();
    await call(sim, 'POST', `${R}/issue/${key}/transitions`, { transition: { id: SIM_TRANSITIONS.StartProgress } });
    const inProgress = await call(sim, 'GET', `${R}/issue/${key}/transitions`);
    expect(inProgress.body.transitions.map((t: { name: string }) => t.name)).toEqual(['Request review', 'Stop progress']);
    await call(sim, 'POST', `${R}/issue/${key}/transitions`, { transition: { id: SIM_TRANSITIONS.RequestReview } });
    const inReview = await call(sim, 'GET', `${R}/issue/${key}/transitions?expand=transitions.fields`);
    const done = inReview.body.transitions[0];
    expect(done).toMatchObject({ id: SIM_TRANSITIONS.Done, name: 'Done', hasScreen: true, to: { name: 'Done', statusCategory: { key: 'done' } } });
    expect(done.fields.resolution).toMatchObject({ required: true, name: 'Resolution', schema: { type: 'resolution', system: 'resolution' } });
    expect(done.fields.resolution.allowedValues.map((r: { name: string }) => r.name)).toEqual(['Fixed', "Won't Fix", 'Duplicate', 'Done']);
  });

  it('refuses an illegal transition, a missing resolution and fields off the transition screen', async () => {
    const key = await create();
    const illegal = await call(sim, 'POST', `${R}/issue/${key}/transitions`, { transition: { id: SIM_TRANSITIONS.Done } });
    expect(illegal).toMatchObject({ status: 400, body: { errorMessages: [`Transition id '${SIM_TRANSITIONS.Done}' is not valid for this issue.`], errors: {} } });
    await call(sim, 'POST', `${R}/issue/${key}/transitions`, { transition: { id: SIM_TRANSITIONS.StartProgress } });
    const offScreen = await call(sim, 'POST', `${R}/issue/${key}/transitions`, { transition: { id: SIM_TRANSITIONS.RequestReview }, fields: { resolution: { name: 'Fixed' } } });
    expect(offScreen.body).toEqual({ errorMessages: [], errors: { resolution: NOT_ON_SCREEN('resolution') } });
    await call(sim, 'POST', `${R}/issue/${key}/transitions`, { transition: { id: SIM_TRANSITIONS.RequestReview } });
    const missing = await call(sim, 'POST', `${R}/issue/${key}/transitions`, { transition: { id: SIM_TRANSITIONS.Done } });
    expect(missing).toMatchObject({ status: 400, body: { errorMessages: [], errors: { resolution: 'Resolution is required.' } } });
    const badName = await call(sim, 'POST', `${R}/issue/${key}/transitions`, { transition: { id: SIM_TRANSITIONS.Done }, fields: { resolution: { name: 'Fixed it' } } });
    expect(badName.status).toBe(400);
    expect((await fieldsOf(key, 'status')).status.name).toBe('In Review');
  });

  it('resolves on Done (by name or id, with a comment) and clears the resolution on reopen', async () => {
    const key = await create();
    for (const id of [SIM_TRANSITIONS.StartProgress, SIM_TRANSITIONS.RequestReview]) {
      expect((await call(sim, 'POST', `${R}/issue/${key}/transitions`, { transition: { id } })).status).toBe(204);
    }
    const done = await call(sim, 'POST', `${R}/issue/${key}/transitions`, {
      transition: { id: SIM_TRANSITIONS.Done },
      fields: { resolution: { name: 'Fixed' } },
      update: { comment: [{ add: { body: doc('Fixed by PR #12') } }] },
      properties: [{ key: 'backline', value: { state: 'resolved' } }],
    });
    expect(done.status).toBe(204);
    let f = await fieldsOf(key, 'status,resolution,resolutiondate,comment');
    expect(f.status.name).toBe('Done');
    expect(f.resolution).toMatchObject({ id: SIM_RESOLUTIONS.Fixed, name: 'Fixed' });
    expect(f.resolutiondate).toEqual(expect.any(String));
    expect(f.comment.comments[0].body).toEqual(doc('Fixed by PR #12'));
    await call(sim, 'POST', `${R}/issue/${key}/transitions`, { transition: { id: SIM_TRANSITIONS.Reopen } });
    f = await fieldsOf(key, 'status,resolution,resolutiondate');
    expect(f).toEqual({ status: expect.objectContaining({ name: 'To Do' }), resolution: null, resolutiondate: null });
    // By id too.
    for (const id of [SIM_TRANSITIONS.StartProgress, SIM_TRANSITIONS.RequestReview]) await call(sim, 'POST', `${R}/issue/${key}/transitions`, { transition: { id } });
    expect((await call(sim, 'POST', `${R}/issue/${key}/transitions`, { transition: { id: SIM_TRANSITIONS.Done }, fields: { resolution: { id: SIM_RESOLUTIONS.WontFix } } })).status).toBe(204);
    expect((await fieldsOf(key, 'resolution')).resolution.name).toBe("Won't Fix");
  });
});

describe('comments, remote links, properties', () => {
  it('adds and lists comments (ADF only)', async () => {
    const key = await create();
    const added = await call(sim, 'POST', `${R}/issue/${key}/comment`, { body: doc('First') });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ id: expect.any(String), body: doc('First'), author: { accountId: SIM_USERS.app.accountId } });
    expect((await call(sim, 'POST', `${R}/issue/${key}/comment`, { body: 'plain' })).status).toBe(400);
    expect(takeAdfViolations(sim)).toHaveLength(1);
    const list = await call(sim, 'GET', `${R}/issue/${key}/comment`);
    expect(list.body).toMatchObject({ startAt: 0, total: 1, comments: [{ id: added.body.id }] });
  });

  it('upserts remote links by globalId (201 then 200, same id)', async () => {
    const key = await create();
    const link = (title: string): Record<string, unknown> => ({ globalId: 'backline:pr:acme/shop#7', application: { type: 'com.backline', name: 'Backline' }, relationship: 'fixed by', object: { url: 'https://github.com/acme/shop/pull/7', title } });
    const first = await call(sim, 'POST', `${R}/issue/${key}/remotelink`, link('PR #7'));
    const second = await call(sim, 'POST', `${R}/issue/${key}/remotelink`, link('PR #7 (merged)'));
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    const other = await call(sim, 'POST', `${R}/issue/${key}/remotelink`, { object: { url: 'https://example.com', title: 'No globalId' } });
    expect(other.status).toBe(201);
    const list = await call(sim, 'GET', `${R}/issue/${key}/remotelink`);
    expect(list.body).toHaveLength(2);
    expect(list.body[0].object.title).toBe('PR #7 (merged)');
    expect((await call(sim, 'DELETE', `${R}/issue/${key}/remotelink?globalId=${encodeURIComponent('backline:pr:acme/shop#7')}`)).status).toBe(204);
    expect((await call(sim, 'GET', `${R}/issue/${key}/remotelink`)).body).toHaveLength(1);
  });

  it('sets (201 then 200), reads, lists and deletes properties; refuses values over 32 KB', async () => {
    const key = await create();
    expect((await call(sim, 'PUT', `${R}/issue/${key}/properties/backline`, { findingId: 'f-9' })).status).toBe(201);
    expect((await call(sim, 'PUT', `${R}/issue/${key}/properties/backline`, { findingId: 'f-9', rev: 2 })).status).toBe(200);
    expect((await call(sim, 'GET', `${R}/issue/${key}?fields=summary&properties=backline`)).body.properties).toEqual({ backline: { findingId: 'f-9', rev: 2 } });
    expect((await call(sim, 'GET', `${R}/issue/${key}/properties`)).body.keys.map((k: { key: string }) => k.key)).toEqual(['backline']);
    expect((await call(sim, 'PUT', `${R}/issue/${key}/properties/big`, { blob: 'x'.repeat(33000) })).status).toBe(400);
    expect((await call(sim, 'DELETE', `${R}/issue/${key}/properties/backline`)).status).toBe(204);
    expect((await call(sim, 'GET', `${R}/issue/${key}/properties/backline`)).status).toBe(404);
  });
});

describe('permissions per caller', () => {
  it('myself and mypermissions answer for the caller', async () => {
    expect((await call(sim, 'GET', `${R}/myself`, undefined, { as: SIM_USERS.secAdmin.accountId })).body.accountId).toBe(SIM_USERS.secAdmin.accountId);
    const ask = async (who: string, project: string): Promise<Record<string, boolean>> => {
      const res = await call(sim, 'GET', `${R}/mypermissions?projectKey=${project}&permissions=ADMINISTER,ADMINISTER_PROJECTS,BROWSE_PROJECTS`, undefined, { as: who });
      return Object.fromEntries(Object.entries(res.body.permissions as Record<string, { havePermission: boolean }>).map(([k, v]) => [k, v.havePermission]));
    };
    expect(await ask(SIM_USERS.siteAdmin.accountId, 'APP')).toEqual({ ADMINISTER: true, ADMINISTER_PROJECTS: true, BROWSE_PROJECTS: true });
    expect(await ask(SIM_USERS.secAdmin.accountId, 'SEC')).toEqual({ ADMINISTER: false, ADMINISTER_PROJECTS: true, BROWSE_PROJECTS: true });
    expect(await ask(SIM_USERS.secAdmin.accountId, 'APP')).toEqual({ ADMINISTER: false, ADMINISTER_PROJECTS: false, BROWSE_PROJECTS: true });
    expect(await ask(SIM_USERS.appAdmin.accountId, 'APP')).toEqual({ ADMINISTER: false, ADMINISTER_PROJECTS: true, BROWSE_PROJECTS: true });
    expect(await ask(SIM_USERS.plainUser.accountId, 'SEC')).toEqual({ ADMINISTER: false, ADMINISTER_PROJECTS: false, BROWSE_PROJECTS: true });
    expect((await call(sim, 'GET', `${R}/mypermissions?projectKey=SEC`)).status).toBe(400);
    expect((await call(sim, 'GET', `${R}/myself`, undefined, { as: 'nobody' })).status).toBe(401);
  });

  it('permissions/check answers grants for the given account', async () => {
    const res = await call(sim, 'POST', `${R}/permissions/check`, {
      accountId: SIM_USERS.appAdmin.accountId,
      globalPermissions: ['ADMINISTER'],
      projectPermissions: [{ permissions: ['ADMINISTER_PROJECTS', 'BROWSE_PROJECTS'], projects: [10000, 10001] }],
    });
    expect(res.body).toEqual({
      globalPermissions: [],
      projectPermissions: [
        { permission: 'ADMINISTER_PROJECTS', projects: [10001], issues: [] },
        { permission: 'BROWSE_PROJECTS', projects: [10000, 10001], issues: [] },
      ],
    });
  });

  it('user/search finds by name or email', async () => {
    const byEmail = await call(sim, 'GET', `${R}/user/search?query=sam.security@`);
    expect(byEmail.body.map((u: { accountId: string }) => u.accountId)).toEqual([SIM_USERS.secAdmin.accountId]);
    const byName = await call(sim, 'GET', `${R}/user/search?query=a`);
    expect(byName.body.length).toBeGreaterThanOrEqual(3);
  });

  it('user/assignable/search lists only the users who may be assigned issues in the project', async () => {
    const sec = await call(sim, 'GET', `${R}/user/assignable/search?project=SEC&query=a`);
    expect(sec.status).toBe(200);
    const ids = sec.body.map((u: { accountId: string }) => u.accountId);
    expect(ids).toContain(SIM_USERS.secAdmin.accountId);
    expect(ids).not.toContain(SIM_USERS.appAdmin.accountId);
    expect(ids).not.toContain(SIM_USERS.plainUser.accountId);
    expect(ids).not.toContain(SIM_USERS.app.accountId);
    const one = await call(sim, 'GET', `${R}/user/assignable/search?project=SEC&accountId=${encodeURIComponent(SIM_USERS.secAdmin.accountId)}`);
    expect(one.body).toEqual([expect.objectContaining({ accountId: SIM_USERS.secAdmin.accountId, displayName: expect.any(String) })]);
    expect((await call(sim, 'GET', `${R}/user/assignable/search?query=a`)).status).toBe(400);
    expect((await call(sim, 'GET', `${R}/user/assignable/search?project=NOPE`)).status).toBe(404);
  });
});
