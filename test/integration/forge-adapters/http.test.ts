/**
 * The HttpPoster adapter over @forge/api fetch. Locally the host's egress
 * stand-in redirects the manifest's declared host (hooks.slack.com) to a
 * receiver on 127.0.0.1, so the adapter runs unchanged, with its own check.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { installEgress, runInvocation } from '../../../dev/forge-host'; // before the adapter: @forge/api captures fetch at load
import { forgeHttpPoster } from '../../../src/forge/adapters/http';

const inInvocation = <T>(fn: () => Promise<T>) => runInvocation({ functionKey: 'consumer', moduleKey: 'c', invocationId: 'i' }, fn);

it('POSTs JSON to an allowed host and answers the status; refuses other hosts', async () => {
  const received: Array<{ method?: string; url?: string; type?: string; body: string }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, type: req.headers['content-type'], body });
      res.writeHead(req.url?.endsWith('/gone') ? 410 : 200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, resolve));
  const remove = installEgress({ allowedHosts: ['hooks.slack.com'], redirects: { 'hooks.slack.com': `http://127.0.0.1:${(server.address() as AddressInfo).port}` } });
  try {
    const poster = forgeHttpPoster();
    expect(await inInvocation(() => poster.postJson('https://hooks.slack.com/services/T1/B2/x', { text: 'SEC-1 created' }))).toBe(200);
    expect(await inInvocation(() => poster.postJson('https://hooks.slack.com/services/T1/B2/gone', {}))).toBe(410);
    expect(received[0]).toEqual({ method: 'POST', url: '/services/T1/B2/x', type: 'application/json', body: '{"text":"SEC-1 created"}' });
    await expect(inInvocation(() => poster.postJson('https://evil.example/hook', {}))).rejects.toThrow(/hooks\.slack\.com/);
  } finally {
    remove();
    await new Promise((resolve) => server.close(resolve));
  }
});

it('the host refuses egress the manifest does not declare, as Forge does: a 403 answer, nothing sent', async () => {
  let reached = 0;
  const server = http.createServer((_req, res) => {
    reached += 1;
    res.writeHead(200).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, resolve));
  const local = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const remove = installEgress({ allowedHosts: ['hooks.slack.com', '*.backline.ai'], redirects: { 'hooks.slack.com': local, '*.backline.ai': local } });
  try {
    // Plain fetch from app code (not the adapter, which checks first): undeclared, plain http, and a wildcard's parent domain.
    for (const url of ['https://evil.example/x', 'http://hooks.slack.com/services/x', 'https://backline.ai/events', local]) {
      const response = await inInvocation(() => fetch(url, { method: 'POST', body: '{}' }));
      expect({ url, status: response.status }).toEqual({ url, status: 403 });
      expect(((await response.json()) as { message: string }).message).toMatch(/not allowed: declare it in permissions\.external\.fetch\.backend/);
    }
    expect(reached).toBe(0);
    // Declared hosts, and a subdomain of a declared wildcard, go through.
    expect((await inInvocation(() => fetch('https://hooks.slack.com/services/x', { method: 'POST', body: '{}' }))).status).toBe(200);
    expect((await inInvocation(() => fetch('https://app.backline.ai/jira/events', { method: 'POST', body: '{}' }))).status).toBe(200);
    expect(reached).toBe(2);
  } finally {
    remove();
    await new Promise((resolve) => server.close(resolve));
  }
});
