/**
 * Four projects, so each starts only what it needs (`npm run test:<project>`; `npm test` runs them all):
 * - unit: pure functions under test/unit/, nothing started;
 * - stack: CDK synthesis and bundling, nothing started;
 * - integration: everything else, over HTTP against the local service and its engines;
 * - browser: the operator console in chromium, against the local service.
 * Jest runs a project's globalSetup only when a test of that project is selected (and a module named by two
 * projects once), so DynamoDB Local and the KMS emulator start only for integration and browser tests.
 */
const stackTests = '/test/(stack|stack-options|cdk-nag)\\.test\\.ts$';
const browserTests = '\\.e2e\\.test\\.ts$';

const shared = {
  testEnvironment: 'node',
  transform: { '\\.(ts|js|mjs)$': '<rootDir>/test/esbuild-transform.cjs' },
  transformIgnorePatterns: ['/node_modules/(?!(jose|@middy|@noble)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
};

const engines = {
  globalSetup: '<rootDir>/test/harness/global-setup.ts',
  globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
};

/** @type {import('jest').Config} */
module.exports = {
  reporters: ['default', '<rootDir>/test/harness/skip-reporter.cjs'],
  testTimeout: 30000,
  maxWorkers: 2,
  projects: [
    { ...shared, displayName: 'unit', roots: ['<rootDir>/test/unit'], testMatch: ['**/*.test.ts'] },
    { ...shared, displayName: 'stack', roots: ['<rootDir>/test'], testRegex: stackTests },
    {
      ...shared,
      ...engines,
      displayName: 'integration',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/test/unit/', stackTests, browserTests],
    },
    { ...shared, ...engines, displayName: 'browser', roots: ['<rootDir>/test'], testRegex: browserTests },
  ],
};
