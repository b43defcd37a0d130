/** Jira Cloud's three rate limits for apps, with their headers, on the simulator's clock. */
import { call, control, makeSim, vulnerability } from './helpers';

const R = '/rest/api/3';
// A frozen clock (10:00:00 UTC) makes every window deterministic; `_sim/clock` moves it.
const START = Date.UTC(2026, 10, 28, 10, 0, 0);
const sim = makeSim({ now: () => START, pointsPerHour: 1000 });

async function advance(ms: number): Promise<void> {
  expect((await control(sim, 'POST', 'clock', { advanceMs: ms })).status).toBe(200);
}

beforeEach(async () => {
  await control(sim, 'POST', 'reset');
  sim.setQuota(1000);
});

it('charges points; X-RateLimit-* carry the per-second bucket, RateLimit the hourly points quota', async () => {
  const first = await call(sim, 'GET', `${R}/serverInfo`);
  expect(first.headers.get('x-ratelimit-limit')).toBe('100');
  expect(first.headers.get('x-ratelimit-remaining')).toBe('99');
  expect(first.headers.get('ratelimit-policy')).toBe('"global-app-quota";q=1000;w=3600');
  // Well within the quota: no `r` (remaining), only the seconds to the reset (10:00 → 11:00).
  expect(first.headers.get('ratelimit')).toBe('"global-app-quota";t=3600');
  expect(first.headers.get('x-ratelimit-nearlimit')).toBeNull();
  // 429-only headers are absent on a success.
  for (const h of ['retry-after', 'ratelimit-reason', 'x-ratelimit-reset']) expect(first.headers.get(h)).toBeNull();
  const second = await call(sim, 'GET', `${R}/serverInfo`);
  expect(second.headers.get('x-ratelimit-remaining')).toBe('98');
  expect((await call(sim, 'PUT', `${R}/issue/SEC-404`, { fields: {} })).headers.get('x-ratelimit-limit')).toBe('50');
  // A read adds 1 per project returned; a write costs 1 in total; identities cost 2 each.
  await call(sim, 'GET', `${R}/project/search`); // 1 + 2 projects
  await call(sim, 'POST', `${R}/issue`, vulnerability()); // 1
  await call(sim, 'GET', `${R}/myself`); // 1 + 2
  const stats = (await control(sim, 'GET', 'stats')).body;
  // Two serverInfo reads and a refused PUT above: 1 point each.
  expect(stats.points).toBe(1 + 1 + 1 + 3 + 1 + 3);
  expect(stats.requests).toBe(6);
});

it('hourly quota: 429 jira-quota-global-based until the next UTC hour, or until the budget is raised', async () => {
  expect((await control(sim, 'POST', 'quota', { pointsPerHour: 10 })).body).toMatchObject({ pointsPerHour: 10 });
  let last;
  for (let i = 0; i < 8; i++) last = await call(sim, 'GET', `${R}/serverInfo`);
  expect(last?.headers.get('x-ratelimit-nearlimit')).toBeNull(); // 2 of 10 left: not yet < 20 %
  expect(last?.headers.get('ratelimit')).toBe('"global-app-quota";t=3600');
  last = await call(sim, 'GET', `${R}/serverInfo`);
  expect(last.headers.get('x-ratelimit-nearlimit')).toBe('true');
  expect(last.headers.get('ratelimit')).toBe('"global-app-quota";r=1;t=3600');
  await call(sim, 'GET', `${R}/serverInfo`);
  const refused = await call(sim, 'GET', `${R}/serverInfo`);
  expect(refused.status).toBe(429);
  expect(refused.headers.get('ratelimit-reason')).toBe('jira-quota-global-based');
  expect(refused.headers.get('retry-after')).toBe('3600');
  expect(refused.headers.get('x-ratelimit-reset')).toBe('2026-11-28T11:00:00.000Z');
  expect(refused.headers.get('ratelimit')).toBe('"global-app-quota";r=0;t=3600');
  // Every endpoint is refused, writes too.
  expect((await call(sim, 'POST', `${R}/issue`, vulnerability())).status).toBe(429);
  await advance(30 * 60_000);
  const later = await call(sim, 'GET', `${R}/serverInfo`);
  expect(later.headers.get('retry-after')).toBe('1800');
  await advance(30 * 60_000);
  expect((await call(sim, 'GET', `${R}/serverInfo`)).status).toBe(200);
  const stats = (await control(sim, 'GET', 'stats')).body;
  expect(stats.rateLimited).toBe(3);
  // Raising the budget lifts the limit at once.
  await control(sim, 'POST', 'quota', { pointsPerHour: 0 });
  expect((await call(sim, 'GET', `${R}/serverInfo`)).status).toBe(429);
  await control(sim, 'POST', 'quota', { pointsPerHour: 100 });
  expect((await call(sim, 'GET', `${R}/serverInfo`)).status).toBe(200);
});

