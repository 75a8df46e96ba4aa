/**
 * The second half of `npm test`: the suites that run the production handlers, on the pinned Node.js 24 that
 * Lambda runs (scripts/node24.cjs). The rest — CDK synthesis and bundling (whose bundles test/stack.test.ts
 * loads on Node 24 anyway), the console's browser and unit tests, the local-only KMS emulator, gateway and
 * SigV4 verifier, and the CLI, which runs on the operator's machine — runs on the machine's Node only.
 * Keeps the whole of `.ci/run` near 5 minutes on 2 cores.
 */
const base = require('./jest.config.cjs');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testPathIgnorePatterns: [
    '/node_modules/',
    '/test/(stack|stack-options|cdk-nag)\\.test\\.ts$',
    '/test/console[^/]*\\.test\\.ts$',
    '/test/(kms-emulator|gateway|sigv4|start|readme)\\.test\\.ts$',
    '/test/cli[^/]*\\.test\\.ts$',
    // Which engine answers doesn't depend on the runtime: once, on the host Node, is enough.
    '/test/moto-[^/]*\\.test\\.ts$',
  ],
};
