#!/usr/bin/env node
// `npx patgate`: runs the TypeScript CLI through tsx, so there is no build step to forget or let go stale.
// Only tsx's CommonJS hooks are registered: its ES module hooks start a loader thread that would more than
// double the start-up time. The CLI therefore imports its own modules statically (dynamic import() is left
// to packages).
require('tsx/cjs/api').register();
require('./main.ts');
