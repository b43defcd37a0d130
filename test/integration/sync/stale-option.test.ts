/**
 * An option a mapping uses is removed in Jira while the app's create screen
 * cache still lists it: Jira refuses the write with the option's raw id
 * ("Option id '10021' is not valid"). The app reads the create screen again
 * once and plans anew, so the finding either gets its issue from a fallback
 * or fails with a message that names the field and the option.
 */
import { event, finding, setup } from './harness';

it('a removed option at event time: the error names the field and the option, not its id', async () => {
  const h = await setup();
  const [first] = await h.run(event('finding.created', { finding: finding('fnd_opt_1') })); // caches SEC's create screen
  expect(first?.status).toBe('created');
  await h.control('POST', '/_sim/fields', { field: 'Severity', removeOption: 'High' });

  const before = (await h.stats()).requests;
  const [result] = await h.run(event('finding.created', { finding: finding('fnd_opt_2') }));
  expect(result?.status).toBe('failed');
  expect(result?.error?.message).not.toMatch(/Option id/);
  expect(result?.error?.message).toMatch(/^Severity: "high" is not an allowed value of Severity.*\(allowed: Critical, Medium, Low, Info\)/);
  // The refused create and one fresh read of the create screen (the project, its issue type's fields): no second create.
  expect((await h.stats()).requests - before).toBe(3);
  expect((await h.issues()).filter((i) => i.properties?.backline?.findingIds?.includes?.('fnd_opt_2') || i.properties?.backline?.finding?.id === 'fnd_opt_2')).toEqual([]);
});
