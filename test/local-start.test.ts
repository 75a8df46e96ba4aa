/**
 * `npm start` (local/start.ts) as an operator runs it, in a process of its own with its own engines and data
 * directory: the terminal shows where the secrets are, never the secrets; the files that hold them (dev.json,
 * DynamoDB Local's database, the KMS emulator's keys) are readable by this user only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DevConfig } from '../local/service';

jest.setTimeout(90_000);

let dataDir: string;
let child: ChildProcess | undefined;
let output = '';

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'patgate-start-'));
  // An older dev.json, world-readable: the next start must tighten it.
  await writeFile(join(dataDir, 'dev.json'), '{}\n', { mode: 0o644 });
  const { AWS_ENDPOINT_URL_DYNAMODB: _dynamodb, AWS_ENDPOINT_URL_KMS: _kms, ...environment } = process.env;
  child = spawn(join(__dirname, '..', 'node_modules', '.bin', 'tsx'), [join(__dirname, '..', 'local', 'start.ts')], {
    env: { ...environment, PATGATE_DATA_DIR: dataDir, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Ctrl-C stops')) resolve();
    };
    child!.stdout!.on('data', collect);
    child!.stderr!.on('data', collect);
    child!.once('exit', (code) => reject(new Error(`npm start exited (${code}):\n${output}`)));
  });
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  }
  await rm(dataDir, { recursive: true, force: true });
});

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

it('prints where the secrets are, and none of them', async () => {
  const config = JSON.parse(await readFile(join(dataDir, 'dev.json'), 'utf8')) as DevConfig;
  expect(output).toContain(`patgate is listening on ${config.baseUrl}`);
  expect(output).toContain(`${join(dataDir, 'dev.json')} (mode 0600)`);
  // The console's per-run URL is printed: it is how the operator gets in.
  expect(output).toContain(config.consoleUrl);
  expect(output).toContain(config.demoApplication.clientId);
  expect(output).not.toContain(config.awsSecretAccessKey);
  expect(output).not.toContain(config.demoApplication.clientSecret);
});

it('keeps dev.json and the engines’ data readable by this user only', async () => {
  expect(await modeOf(join(dataDir, 'dev.json'))).toBe(0o600);
  const dynamodbDir = join(dataDir, 'dynamodb');
  expect(await modeOf(dynamodbDir)).toBe(0o700);
  const files = await readdir(dynamodbDir);
  expect(files.length).toBeGreaterThan(0);
  for (const file of files)
    expect({ file, mode: await modeOf(join(dynamodbDir, file)) }).toEqual({ file, mode: 0o600 });
  expect(await modeOf(join(dataDir, 'kms', 'kms-state.json'))).toBe(0o600);
});
