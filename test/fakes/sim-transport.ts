/**
 * A JiraTransport over the in-process Jira simulator's `handle(Request)`: what
 * `api.asApp().requestJira` is in Forge, without a socket.
 */
import type { JiraRequest, JiraResponse, JiraTransport } from '../../src/core/ports';
import { toJiraResponse } from '../../src/core/jira/http';
export { toJiraResponse };

export const SIM_BASE_URL = 'http://sim.test/jira';

/** The part of the simulator the transport needs. */
export interface SimulatorLike {
  handle(request: Request): Promise<Response>;
}

export function simTransport(sim: SimulatorLike, accountId?: string, baseUrl: string = SIM_BASE_URL): JiraTransport {
  return {
    async request(request: JiraRequest): Promise<JiraResponse> {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (request.body !== undefined) headers['content-type'] = 'application/json';
      // The simulator treats a request without this header as the app (asApp).
      if (accountId) headers['x-sim-account-id'] = accountId;
      const init: RequestInit = { method: request.method, headers };
      if (request.body !== undefined) init.body = JSON.stringify(request.body);
      const response = await sim.handle(new Request(`${baseUrl}${request.path}`, init));
      return toJiraResponse(response);
    },
  };
}


/** GETs a simulator control endpoint (`/_sim/stats`, `/_sim/violations`) and parses the JSON. */
export async function simControl(sim: SimulatorLike, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, baseUrl: string = SIM_BASE_URL): Promise<unknown> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  const response = await sim.handle(new Request(`${baseUrl}${path}`, init));
  const text = await response.text();
  return text ? (JSON.parse(text) as unknown) : undefined;
}
