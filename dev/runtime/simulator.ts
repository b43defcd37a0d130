/**
 * Loads the Jira simulator (`dev/jira-sim/index.ts`, owned by the simulator
 * engineer) behind the small interface the runtime needs. Until that module
 * exists the runtime still starts, with a placeholder that answers
 * `serverInfo` and 501 for everything else, and says so on start.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface JiraSimulator {
  handle(request: Request): Promise<Response>;
  [extra: string]: unknown;
}

export interface SimulatorOptions {
  baseUrl: string;
  openapiPath?: string;
  now?: () => number;
  /** Extra HTML on the simulator's issue page (the app's issue panel, dev/issue-panel-html.ts). */
  renderIssueExtras?: (issueKey: string) => Promise<string>;
}

type Factory = (options: SimulatorOptions) => JiraSimulator;

function placeholder(options: SimulatorOptions): JiraSimulator {
  return {
    placeholder: true,
    async handle(request: Request) {
      const url = new URL(request.url);
      if (url.pathname.endsWith('/rest/api/3/serverInfo')) {
        return Response.json({ baseUrl: options.baseUrl, version: '1001.0.0-SNAPSHOT', deploymentType: 'Cloud', serverTitle: 'Jira (local placeholder)' });
      }
      return Response.json({ errorMessages: ['The Jira simulator (dev/jira-sim/index.ts) is not available yet'], errors: {} }, { status: 501 });
    },
  };
}

export function createSimulator(options: SimulatorOptions): { simulator: JiraSimulator; isPlaceholder: boolean } {
  const entry = path.join(__dirname, '..', 'jira-sim', 'index.ts');
  if (fs.existsSync(entry) || fs.existsSync(entry.replace(/\.ts$/, '.js'))) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional module, resolved at run time
    const mod = require('../jira-sim') as { createJiraSimulator?: Factory };
    if (typeof mod.createJiraSimulator === 'function') {
      return { simulator: mod.createJiraSimulator(options), isPlaceholder: false };
    }
  }
  return { simulator: placeholder(options), isPlaceholder: true };
}
