#!/usr/bin/env node
// `npx patgate`. In a source checkout (main.ts next to this file, tsx installed) it runs the TypeScript CLI
// through tsx, so there is no build step to forget or let go stale. Only tsx's CommonJS hooks are registered:
// its ES module hooks start a loader thread that would more than double the start-up time; the CLI therefore
// imports its own modules statically (dynamic import() is left to packages).
// A package (npm pack) carries the compiled CLI instead, dist/patgate.cjs, built by `prepack`.
const { existsSync } = require('node:fs');
const path = require('node:path');

function tsxInstalled() {
  try {
    require.resolve('tsx/cjs/api');
    return true;
  } catch {
    return false;
  }
}

if (existsSync(path.join(__dirname, 'main.ts')) && tsxInstalled()) {
  require('tsx/cjs/api').register();
  require('./main.ts');
} else {
  require('../dist/patgate.cjs');
}
