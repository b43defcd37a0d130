import { getLastEvent, recordLastEvent, type LastEvent } from '../../../src/core/webhook/connection-status';
import { makeTestPlatform } from '../../fakes';

const at = Date.UTC(2026, 10, 28, 12, 0, 0);
const created = (t: number): LastEvent => ({ at: t, types: ['finding.created'], eventCount: 1, httpStatus: 200, outcome: 'ok', statusCounts: { created: 1 } });

describe('last event record under a burst (one KVS write saved per event)', () => {
  it('does not rewrite the same outcome within a minute, but records any change and refreshes after a minute', async () => {
    const { store } = makeTestPlatform();
    const writes = jest.spyOn(store, 'set');
    await recordLastEvent(store, created(at));
    await recordLastEvent(store, created(at + 1_000));
    await recordLastEvent(store, { ...created(at + 59_000), types: ['remediation.pr_opened'], statusCounts: { updated: 1 } });
    expect(writes).toHaveBeenCalledTimes(1);
    expect((await getLastEvent(store))?.at).toBe(at);

    await recordLastEvent(store, { ...created(at + 59_500), httpStatus: 503, outcome: 'failed', statusCounts: { failed: 1 } });
    expect((await getLastEvent(store))?.outcome).toBe('failed');
    await recordLastEvent(store, created(at + 60_000));
    await recordLastEvent(store, created(at + 125_000));
    expect(writes).toHaveBeenCalledTimes(4);
    expect((await getLastEvent(store))?.at).toBe(at + 125_000);
  });
});
