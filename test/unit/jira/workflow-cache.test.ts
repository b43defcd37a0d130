/** The workflow graph cache (src/core/jira/workflow.ts): what parallel invocations learn is kept together. */
import { WorkflowCache, workflowCacheKey, type KnownTransition } from '../../../src/core/jira/workflow';
import { FakeClock, MemoryStore } from '../../fakes';

const hop = (id: string, to: string): KnownTransition => ({ id, name: `to ${to}`, toStatusId: to, hasScreen: false, screenFieldIds: [], required: [] });

it('two invocations learning different statuses of one workflow at once: the stored graph keeps both, and the initial status', async () => {
  const clock = new FakeClock();
  const store = new MemoryStore();
  const first = new WorkflowCache(store, clock);
  const second = new WorkflowCache(store, clock);
  // Both read the empty cache before either writes (a queue's parallel deliveries).
  const a = await first.get('SEC', '10001');
  const b = await second.get('SEC', '10001');
  first.learnInitial('SEC', '10001', a, '1');
  first.learn('SEC', '10001', a, '1', [hop('11', '3')]);
  second.learn('SEC', '10001', b, '3', [hop('31', '5')]);
  await first.flush();
  await second.flush();
  const stored = await new WorkflowCache(store, clock).get('SEC', '10001');
  expect(stored.initialStatusId).toBe('1');
  expect(Object.keys(stored.edges).sort()).toEqual(['1', '3']);

  // A status one invocation forgets (its transitions changed) is forgotten in the stored graph too.
  const third = new WorkflowCache(store, clock);
  const c = await third.get('SEC', '10001');
  third.forget('SEC', '10001', c, '3');
  await third.flush();
  expect(Object.keys((await new WorkflowCache(store, clock).get('SEC', '10001')).edges)).toEqual(['1']);
  expect(await store.get(workflowCacheKey('SEC', '10001'))).toMatchObject({ initialStatusId: '1' });
});
