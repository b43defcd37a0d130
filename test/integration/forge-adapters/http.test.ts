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
