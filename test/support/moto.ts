/**
 * moto's server (`moto_server`, Python) as an engine patgate didn't write: started on a free port in its own
 * process group, and stopped with the group (its server may fork workers).
 */
import { spawn } from 'node:child_process';
import { freePort, waitForPort } from '../../local/engines/ports';
import { findOnPath } from './on-path';

export interface MotoServer {
  url: string;
  stop(): Promise<void>;
}

/** The path of `moto_server` on PATH, or undefined. */
export const findMotoServer = () => findOnPath('moto_server');

export async function startMotoServer(executable: string): Promise<MotoServer> {
  const port = await freePort();
  const child = spawn(executable, ['-H', '127.0.0.1', '-p', String(port)], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve();
    }),
  );
  const startFailed = new Promise<never>((_, reject) => {
    child.once('error', reject);
    void exited.then(() => reject(new Error(`moto_server exited (code ${exitCode}) before listening:\n${stderr}`)));
  });
  startFailed.catch(() => undefined);

  const stop = async () => {
    if (exitCode !== undefined) return;
    signalGroup(child.pid, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await Promise.race([waitForPort(port, '127.0.0.1', 30_000), startFailed]);
  } catch (error) {
    await stop();
    throw error;
  }
  child.stderr.removeAllListeners('data');
  child.stderr.resume();
  return { url: `http://127.0.0.1:${port}`, stop };
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
