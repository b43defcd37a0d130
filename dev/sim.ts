/**
 * `npm run sim`: the Jira simulator alone, over HTTP, for several local
 * installations of the app sharing one Jira site and its hourly points pool
 * (the way every installation of a Marketplace app shares Atlassian's pool).
 *
 *   npm run sim                                   # http://127.0.0.1:8090/jira
 *   SIM_PORT=8090 SIM_POINTS_PER_HOUR=3000 npm run sim
 *   SIM_POINTS_PER_HOUR=3000 SIM_CLOCK_SPEED=60 npm run sim   # an hour of quota passes in a minute
 *   # then, per installation, in its own terminal:
 *   PORT=8081 STATE_DIR=.local/a JIRA_BASE_URL=http://127.0.0.1:8090/jira JIRA_EMAIL=a@x JIRA_API_TOKEN=x npm start
 *   PORT=8082 STATE_DIR=.local/b JIRA_BASE_URL=http://127.0.0.1:8090/jira JIRA_EMAIL=b@x JIRA_API_TOKEN=x npm start
 *
 * With SIM_CLOCK_SPEED, give each runtime QUEUE_DELAY_SCALE=1/speed (e.g.
 * 0.0166) so that its queue waits (until the pool's reset) pass as fast.
 *
 * Each runtime then uses its real-Jira mode against this simulator (basic
 * auth is accepted and not checked); its control API is at
 * `<url>/_sim/...` (dev/jira-sim/README.md), e.g. `curl <url>/_sim/stats`.
 */
import { startJiraSimulatorServer } from './jira-sim/server';
import { intEnv, positiveEnv } from './env';


async function main(): Promise<void> {
  const pointsPerHour = intEnv('SIM_POINTS_PER_HOUR');
  const clockSpeed = positiveEnv('SIM_CLOCK_SPEED');
  const server = await startJiraSimulatorServer(intEnv('SIM_PORT', 8090) ?? 8090, { ...(pointsPerHour !== undefined ? { pointsPerHour } : {}), ...(clockSpeed !== undefined ? { clockSpeed } : {}) });
  console.log(`Jira simulator: ${server.url} (control API: ${server.url}/_sim/stats)${clockSpeed ? `, clock ×${clockSpeed}` : ''}`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