it('burst: ~100/s per endpoint for GET, ~50/s for PUT, with Retry-After', async () => {
  sim.setQuota(100000);
  for (let i = 0; i < 100; i++) expect((await call(sim, 'GET', `${R}/serverInfo`)).status).toBe(200);
  const refused = await call(sim, 'GET', `${R}/serverInfo`);
  expect(refused.status).toBe(429);
  expect(refused.headers.get('ratelimit-reason')).toBe('jira-burst-based');
  expect(refused.headers.get('retry-after')).toBe('1');
  expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
  // The hourly quota is far from spent: a burst refusal says nothing about it.
  expect(refused.headers.get('ratelimit')).toBe('"global-app-quota";t=3600');
  // Another endpoint has its own budget.
  expect((await call(sim, 'GET', `${R}/priority`)).status).toBe(200);
  await advance(1001);
  expect((await call(sim, 'GET', `${R}/serverInfo`)).status).toBe(200);

  // PUT: 50/s per endpoint (spread over issues so the per-issue limit is not the one hit).
  const keys: string[] = [];
  for (let i = 0; i < 3; i++) keys.push((await call(sim, 'POST', `${R}/issue`, vulnerability())).body.key);
  let n = 0;
  let status = 204;
  while (status === 204 && n < 60) {
    status = (await call(sim, 'PUT', `${R}/issue/${keys[n % 3]}`, { fields: { summary: `s${n}` } })).status;
    n++;
  }
  expect(n).toBe(51);
  expect(status).toBe(429);
});

it('per-issue writes: 20 per 2 s, then 100 per 30 s', async () => {
  sim.setQuota(100000);
  const key = (await call(sim, 'POST', `${R}/issue`, vulnerability())).body.key;
  const other = (await call(sim, 'POST', `${R}/issue`, vulnerability())).body.key;
  const write = (k: string, i: number): Promise<{ status: number; headers: Headers }> => call(sim, 'PUT', `${R}/issue/${k}/properties/p${i % 3}`, { i });
  for (let i = 0; i < 20; i++) expect((await write(key, i)).status).toBeLessThan(300);
  const refused = await write(key, 20);
  expect(refused.status).toBe(429);
  expect(refused.headers.get('ratelimit-reason')).toBe('jira-per-issue-on-write');
  expect(refused.headers.get('retry-after')).toBe('2');
  expect(refused.headers.get('x-ratelimit-reset')).toEqual(expect.any(String));
  // Other issues and reads of the same issue are not affected.
  expect((await write(other, 0)).status).toBeLessThan(300);
  expect((await call(sim, 'GET', `${R}/issue/${key}`)).status).toBe(200);
  // 4 more rounds of 20, 2 s apart, reach 100 in 30 s.
  for (let round = 0; round < 4; round++) {
    await advance(2001);
    for (let i = 0; i < 20; i++) expect((await write(key, i)).status).toBeLessThan(300);
  }
  await advance(2001);
  const thirty = await write(key, 0);
  expect(thirty.status).toBe(429);
  expect(thirty.headers.get('ratelimit-reason')).toBe('jira-per-issue-on-write');
  expect(Number(thirty.headers.get('retry-after'))).toBeGreaterThan(2);
  await advance(30_000);
  expect((await write(key, 0)).status).toBeLessThan(300);
});

it('clockSpeed: the hourly pool runs on a faster clock, so an hour passes in a second of the base clock', async () => {
  let base = START + 30 * 60_000; // 10:30
  const fast = makeSim({ now: () => base, pointsPerHour: 2, clockSpeed: 3600 });
  const pointsOf = async (user: string) => {
    const response = await fast.handle(new Request(`${fast.baseUrl}${R}/serverInfo`, { headers: { authorization: `Basic ${Buffer.from(`${user}:token`).toString('base64')}` } }));
    return response.status;
  };
  expect(await pointsOf('alpha@example.com')).toBe(200);
  expect(await pointsOf('beta@example.com')).toBe(200);
  // One pool for every installation: the third request is refused whoever sends it.
  expect(await pointsOf('alpha@example.com')).toBe(429);
  expect((await control(fast, 'GET', 'stats')).body.pointsByInstallation).toEqual({ 'alpha@example.com': 1, 'beta@example.com': 1 });
  // Half a base-clock second is half a simulator hour (10:30 → 11:00): the pool is full again.
  base += 500;
  expect(await pointsOf('beta@example.com')).toBe(200);
  expect(() => makeSim({ clockSpeed: 0 })).toThrow(/clockSpeed/);
});
