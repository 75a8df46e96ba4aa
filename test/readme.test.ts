/**
 * The README's curl session, as a newcomer runs it: extracted from README.md and run with bash against the local
 * service (from a folder holding its .local/dev.json). It must work twice in a row and stop loudly on an error.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPort } from './harness/cli';
import { startTestService, type TestService } from './harness/service';
import { findOnPath } from './support/on-path';

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const session = /A session with curl[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1];

let service: TestService;
let work: string;

function runSession(devJson: object): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dir = mkdtempSync(join(work, 'run-'));
  mkdirSync(join(dir, '.local'));
  writeFileSync(join(dir, '.local', 'dev.json'), JSON.stringify(devJson));
  writeFileSync(join(dir, 'session.sh'), session!);
  return new Promise((resolve) => {
    const child = execFile('bash', ['session.sh'], { cwd: dir, timeout: 30_000 }, (_, stdout, stderr) =>
      resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

it('has the session in README.md', () => expect(session).toContain('--aws-sigv4'));

if (!findOnPath('jq')) {
  it.skip('README curl session: jq is not on PATH (sudo apt-get install -y jq enables it)', () => undefined);
} else {
  describe('README curl session', () => {
    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), 'patgate-readme-'));
      service = await startTestService();
    });
    afterAll(async () => {
      await service?.close();
      rmSync(work, { recursive: true, force: true });
    });

    it('runs, and runs again: a fresh PAT name each time, a token whose claims it prints, the list', async () => {
      for (const round of [1, 2]) {
        const result = await runSession(service.config);
        expect({ round, code: result.code, stderr: result.stderr }).toEqual({ round, code: 0, stderr: '' });
        expect(result.stdout).toContain('"sub": "alice"');
        expect(result.stdout).toContain(`"client_id": "${service.config.demoApplication.clientId}"`);
      }
      const names = (await service.client.pats.list('alice')).map((pat) => pat.name);
      expect(names).toHaveLength(2);
      expect(names[0]).not.toBe(names[1]);
    });

    it('stops at the first error, with curl saying why', async () => {
      const result = await runSession({ ...service.config, baseUrl: `http://127.0.0.1:${await closedPort()}` });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/curl: \(7\)/);
      expect(result.stdout).toBe('');
    });

    it('stops when the service refuses, showing its answer', async () => {
      const result = await runSession({ ...service.config, awsSecretAccessKey: 'wrong' });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/curl: \(22\).*403/);
      expect(result.stdout).not.toContain('null');
    });
  });
}
