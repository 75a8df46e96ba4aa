/**
 * The second half of `npm test`: the suites that run the production handlers, on the pinned Node.js 24 that
 * Lambda runs (scripts/node24.cjs): the unit project and the integration project minus what doesn't depend on
 * the runtime. CDK synthesis and bundling (whose bundles test/stack.test.ts loads on Node 24 anyway), the
 * console's browser tests, the local-only KMS emulator, gateway and SigV4 verifier, the CLI (it runs on the
 * operator's machine), the engines lane, and the fuzzing suites (hostile-*, races: the same handlers, many
 * more times) run on the machine's Node only. Keeps `.ci/run` well inside its time on 2 cores.
 */
const base = require('./jest.config.cjs');

const hostOnly = [
  '/test/console[^/]*\\.test\\.ts$',
  '/test/(kms-emulator|gateway|sigv4|start|local-start|readme)\\.test\\.ts$',
  '/test/cli[^/]*\\.test\\.ts$',
  // Which engine answers doesn't depend on the runtime: once, on the host Node, is enough.
  '/test/moto-[^/]*\\.test\\.ts$',
  '/test/(hostile-[^/]*|races)\\.test\\.ts$',
  // Stops and restarts DynamoDB Local under load: a test of the engine outage, not of the runtime.
  '/test/faults-dynamodb-outage\\.test\\.ts$',
];

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  projects: base.projects
    .filter((project) => ['unit', 'integration'].includes(project.displayName))
    .map((project) => ({
      ...project,
      testPathIgnorePatterns: [...(project.testPathIgnorePatterns ?? ['/node_modules/']), ...hostOnly],
    })),
};
