/**
 * The fill-if-empty write policy against the simulator: a value the app never
 * wrote goes into a field only while that field is empty in Jira, so triage done
 * by a person is never overwritten; and the check costs one read, only when such
 * a value is new.
 */
import { ConfigRepository } from '../../../src/core/config/repository';
import { simTransport } from '../../fakes';
import { event, finding, setup } from './harness';

const at = (minute: number) => `2026-11-28T10:${String(minute).padStart(2, '0')}:00Z`;

/** SEC with components mapped from `finding.component` under `fill-if-empty` (the default for components). */
async function setupWithComponents() {
  const h = await setup();
  const repo = new ConfigRepository(h.platform.store, h.platform.clock);
  const sec = await repo.getProject('SEC');
  if (!sec) throw new Error('demo SEC configuration missing');
  await repo.saveProject({
    ...sec,
    fields: [...sec.fields, { fieldId: 'components', fieldName: 'Components', sources: [{ kind: 'backline', path: 'finding.component' }], writePolicy: 'fill-if-empty' }],
  });
  // A person editing the issue in Jira (not through the app's counted transport).
  const person = simTransport(h.sim, '557058:sim-sec-admin');
  const setComponents = async (key: string, names: string[]) => {
    const response = await person.request({ method: 'PUT', path: `/rest/api/3/issue/${key}`, body: { fields: { components: names.map((name) => ({ name })) } } });
    expect(response.status).toBe(204);
  };
  const components = async (key: string): Promise<string[]> => {
    const response = await person.request({ method: 'GET', path: `/rest/api/3/issue/${key}?fields=components` });
    return ((response.body as { fields: { components?: Array<{ name: string }> | null } }).fields.components ?? []).map((c) => c.name);
  };
  /** Runs one event; answers its result and the Jira requests it cost, by route. */
  const step = async (e: Parameters<typeof h.run>[0]) => {
    const before = h.counting.count;
    const statsBefore = await h.stats();
    const [result] = await h.run(e);
    const statsAfter = await h.stats();
    const reads = Object.entries(statsAfter.byRoute).filter(([route, n]) => route.startsWith('GET') && n > (statsBefore.byRoute[route] ?? 0));
    return { result: result, requests: h.counting.count - before, reads: reads.map(([route]) => route) };
  };
  return { h, setComponents, components, step };
}

describe('fill-if-empty', () => {
  it('fills a field that is still empty in Jira when Backline first has a value (one read of just that field, then the edit)', async () => {
    const { components, step } = await setupWithComponents();
    const created = await step(event('finding.created', { finding: finding('fnd_fill') }, at(0)));
    expect(created.result.status).toBe('created');
    const key = created.result.issues![0].key;
    expect(await components(key)).toEqual([]);

    const updated = await step(event('finding.updated', { finding: finding('fnd_fill', { component: 'API' }) }, at(1)));
    expect(updated.result.status).toBe('updated');
    expect(await components(key)).toEqual(['API']);
    expect(updated.requests).toBe(2); // GET issue?fields=components + PUT issue
    expect(updated.reads).toHaveLength(1);

    // Written by the app now: the field is the team's; a later Backline value is not written, and nothing is read.
    const changed = await step(event('finding.updated', { finding: finding('fnd_fill', { component: 'Web' }) }, at(2)));
    expect(changed.requests).toBe(0);
    expect(await components(key)).toEqual(['API']);
  });

  it('leaves a field a person filled in Jira alone, and reads Jira again only when Backline’s value changes', async () => {
    const { components, setComponents, step } = await setupWithComponents();
    const created = await step(event('finding.created', { finding: finding('fnd_human') }, at(0)));
    const key = created.result.issues![0].key;
    await setComponents(key, ['Web']);

    const first = await step(event('finding.updated', { finding: finding('fnd_human', { component: 'API' }) }, at(1)));
    expect(await components(key)).toEqual(['Web']);
    expect(first.result.status).toBe('unchanged');
    expect(first.requests).toBe(1); // the read; no write
    expect(first.reads).toEqual([expect.stringMatching(/^GET .*issue/)]);

    // Same Backline value again: known to be taken, no read.
    const again = await step(event('finding.updated', { finding: finding('fnd_human', { component: 'API' }) }, at(2)));
    expect(again.requests).toBe(0);
    expect(await components(key)).toEqual(['Web']);

    // The person clears the field; Backline's value changes: read again, now empty, so it is filled.
    await setComponents(key, []);
    const later = await step(event('finding.updated', { finding: finding('fnd_human', { component: 'Mobile' }) }, at(3)));
    expect(later.requests).toBe(2);
    expect(await components(key)).toEqual(['Mobile']);
  });

  it('writes a value Backline had at create time once, and never reads Jira for it afterwards', async () => {
    const { components, setComponents, step } = await setupWithComponents();
    const created = await step(event('finding.created', { finding: finding('fnd_at_create', { component: 'API' }) }, at(0)));
    const key = created.result.issues![0].key;
    expect(await components(key)).toEqual(['API']);
    await setComponents(key, ['Web']);
    const updated = await step(event('finding.updated', { finding: finding('fnd_at_create', { component: 'Mobile', title: 'Prototype Pollution in lodash (renamed)' }) }, at(1)));
    expect(updated.requests).toBe(1); // the summary edit only: no read for components
    expect(await components(key)).toEqual(['Web']);
  });

  it('a stale event neither reads nor fills', async () => {
    const { components, step } = await setupWithComponents();
    const created = await step(event('finding.created', { finding: finding('fnd_stale') }, at(5)));
    const key = created.result.issues![0].key;
    const stale = await step(event('finding.updated', { finding: finding('fnd_stale', { component: 'API' }) }, at(1)));
    expect(stale.result.status).toBe('stale');
    expect(stale.requests).toBe(0);
    expect(await components(key)).toEqual([]);
  });
});
