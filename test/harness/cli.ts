/** Runs the CLI's real bin entry in a child process, isolated from this machine's AWS and patgate settings. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(__dirname, '..', '..', 'cli', 'patgate.cjs');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

let sandbox: string | undefined;

/**
 * `env` is added to an environment without AWS_* or PATGATE_* variables, where the AWS config files don't exist,
 * instance metadata is off and PATGATE_DATA_DIR is an empty directory (unless `cwd` is given): nothing but what a
 * test gives is found.
 */
export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string; cwd?: string } = {},
): Promise<CliRun> {
  sandbox ??= mkdtempSync(join(tmpdir(), 'patgate-cli-'));
  const inherited = Object.entries(process.env).filter(([name]) => !/^(AWS_|PATGATE_)/.test(name));
  const env = {
    ...Object.fromEntries(inherited),
    AWS_CONFIG_FILE: join(sandbox, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(sandbox, 'aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    // With a working directory of its own, the CLI looks for .local/dev.json from there instead.
    ...(options.cwd ? {} : { PATGATE_DATA_DIR: sandbox }),
    ...options.env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd: options.cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

export function expectSuccess(result: CliRun): void {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
}

/** Failures are one line on stderr and a non-zero exit code. */
export function expectFailure(result: CliRun, code: number, message: RegExp): void {
  expect(result.code).toBe(code);
  expect(result.stderr).toMatch(/^patgate: [^\n]+\n$/);
  expect(result.stderr).toMatch(message);
}

/** A local port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
