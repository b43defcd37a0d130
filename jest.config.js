// Test tiers by file location: unit (pure, fakes only), integration (real entry
// points against the Jira simulator and the local Forge stand-ins), e2e (the
// running app in headless Chromium). `npm test` runs them all.
const transform = {
  '^.+\\.(t|j)sx?$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', tsx: true },
        target: 'es2022',
        transform: { react: { runtime: 'automatic' } },
      },
      module: { type: 'commonjs' },
    },
  ],
};
// marklassian and marked ship ESM only; transform them for jest's CommonJS.
const transformIgnorePatterns = ['/node_modules/(?!(marklassian|marked)/)'];
// Every test fails on a contract, scope or ADF schema violation its Jira simulators record.
const setupFilesAfterEnv = ['<rootDir>/test/setup/sim-violations.ts'];
const common = { transform, transformIgnorePatterns, testEnvironment: 'node', setupFilesAfterEnv };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts?(x)'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts?(x)'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts?(x)'] },
  ],
};
