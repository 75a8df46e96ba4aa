/** `npm start` where its port is taken: one line saying by whom and what to do, before anything starts. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestService, type TestService } from './harness/service';

const START = join(__dirname, '..', 'local', 'start.ts');
const TSX = join(__dirname, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');

let service: TestService;
let other: Server;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'patgate-start-'));
  other = createServer((_, response) => response.end('not patgate'));
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  service = await startTestService();
});
afterAll(async () => {
  await service.close();
  await new Promise((resolve) => other.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

function npmStart(port: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [TSX, START],
      { env: { ...process.env, PORT: String(port), PATGATE_DATA_DIR: dataDir }, timeout: 30_000 },
      (_, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

it('says that patgate is already running there, and how to start another', async () => {
  const port = Number(new URL(service.config.baseUrl).port);
  const result = await npmStart(port);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(
    new RegExp(`^patgate: patgate is already running on http://127\\.0\\.0\\.1:${port} .*PORT=${port + 1} .*npm start`),
  );
  expect(result.stderr).not.toMatch(/EADDRINUSE|\n\s+at /);
  // Nothing was started: no engine wrote to the data directory.
  expect(readdirSync(dataDir)).toEqual([]);
});

it('says that another program holds the port', async () => {
  const { port } = other.address() as AddressInfo;
  const result = await npmStart(port);
  expect(result.code).toBe(1);
  expect(result.stderr).toBe(
    `patgate: port ${port} on 127.0.0.1 is taken by another program: start patgate on a free one: ` +
      `PORT=${port + 1} npm start\n`,
  );
});
