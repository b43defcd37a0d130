import { JiraMetadata } from '../../../src/core/jira/metadata';
import { parseCreateMetaField } from '../../../src/core/jira/create-meta';
import { UserDirectory } from '../../../src/core/mapping/users';
import type { JiraRequest, JiraResponse, JiraTransport } from '../../../src/core/ports';
import { FakeClock, MemoryStore } from '../../fakes';

/** Answers by path prefix; records every request. */
class ScriptedJira implements JiraTransport {
  readonly requests: JiraRequest[] = [];
  constructor(private readonly answer: (request: JiraRequest) => unknown) {}
  async request(request: JiraRequest): Promise<JiraResponse> {
    this.requests.push(request);
    return { status: 200, headers: {}, body: this.answer(request) };
  }
}

/** A field as the Jira Cloud docs show it for GET /issue/createmeta/{p}/issuetypes/{id}. */
const docsField = (i: number) => ({
  required: i === 0,
  schema: { type: 'option', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:select', customId: 10000 + i },
  name: `Field ${i}`,
  key: `customfield_${10000 + i}`,
  fieldId: `customfield_${10000 + i}`,
  hasDefaultValue: false,
  operations: ['set'],
  allowedValues: [{ self: 'https://x/rest/api/3/customFieldOption/1', value: 'One', id: 1 }],
});

describe('parseCreateMetaField', () => {
  it('is lenient: numeric ids become strings, unknown properties are ignored, broken fields are dropped', () => {
    expect(parseCreateMetaField({ ...docsField(0), autoCompleteUrl: 'x', configuration: {} })).toEqual({
      fieldId: 'customfield_10000',
      key: 'customfield_10000',
      name: 'Field 0',
      required: true,
      schema: { type: 'option', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:select', customId: 10000 },
      allowedValues: [{ self: 'https://x/rest/api/3/customFieldOption/1', value: 'One', id: '1' }],
      hasDefaultValue: false,
      operations: ['set'],
    });
    expect(parseCreateMetaField({ name: 'no id', schema: { type: 'string' } })).toBeUndefined();
    expect(parseCreateMetaField({ fieldId: 'x', name: 'X', schema: { type: 'string' } })).toMatchObject({ key: 'x', required: false });
  });
});

describe('JiraMetadata', () => {
  it('follows createmeta pagination and reads the project id once', async () => {
    const fields = Array.from({ length: 120 }, (_, i) => docsField(i));
    const jira = new ScriptedJira((request) => {
      if (request.path.startsWith('/rest/api/3/project/')) return { id: '10000', key: 'SEC', name: 'Security' };
      const startAt = Number(new URL(`http://x${request.path}`).searchParams.get('startAt'));
      return { fields: fields.slice(startAt, startAt + 50), startAt, maxResults: 50, total: fields.length };
    });
    const clock = new FakeClock();
    const meta = await new JiraMetadata(jira, new MemoryStore({ clock }), clock).getCreateMeta('SEC', '10003');
    expect(meta.fields).toHaveLength(120);
    expect(meta.projectId).toBe('10000');
    expect(jira.requests.map((r) => r.path)).toEqual([
      '/rest/api/3/issue/createmeta/SEC/issuetypes/10003?startAt=0&maxResults=50',
      '/rest/api/3/issue/createmeta/SEC/issuetypes/10003?startAt=50&maxResults=50',
      '/rest/api/3/issue/createmeta/SEC/issuetypes/10003?startAt=100&maxResults=50',
      '/rest/api/3/project/SEC',
    ]);
  });

  it('refresh bypasses both caches', async () => {
    const jira = new ScriptedJira((request) => (request.path.startsWith('/rest/api/3/project/') ? { id: '1', key: 'SEC', name: 'S' } : { fields: [docsField(0)], total: 1 }));
    const clock = new FakeClock();
    const metadata = new JiraMetadata(jira, new MemoryStore({ clock }), clock);
    await metadata.getCreateMeta('SEC', '1');
    const count = jira.requests.length;
    await metadata.getCreateMeta('SEC', '1', { refresh: true });
    expect(jira.requests.length).toBe(count + 1);
  });
});

describe('UserDirectory', () => {
  it('accepts only an exact, active, human email match and caches hits and misses with their TTLs', async () => {
    const jira = new ScriptedJira(() => [
      { accountId: 'app-1', emailAddress: 'bot@acme.test', accountType: 'app' },
      { accountId: 'u-2', emailAddress: 'dev@acme.test.example', accountType: 'atlassian' },
      { accountId: 'u-1', emailAddress: 'Dev@Acme.test', accountType: 'atlassian', active: true },
    ]);
    const clock = new FakeClock();
    const store = new MemoryStore({ clock });
    expect(await new UserDirectory(jira, store, clock).lookupByEmail('dev@acme.test')).toBe('u-1');
    expect(await new UserDirectory(jira, store, clock).lookupByEmail('bot@acme.test')).toBeUndefined();
    expect(jira.requests).toHaveLength(2);
    expect(jira.requests[0].path).toBe('/rest/api/3/user/search?query=dev%40acme.test&maxResults=10');
    // Cached: no new search, within TTL; stored under a hash, never the address.
    expect(await new UserDirectory(jira, store, clock).lookupByEmail('DEV@acme.test')).toBe('u-1');
    expect(await new UserDirectory(jira, store, clock).lookupByEmail('bot@acme.test')).toBeUndefined();
    expect(jira.requests).toHaveLength(2);
    const keys = (await store.list('cache:user:')).items.map((e) => e.key);
    expect(keys.join(' ')).not.toContain('acme');
    // A miss is retried after an hour; a hit lasts a day.
    clock.advance(61 * 60 * 1000);
    await new UserDirectory(jira, store, clock).lookupByEmail('bot@acme.test');
    await new UserDirectory(jira, store, clock).lookupByEmail('dev@acme.test');
    expect(jira.requests).toHaveLength(3);
  });
});
