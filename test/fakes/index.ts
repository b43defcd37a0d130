export { FAKE_EPOCH, FakeClock } from './clock';
export { RecordingLogger, silentLogger } from './logger';
export { MemoryQueue, QueuePushError, type DeliveryContext, type DrainReport } from './memory-queue';
export { MemorySecrets } from './memory-secrets';
export { MemoryStore, StoreError, loadEntityIndexes } from './memory-store';
export { makeTestPlatform, type TestPlatform, type TestPlatformOptions } from './platform';
export { SIM_BASE_URL, simControl, simTransport, toJiraResponse, type SimulatorLike } from './sim-transport';
