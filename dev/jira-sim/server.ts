/** A node:http server around the simulator, for tests and standalone use. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JiraSimulator, type JiraSimulatorOptions } from './simulator';

export interface JiraSimulatorServer {
  /** The simulator's base URL, e.g. `http://127.0.0.1:53211/jira`. */
  url: string;
  simulator: JiraSimulator;
  close(): Promise<void>;
}

/** Converts a node request to a WHATWG Request. */
export async function toFetchRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) v.forEach((x) => headers.append(k, x));
    else if (v !== undefined) headers.set(k, v);
  }
  const method = req.method ?? 'GET';
  const body = chunks.length && method !== 'GET' && method !== 'HEAD' ? Buffer.concat(chunks) : undefined;
  return new Request(new URL(req.url ?? '/', origin), { method, headers, body });
}

/** Writes a WHATWG Response to a node response. */
export async function writeFetchResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((v, k) => { headers[k] = v; });
  res.writeHead(response.status, headers);
  res.end(Buffer.from(await response.arrayBuffer()));
}

/**
 * Starts the simulator on `port` (0 = any free port) under the path of
 * `options.baseUrl` (default `/jira`). An injected timeout fault drops the
 * connection without an answer.
 */
export async function startJiraSimulatorServer(port: number, options: Partial<JiraSimulatorOptions> = {}): Promise<JiraSimulatorServer> {
  const basePath = options.baseUrl ? new URL(options.baseUrl).pathname.replace(/\/+$/, '') : '/jira';
  // Assigned once the port is known (the base URL contains it).
  const holder: { simulator?: JiraSimulator } = {};
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const host = req.headers.host ?? `127.0.0.1:${port}`;
        const response = await (holder.simulator as JiraSimulator).handle(await toFetchRequest(req, `http://${host}`));
        await writeFetchResponse(res, response);
      } catch {
        res.destroy();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${actual}${basePath}`;
  const simulator = new JiraSimulator({ ...options, baseUrl: options.baseUrl ?? url });
  holder.simulator = simulator;
  return {
    url,
    simulator,
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((e) => (e ? reject(e) : resolve()));
    }),
  };
}
