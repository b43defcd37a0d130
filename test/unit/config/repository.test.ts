import { demoSecProjectConfig } from '../../../dev/demo-config';
import { EMPTY_GLOBAL_SETTINGS } from '../../../src/core/config/model';
import { ConfigRepository } from '../../../src/core/config/repository';
import { CodedError } from '../../../src/core/errors';
import { FakeClock, MemoryStore } from '../../fakes';
import { SEC_STATUSES, secVulnerabilityMeta } from '../mapping/fixtures';

function setup() {
  const clock = new FakeClock();
  const store = new MemoryStore({ clock });
  return { clock, store, repo: new ConfigRepository(store, clock) };
}
const sec = () => demoSecProjectConfig(secVulnerabilityMeta(), SEC_STATUSES);

describe('ConfigRepository', () => {
  it('saves a project under config:project:<KEY> with who and when, and reads it back', async () => {
    const { store, repo } = setup();
    expect(await repo.hasAnyProject()).toBe(false);
    const saved = await repo.saveProject(sec(), '557058:sim-sec-admin');
    expect(saved.updatedAt).toBe('2026-11-28T10:00:00.000Z');
    expect(saved.updatedBy).toBe('557058:sim-sec-admin');
    expect(await store.get('config:project:SEC')).toEqual(saved);
    const fresh = new ConfigRepository(store, new FakeClock());
    expect(await fresh.getProject('SEC')).toEqual(saved);
    expect(await fresh.hasAnyProject()).toBe(true);
    expect((await fresh.listProjects()).map((p) => p.projectKey)).toEqual(['SEC']);
  });

  it('refuses to save an invalid configuration, naming the problem', async () => {
    const { repo, store } = setup();
    const bad = { ...sec(), projectKey: 'sec lower' };
    await expect(repo.saveProject(bad)).rejects.toMatchObject({ code: 'INVALID_INPUT', details: [expect.objectContaining({ path: 'projectKey' })] });
    expect(await store.get('config:project:sec lower')).toBeUndefined();
  });

  it('reports a stored value that fails validation instead of using it', async () => {
    const { repo, store } = setup();
    await store.set('config:project:SEC', { ...sec(), fields: 'garbage' });
    const error = await repo.getProject('SEC').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodedError);
    expect((error as CodedError).message).toContain('config:project:SEC is not valid');
    expect((error as CodedError).details?.[0]?.path).toBe('fields');
    await expect(repo.listProjects()).rejects.toThrow('config:project:SEC is not valid');
  });

  it('lists projects with one list call and memoises for the invocation', async () => {
    const { repo, store } = setup();
    await repo.saveProject(sec());
    await repo.saveProject({ ...sec(), projectKey: 'APP', projectId: '10001' });
    const reads = store.stats.reads + store.stats.queries;
    const fresh = new ConfigRepository(store, new FakeClock());
    expect((await fresh.listProjects()).map((p) => p.projectKey)).toEqual(['APP', 'SEC']);
    await fresh.listProjects();
    await fresh.getProject('SEC');
    expect(store.stats.reads + store.stats.queries - reads).toBe(1);
    await fresh.deleteProject('APP');
    expect((await fresh.listProjects()).map((p) => p.projectKey)).toEqual(['SEC']);
    expect(await store.get('config:project:APP')).toBeUndefined();
  });

  it('global settings: empty before the first save, validated on save and read', async () => {
    const { repo, store } = setup();
    expect(await repo.getGlobal()).toEqual(EMPTY_GLOBAL_SETTINGS);
    const saved = await repo.saveGlobal({ version: 1, routingRules: [{ id: 'r1', name: 'Payments', projectKey: 'SEC', enabled: true, match: { repository: 'acme/payments-*' } }], defaultProjectKey: 'SEC' }, 'u1');
    expect(await store.get('config:global')).toEqual(saved);
    expect(await new ConfigRepository(store, new FakeClock()).getGlobal()).toEqual(saved);
    await expect(repo.saveGlobal({ version: 1, routingRules: [{ id: '', name: 'x', projectKey: 'SEC', enabled: true, match: {} }] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await store.set('config:global', { version: 99 });
    await expect(new ConfigRepository(store, new FakeClock()).getGlobal()).rejects.toThrow('config:global is not valid');
  });
});
