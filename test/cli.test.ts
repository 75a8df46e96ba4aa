/**
 * The CLI as operators and CI scripts run it: the real bin entry in a child process, against the local service.
 * Each run costs a Node.js start, so the scenarios below chain several commands each.
 */
import { closedPort, expectFailure, expectSuccess, runCli, type CliRun } from './harness/cli';
import { startTestService, type TestService } from './harness/service';

// Every step starts a Node.js process (more on a cold transform cache): more than jest's default per test.
jest.setTimeout(90_000);

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

/** As a CI job runs it: AWS credentials in the environment. */
const run = (
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string } = {},
): Promise<CliRun> =>
  runCli(args, {
    input: options.input,
    env: {
      AWS_ACCESS_KEY_ID: service.config.awsAccessKeyId,
      AWS_SECRET_ACCESS_KEY: service.config.awsSecretAccessKey,
      AWS_REGION: service.config.region,
      ...options.env,
    },
  });

const patgate = (...args: string[]) => run(['--endpoint', service.config.baseUrl, ...args]);

const demoClient = () => ({
  PATGATE_CLIENT_ID: service.config.demoApplication.clientId,
  PATGATE_CLIENT_SECRET: service.config.demoApplication.clientSecret,
});

describe('personal access tokens', () => {
  it('create → list → exchange → verify → rename → delete', async () => {
    const userId = (await service.newUser());

    const created = await patgate(
      'pats',
      'create',
      userId,
      'ci',
      '--expires-in',
      '30d',
      '-s',
      'openid',
      '-s',
      'profile',
    );
    expectSuccess(created);
    expect(created.stderr).toMatch(/^Warning: copy the token value now: it can't be shown again[^\n]*\n$/);
    const value = /^Value\s+(pat_\w+)$/m.exec(created.stdout)?.[1];
    expect(value).toBeDefined();

    const listed = await patgate('pats', 'list', userId, '--json');
    expectSuccess(listed);
    expect(listed.stdout).not.toContain(value);
    expect(JSON.parse(listed.stdout)).toEqual([
      {
        userId,
        name: 'ci',
        createdAt: expect.any(Number),
        expiresAt: expect.any(Number),
        scopes: ['openid', 'profile'],
        lastUsedAt: null,
      },
    ]);
    const [{ expiresAt }] = JSON.parse(listed.stdout) as [{ expiresAt: number }];
    expect(Math.abs(expiresAt - (Date.now() + 30 * 86_400_000))).toBeLessThan(60_000);

    // The PAT comes from stdin, as a script keeps it out of the process list.
    const exchanged = await run(
      ['--endpoint', service.config.baseUrl, 'token', 'exchange', '--pat', '-', '--access-token-only'],
      { env: demoClient(), input: `${value}\n` },
    );
    expectSuccess(exchanged);
    expect(exchanged.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const accessToken = exchanged.stdout.trim();

    const verified = await patgate('token', 'verify', accessToken, '--json');
    expectSuccess(verified);
    const verdict = JSON.parse(verified.stdout) as {
      valid: boolean;
      expiresIn: number;
      claims: Record<string, unknown>;
    };
    expect(verdict).toMatchObject({
      valid: true,
      header: { typ: 'at+jwt', alg: 'ES256' },
      claims: { sub: userId, iss: service.config.issuer, client_id: service.config.demoApplication.clientId },
    });
    expect(verdict.expiresIn).toBeGreaterThan(3500);
    expect(verdict.expiresIn).toBeLessThanOrEqual(3600);

    const renamed = await patgate('pats', 'rename', userId, 'ci', 'deploy', '--json');
    expectSuccess(renamed);
    expect(JSON.parse(renamed.stdout)).toMatchObject({ name: 'deploy', lastUsedAt: expect.any(Number) });

    const deleted = await patgate('pats', 'delete', userId, 'deploy');
    expectSuccess(deleted);
    expect(deleted.stdout).toBe(`Deleted personal access token "deploy" of ${userId}.\n`);

    const refused = await run(['--endpoint', service.config.baseUrl, 'token', 'exchange', '--pat', value!], {
      env: demoClient(),
    });
    expectFailure(refused, 1, /token exchange refused: The subject_token is invalid \(invalid_request, HTTP 400\)/);
    expect(refused.stdout).toBe('');
  });

  it('prints the whole token response; verifies tokens into a table, and says when one is not valid', async () => {
    const userId = (await service.newUser());
    const { value } = await service.client.pats.create(userId, { name: 'ci', scopes: ['openid', 'email'] });

    const exchanged = await run(
      ['--endpoint', service.config.baseUrl, 'token', 'exchange', '--pat', value, '--scope', 'openid', '--json'],
      { env: demoClient() },
    );
    expectSuccess(exchanged);
    const response = JSON.parse(exchanged.stdout) as { access_token: string };
    expect(response).toEqual({
      access_token: expect.any(String),
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'openid',
    });

    const [header, payload, signature] = response.access_token.split('.');
    const tampered = `${header}.${payload}.${signature!.startsWith('A') ? 'B' : 'A'}${signature!.slice(1)}`;
    const [verified, rejected] = await Promise.all([
      patgate('token', 'verify', response.access_token),
      patgate('token', 'verify', tampered, '--json'),
    ]);

    expectSuccess(verified);
    expect(verified.stdout).toMatch(/^Valid\s+yes$/m);
    expect(verified.stdout).toMatch(/^Expires in\s+(59m \d+s|1h)$/m);
    expect(verified.stdout).toMatch(new RegExp(`^sub\\s+${userId}$`, 'm'));
    expect(verified.stdout).toMatch(/^scope\s+openid$/m);

    // The verdict on stdout (with the unverified claims), one line on stderr, exit code 1.
    expectFailure(rejected, 1, /The access token is not valid: signature verification failed/);
    expect(JSON.parse(rejected.stdout)).toMatchObject({ valid: false, claims: { sub: userId } });
  });

  it('revokes all of a user’s tokens only with --yes', async () => {
    const userId = (await service.newUser());
    await service.client.pats.create(userId, { name: 'a' });
    await service.client.pats.create(userId, { name: 'b' });

    expectFailure(await patgate('pats', 'revoke-all', userId), 2, /without --yes/);
    expect(await service.client.pats.list(userId)).toHaveLength(2);

    expectSuccess(await patgate('pats', 'revoke-all', userId, '--yes'));
    expect(await service.client.pats.list(userId)).toEqual([]);
  });
});

describe('users', () => {
  it('suspends and unsuspends', async () => {
    const userId = (await service.newUser());
    const { value } = await service.client.pats.create(userId, { name: 'ci' });
    const exchange = () => service.client.exchange({ pat: value, ...service.config.demoApplication });

    const suspended = await patgate('users', 'suspend', userId, '--json');
    expectSuccess(suspended);
    expect(JSON.parse(suspended.stdout)).toEqual({ id: userId, isSuspended: true });
    expect((await exchange()).status).toBe(400);

    const unsuspended = await patgate('users', 'unsuspend', userId);
    expectSuccess(unsuspended);
    expect(unsuspended.stdout).toMatch(new RegExp(`^Unsuspended ${userId}`));
    expect((await exchange()).status).toBe(200);
  });
});

describe('applications and API resources', () => {
  it('creates an application (its secret shown once), updates, deletes it', async () => {
    const created = await patgate('applications', 'create', 'CI runner', '--allow-token-exchange', '--json');
    expectSuccess(created);
    expect(created.stderr).toMatch(/^Warning: copy the client secret now: it can't be shown again\.\n$/);
    const app = JSON.parse(created.stdout) as { id: string; secret: string };
    expect(app).toMatchObject({
      name: 'CI runner',
      type: 'MachineToMachine',
      isConfidential: true,
      customClientMetadata: { allowTokenExchange: true },
      secret: expect.any(String),
    });

    const updated = await patgate('apps', 'update', app.id, '--no-allow-token-exchange', '--description', 'nightly');
    expectSuccess(updated);
    expect(updated.stdout).toMatch(/^Token exchange\s+not allowed$/m);
    expect(updated.stdout).toMatch(/^Description\s+nightly$/m);
    expect(updated.stdout).not.toContain(app.secret);

    expectSuccess(await patgate('apps', 'delete', app.id));
    const missing = await patgate('apps', 'get', app.id);
    expectFailure(missing, 1, /^patgate: The application does not exist \(entity\.not_exists, HTTP 404\)\n$/);
    expect(missing.stdout).toBe('');
  });

  it('creates API resources and lists them in a table', async () => {
    const indicator = `https://api.example.com/cli-${Date.now()}`;
    const created = await patgate(
      'resources',
      'create',
      'Orders',
      indicator,
      '--access-token-ttl',
      '600',
      '--scope',
      'read:orders,write:orders',
      '--json',
    );
    expectSuccess(created);
    expect(JSON.parse(created.stdout)).toMatchObject({
      name: 'Orders',
      indicator,
      accessTokenTtl: 600,
      scopes: ['read:orders', 'write:orders'],
    });

    const listed = await patgate('resources', 'list');
    expectSuccess(listed);
    const [header, ...rows] = listed.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+NAME\s+INDICATOR\s+TOKEN LIFETIME\s+SCOPES$/);
    expect(rows.find((row) => row.includes(indicator))).toMatch(/\s+Orders\s+\S+\s+10m\s+read:orders write:orders$/);
  });
});

describe('the command line itself', () => {
  it('explains usage errors, bad input and unreachable endpoints in one line; has --help everywhere', async () => {
    const nobody = `http://127.0.0.1:${await closedPort()}`;
    const [unknownOption, badDuration, invalidInput, unreachable, help] = await Promise.all([
      patgate('pats', 'list', 'alice', '--colour'),
      patgate('pats', 'create', 'alice', 'ci', '--expires-in', 'soon'),
      patgate('resources', 'create', 'x', 'not a uri'),
      run(['--endpoint', nobody, 'pats', 'list', 'alice']),
      run(['pats', 'create', '--help']),
    ]);
    expectFailure(unknownOption, 2, /unknown option '--colour'/);
    expectFailure(badDuration, 2, /'--expires-in <duration>' argument 'soon' is invalid/);
    expectFailure(invalidInput, 1, /indicator must be an absolute URI.*\(guard\.invalid_input, HTTP 400\)/);
    expectFailure(unreachable, 1, new RegExp(`Could not reach ${nobody}: ECONNREFUSED`));

    expectSuccess(help);
    expect(help.stdout).toMatch(/^Usage: patgate pats create \[options\] <userId> <name>/);
    expect(help.stdout).toContain('--expires-in <duration>');
    expect(help.stdout).toContain('--profile <name>'); // the global options too
  });
});
