/**
 * `outboundEventJiraRequests`: the Jira requests one outbound event costs the
 * app (target 0). A person moves an issue through the simulator; everything the
 * app then does (trigger, coalescing wait, signed POST to the Backline stand-in)
 * is measured, and the person's own request is taken off the count.
 */
import { SIM_USERS } from '../dev/jira-sim/seed';
import { setOutboundEndpoint } from '../src/core/outbound/settings';
import { type Bench, event, finding, newFindingId } from './harness';

export async function measureOutbound(bench: Bench, log: (line: string) => void): Promise<{ requests: number; delivered: number }> {
  log('outbound: a person closes an issue, the app tells Backline');
  const runtime = bench.runtime;
  await runtime.withPlatform((platform) => setOutboundEndpoint(platform.store, 'https://hooks.backline.ai/jira/events', { accountId: SIM_USERS.siteAdmin.accountId, at: new Date() }));
  const sent = await bench.send(event('finding.created', { finding: finding(newFindingId('fnd_outbound')) }));
  const key = sent.body.results?.[0]?.issues?.[0]?.key;
  if (!key) throw new Error('outbound bench: the finding made no issue');
  await runtime.waitForQueueIdle();
  runtime.backline.reset();
  const asPerson = { 'content-type': 'application/json', 'x-sim-account-id': SIM_USERS.secAdmin.accountId };
  const list = (await (await fetch(`${runtime.url}/jira/rest/api/3/issue/${key}/transitions`, { headers: asPerson })).json()) as { transitions: Array<{ id: string; to: { name: string } }> };
  const target = list.transitions.find((t) => t.to.name === 'In Progress') ?? list.transitions[0];
  if (!target) throw new Error(`outbound bench: ${key} has no transition`);
  const { delta } = await bench.measure(
    async () => {
      const response = await fetch(`${runtime.url}/jira/rest/api/3/issue/${key}/transitions`, { method: 'POST', headers: asPerson, body: JSON.stringify({ transition: { id: target.id } }) });
      if (response.status !== 204) throw new Error(`outbound bench: transition answered ${response.status}`);
    },
    { idle: true },
  );
  return { requests: delta.requests - 1, delivered: runtime.backline.inbox.filter((e) => e.signatureValid).length };
}
