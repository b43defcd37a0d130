/**
 * Under quota pressure the issues get Jira's points: the Security tab's submit of an event applied while
 * Jira says the hour's points are nearly spent is kept, not sent, and goes merged with the others once
 * the pressure is over (src/core/devops/sender.ts `holdSends`, outbox.ts). Through the engine and its hooks.
 */
import { DEVOPS_OUTBOX_PREFIX } from '../../../src/core/devops/outbox';
import { event, finding, leaveFortyPoints, setup } from '../sync/harness';

const SUBMIT = 'POST /rest/security/1.0/bulk';

it('a critical finding applied under pressure: its issue now, its Security tab submit kept; sent merged after the pressure', async () => {
  const h = await setup({ mode: 'inline' });
  await h.run(event('finding.created', { finding: finding('fnd_warm', { severity: 'medium' }) }));
  const submits = async () => (await h.stats()).byRoute[SUBMIT] ?? 0;
  const kept = async () => (await h.platform.store.list(DEVOPS_OUTBOX_PREFIX)).items.length;
  const before = await submits();
  expect(before).toBe(1);

  await leaveFortyPoints(h);
  const [critical] = await h.run(event('finding.created', { finding: finding('fnd_crit', { severity: 'critical' }) }));
  expect(critical?.status).toBe('created');
  expect(await submits()).toBe(before);
  expect(await kept()).toBe(1);

  // The next hour: the next event's submit, and the kept one with it.
  await h.control('POST', '/_sim/quota', { pointsPerHour: 1_000_000 });
  await h.run(event('finding.created', { finding: finding('fnd_after', { severity: 'high' }) }));
  expect(await submits()).toBe(before + 2);
  expect(await kept()).toBe(0);
  expect([...h.sim.devops.vulnerabilities.keys()].sort()).toEqual(['fnd_after', 'fnd_crit', 'fnd_warm']);
});
