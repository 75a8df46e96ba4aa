/**
 * `npx patgate` from a production install: the package as `npm pack` makes it (its `files`, the compiled CLI that
 * `prepack` builds, the console's assets), installed without devDependencies (so without tsx) and offline, then
 * run against the real local service.
 * The package is staged in a temporary folder (prepack's two builds, into it) rather than packed from the
 * repository: other test files rebuild console/dist meanwhile. The install pins every dependency to
 * package-lock.json's version, as `npm ci --omit=dev` does: a lockfile for the installing app is derived from ours,
 * which also lets npm work from its cache alone.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildConsole } from '../console/build';
import { buildCli } from '../scripts/build-cli';
import { startTestService, type TestService } from './harness/service';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');

interface LockEntry {
  dev?: boolean;
  devOptional?: boolean;
  link?: boolean;
  [key: string]: unknown;
}

let service: TestService;
let work: string;
let app: string;

/** The app's package.json and package-lock.json: the tarball, and our lockfile's entries minus dev-only ones. */
function writeApp(tarball: string): void {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const spec = `file:${tarball}`;
  const packages: Record<string, unknown> = {
    '': { name: 'app', dependencies: { patgate: spec } },
    'node_modules/patgate': {
      version: pkg.version,
      resolved: spec,
      integrity: `sha512-${createHash('sha512')
        .update(readFileSync(join(app, tarball)))
        .digest('base64')}`,
      license: pkg.license,
      dependencies: pkg.dependencies,
      engines: pkg.engines,
      bin: pkg.bin,
    },
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path && !entry.dev && !entry.devOptional && !entry.link) packages[path] = entry;
  }
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'app', private: true, dependencies: { patgate: spec } }),
  );
  writeFileSync(
    join(app, 'package-lock.json'),
    JSON.stringify({ name: 'app', lockfileVersion: 3, requires: true, packages }),
  );
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'patgate-package-'));
  const stage = join(work, 'patgate');
  app = join(work, 'app');
  mkdirSync(join(stage, 'cli'), { recursive: true });
  mkdirSync(app);
  // The sources come along to show that `files` leaves them out (the bin then runs the compiled CLI).
  for (const file of ['package.json', 'README.md', 'cli/patgate.cjs', 'cli/main.ts']) {
    copyFileSync(join(ROOT, file), join(stage, file));
  }
  await Promise.all([buildCli(join(stage, 'dist', 'patgate.cjs')), buildConsole(join(stage, 'console', 'dist'))]);
  const npm = (args: string[], cwd: string) =>
    run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, timeout: 240_000 });
  const { stdout } = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', app], stage);
  const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
  writeApp(filename);
  await npm(['ci', '--omit=dev', '--offline'], app);
  service = await startTestService();
}, 300_000);

afterAll(async () => {
  await service?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The installed bin, as `npx patgate` runs it, with no AWS settings: only what the local service's dev.json says. */
async function patgate(args: string[], extraEnv: Record<string, string> = {}): Promise<{ stdout: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(AWS_|PATGATE_)/.test(name)));
  return run(join(app, 'node_modules', '.bin', 'patgate'), args, {
    cwd: app,
    env: { ...env, AWS_CONFIG_FILE: join(work, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(work, 'none'), ...extraEnv },
    timeout: 30_000,
  });
}

it('installs the compiled CLI without devDependencies (no tsx, no TypeScript sources)', () => {
  const installed = join(app, 'node_modules', 'patgate');
  expect(existsSync(join(installed, 'dist', 'patgate.cjs'))).toBe(true);
  expect(existsSync(join(installed, 'console', 'dist', 'index.html'))).toBe(true);
  expect(existsSync(join(installed, 'cli', 'main.ts'))).toBe(false);
  expect(existsSync(join(app, 'node_modules', 'tsx'))).toBe(false);
  expect(existsSync(join(app, 'node_modules', 'typescript'))).toBe(false);
});

it('prints its help', async () => {
  const { stdout } = await patgate(['--help']);
  expect(stdout).toMatch(/^Usage: patgate /);
  expect(stdout).toContain('pats');
});

it('manages PATs and exchanges one against the local service, from a folder holding its .local/dev.json', async () => {
  mkdirSync(join(app, '.local'), { recursive: true });
  writeFileSync(join(app, '.local', 'dev.json'), JSON.stringify(service.config));
  const userId = service.newUserId();

  const user = JSON.parse((await patgate(['users', 'create', '--id', userId, '--json'])).stdout);
  expect(user).toMatchObject({ id: userId, isSuspended: false });
  const created = JSON.parse((await patgate(['pats', 'create', userId, 'packaged', '--json'])).stdout);
  expect(created).toMatchObject({ name: 'packaged', value: expect.stringMatching(/^pat_/) });
  const listed = JSON.parse((await patgate(['pats', 'list', userId, '--json'])).stdout);
  expect(listed).toEqual([expect.objectContaining({ name: 'packaged' })]);

  const exchanged = await patgate(['token', 'exchange', '--access-token-only'], { PATGATE_PAT: created.value });
  const { payload } = await service.verify(exchanged.stdout.trim());
  expect(payload).toMatchObject({ sub: userId, client_id: service.config.demoApplication.clientId });
});
