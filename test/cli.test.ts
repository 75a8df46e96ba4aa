/**
 * The CLI as operators and CI scripts run it: the real bin entry in a child process, against the local service.
 * Each run costs a Node.js start, so the scenarios below chain several commands each.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
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
  it('register the user → create → list → exchange → verify → rename → delete', async () => {
    const userId = service.newUserId();
    expectFailure(await patgate('pats', 'list', userId), 1, /The user does not exist \(entity\.not_found, HTTP 404\)/);
    expectSuccess(await patgate('users', 'create', '--id', userId));

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
        lastClientId: null,
        lastSourceIp: null,
        rotatedAt: null,
        revokedAt: null,
        revokedReason: null,
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

    const beforeUse = Date.now();
    const rotated = await patgate('pats', 'rotate', userId, 'deploy', '--grace', '1m', '--json');
    expectSuccess(rotated);
    const rotatedValue = (JSON.parse(rotated.stdout) as { value: string }).value;
    expect(rotatedValue).toMatch(/^pat_/);
    expect(rotatedValue).not.toBe(value);
    expect(
      (
        await service.client.exchange({
          pat: rotatedValue,
          clientId: service.config.demoApplication.clientId,
          clientSecret: service.config.demoApplication.clientSecret,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await service.client.exchange({
          pat: value!,
          clientId: service.config.demoApplication.clientId,
          clientSecret: service.config.demoApplication.clientSecret,
        })
      ).status,
    ).toBe(200);
    const unused = await patgate('pats', 'list', userId, '--unused-since', String(beforeUse), '--json');
    expect(JSON.parse(unused.stdout)).toEqual([]);

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
    const userId = await service.newUser();
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
    const userId = await service.newUser();
    await service.client.pats.create(userId, { name: 'a' });
    await service.client.pats.create(userId, { name: 'b' });

    expectFailure(await patgate('pats', 'revoke-all', userId), 2, /without --yes/);
    expect(await service.client.pats.list(userId)).toHaveLength(2);

    expectSuccess(await patgate('pats', 'revoke-all', userId, '--yes'));
    expect(await service.client.pats.list(userId)).toEqual([]);
  });
});

describe('users', () => {
  it('create → get → update → suspend → unsuspend → delete (with --yes), their PATs going with them', async () => {
    const userId = service.newUserId();
    const username = `u_${userId.replace(/\W/g, '_')}`;
    const created = await patgate(
      'users',
      'create',
      '--id',
      userId,
      '--username',
      username,
      '--email',
      `${userId}@example.com`,
      '--name',
      'Ada Lovelace',
      '--json',
    );
    expectSuccess(created);
    expect(JSON.parse(created.stdout)).toMatchObject({
      id: userId,
      username,
      primaryEmail: `${userId}@example.com`,
      primaryPhone: null,
      name: 'Ada Lovelace',
      isSuspended: false,
    });
    const duplicate = await patgate('users', 'create', '--id', userId);
    expectFailure(duplicate, 1, /A user with this id already exists \(entity\.unique_integrity_violation, HTTP 422\)/);

    const { value } = await service.client.pats.create(userId, { name: 'ci' });
    const exchange = () => service.client.exchange({ pat: value, ...service.config.demoApplication });

    const shown = await patgate('users', 'get', userId);
    expectSuccess(shown);
    expect(shown.stdout).toMatch(new RegExp(`^ID\\s+${userId}$`, 'm'));
    expect(shown.stdout).toMatch(/^Name\s+Ada Lovelace$/m);
    expect(shown.stdout).toMatch(/^Status\s+active$/m);
    expect(shown.stdout).not.toMatch(/^Phone/m);

    expectFailure(await patgate('users', 'update', userId), 2, /Nothing to update/);
    const updated = await patgate('users', 'update', userId, '--phone', '15550100', '--name', '');
    expectSuccess(updated);
    expect(updated.stdout).toMatch(/^Phone\s+15550100$/m);
    expect(updated.stdout).not.toMatch(/^Name/m);
    expect(await service.client.users.get(userId)).toMatchObject({ primaryPhone: '15550100', name: null });
    expectFailure(
      await patgate('users', 'update', userId, '--phone', 'call me'),
      1,
      /primaryPhone must be digits only.*\(guard\.invalid_input, HTTP 400\)/,
    );

    const suspended = await patgate('users', 'suspend', userId, '--json');
    expectSuccess(suspended);
    expect(JSON.parse(suspended.stdout)).toMatchObject({ id: userId, username, isSuspended: true });
    expect((await exchange()).status).toBe(400);

    const unsuspended = await patgate('users', 'unsuspend', userId);
    expectSuccess(unsuspended);
    expect(unsuspended.stdout).toMatch(new RegExp(`^Unsuspended ${userId}`));
    expect(unsuspended.stdout).toMatch(/^Status\s+active$/m);
    expect((await exchange()).status).toBe(200);

    expectFailure(await patgate('users', 'delete', userId), 2, /without --yes/);
    expect((await service.client.users.get(userId)).id).toBe(userId);
    const deleted = await patgate('users', 'delete', userId, '--yes');
    expectSuccess(deleted);
    expect(deleted.stdout).toBe(`Deleted user ${userId} and their personal access tokens.\n`);
    expect((await exchange()).status).toBe(400);
    const missing = await patgate('users', 'get', userId);
    expectFailure(missing, 1, /^patgate: The user does not exist \(entity\.not_exists_with_id, HTTP 404\)\n$/);
    expect(missing.stdout).toBe('');
  });

  it('generates an id when none is given', async () => {
    const created = await patgate('users', 'create', '--json');
    expectSuccess(created);
    const { id } = JSON.parse(created.stdout) as { id: string };
    expect(id).toMatch(/^[a-z0-9]{12}$/);
    expect((await service.client.users.get(id)).id).toBe(id);
  });

  it('lists and searches users a page at a time, in a table', async () => {
    const tag = `pager${Date.now().toString(36)}`;
    // Created one after another, a few milliseconds apart, so that "newest first" has an order to show.
    for (const n of [1, 2, 3]) {
      await service.client.users.create({ id: `${tag}-${n}`, name: `Pager ${n}` });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }

    const [first, second, beyond, json, none, badSize] = await Promise.all([
      patgate('users', 'list', '--search', tag, '--page-size', '2'),
      patgate('users', 'list', '--search', tag, '--page-size', '2', '--page', '2'),
      patgate('users', 'list', '--search', tag, '--page-size', '2', '--page', '3'),
      patgate('users', 'list', '--search', `${tag}-2`, '--json'),
      patgate('users', 'list', '--search', `${tag}-none`),
      patgate('users', 'list', '--page-size', '101'),
    ]);
    for (const result of [first, second, beyond, json, none]) expectSuccess(result);

    const [header, ...rows] = first.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+USERNAME\s+EMAIL\s+NAME\s+STATUS\s+CREATED$/);
    expect(rows).toEqual([
      expect.stringMatching(new RegExp(`^${tag}-3\\s+Pager 3\\s+active\\s+\\d{4}-`)),
      expect.stringMatching(new RegExp(`^${tag}-2\\s+Pager 2\\s+active\\s+\\d{4}-`)),
      'Page 1 of 2 (3 users).',
    ]);
    expect(second.stdout.trimEnd().split('\n').slice(1)).toEqual([
      expect.stringMatching(new RegExp(`^${tag}-1\\s`)),
      'Page 2 of 2 (3 users).',
    ]);
    expect(beyond.stdout).toBe('No users on page 3 of 2 (3 users).\n');
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ id: `${tag}-2`, name: 'Pager 2' })]);
    expect(none.stdout).toBe(`No users match "${tag}-none".\n`);
    expectFailure(badSize, 1, /\(guard\.invalid_pagination, HTTP 400\)/);
  });
});

describe('audit', () => {
  it('lists the audit trail of a user in a table, filtered by action and PAT, and as JSON', async () => {
    const userId = await service.newUser();
    await service.client.pats.create(userId, { name: 'audited' });
    await service.client.pats.delete(userId, 'audited');

    const [table, json, filtered, badAction] = await Promise.all([
      patgate('audit', 'list', '--user', userId),
      patgate('audit', 'list', '--user', userId, '--json'),
      patgate(
        'audit',
        'list',
        '--user',
        userId,
        '--pat',
        'audited',
        '--action',
        'pat.created',
        '--since',
        '2020-01-01',
      ),
      patgate('audit', 'list', '--action', 'not an action'),
    ]);
    for (const result of [table, json, filtered]) expectSuccess(result);
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^TIME\s+ACTION\s+TARGET\s+CALLER\s+SOURCE IP$/);
    expect(rows).toEqual([
      expect.stringMatching(
        new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\S+\\s+pat\\.deleted\\s+user ${userId}, PAT "audited"\\s+arn:aws:iam::`),
      ),
      expect.stringMatching(/\spat\.created\s/),
      expect.stringMatching(/\suser\.created\s/),
      'Page 1 of 1 (3 events).',
    ]);
    expect((JSON.parse(json.stdout) as { action: string }[]).map((event) => event.action)).toEqual([
      'pat.deleted',
      'pat.created',
      'user.created',
    ]);
    expect(filtered.stdout).toMatch(/pat\.created/);
    expect(filtered.stdout).not.toMatch(/pat\.deleted|user\.created/);
    expectFailure(badAction, 1, /guard\.invalid_input, HTTP 400/);
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

describe('PAT policy overrides', () => {
  it('sets, shows, merges and removes an application’s and a resource’s override', async () => {
    const created = await patgate(
      'apps',
      'create',
      'CI',
      '--pat-require-expiry',
      '--pat-max-lifetime',
      '30d',
      '--json',
    );
    expectSuccess(created);
    const app = JSON.parse(created.stdout) as { id: string };
    expect(JSON.parse(created.stdout)).toMatchObject({
      patPolicy: { requireExpiry: true, maxLifetimeSeconds: 2592000 },
    });
    // Given rules replace theirs; the others stay.
    const merged = await patgate(
      'apps',
      'update',
      app.id,
      '--pat-revoke-unused-after',
      '7d',
      '--no-pat-require-expiry',
    );
    expectSuccess(merged);
    expect(merged.stdout).toMatch(
      /^PAT policy\s+max lifetime 30d, unused for 7d at most \(within the deployment's\)$/m,
    );
    const cleared = await patgate('apps', 'update', app.id, '--no-pat-policy');
    expectSuccess(cleared);
    expect(cleared.stdout).toMatch(/^PAT policy\s+the deployment's$/m);

    const indicator = `https://api.example.com/cli-policy-${Date.now()}`;
    const resource = JSON.parse(
      (await patgate('resources', 'create', 'Policy', indicator, '--pat-max-lifetime', '12h', '--json')).stdout,
    ) as { id: string; patPolicy: unknown };
    expect(resource.patPolicy).toEqual({ maxLifetimeSeconds: 43200 });
    const updated = await patgate('resources', 'update', resource.id, '--name', 'Policy 2', '--pat-require-expiry');
    expectSuccess(updated);
    expect(updated.stdout).toMatch(/^Name\s+Policy 2$/m);
    expect(updated.stdout).toMatch(/^PAT policy\s+expiry required, max lifetime 12h \(within the deployment's\)$/m);
    expectFailure(await patgate('resources', 'update', resource.id), 2, /Nothing to update/);
    expectFailure(await patgate('resources', 'update', resource.id, '--pat-max-lifetime', '0d'), 2, /positive number/);
  });
});

describe('roles', () => {
  it("lists a resource's scopes, creates a role granting one, gives it to a user and takes it back", async () => {
    const indicator = `https://api.example.com/cli-roles-${Date.now()}`;
    const resource = await service.client.resources.create({ name: 'Roles', indicator, scopes: ['read:r'] });
    const added = await patgate('resources', 'add-scope', resource.id, 'write:r', '--json');
    expectSuccess(added);
    const write = JSON.parse(added.stdout) as { id: string; name: string };
    expect(write.name).toBe('write:r');
    const scopes = await patgate('resources', 'scopes', resource.id);
    expectSuccess(scopes);
    expect(scopes.stdout).toMatch(/^SCOPE ID\s+NAME\s+DESCRIPTION$/m);
    expect(scopes.stdout).toContain('read:r');

    const created = await patgate(
      'roles',
      'create',
      `writers-${Date.now()}`,
      'Writers',
      '--scope-id',
      write.id,
      '--json',
    );
    expectSuccess(created);
    const role = JSON.parse(created.stdout) as { id: string; name: string };
    expect((await patgate('roles', 'list', '--search', role.name)).stdout).toContain(role.id);
    expect((await patgate('roles', 'list', '--search', role.name, '--type', 'MachineToMachine')).stdout).toBe(
      'No roles.\n',
    );
    const roleScopes = await patgate('roles', 'scopes', role.id);
    expectSuccess(roleScopes);
    expect(roleScopes.stdout).toMatch(new RegExp(`${write.id}\\s+write:r\\s+${indicator}`));

    const userId = await service.newUser();
    const assigned = await patgate('roles', 'assign', userId, role.id);
    expectSuccess(assigned);
    expect(assigned.stdout).toBe(`Gave ${userId} 1 new role(s) of 1.\n`);
    expect((await patgate('roles', 'of', userId)).stdout).toContain(role.id);
    expectSuccess(await patgate('roles', 'replace', userId));
    expect((await patgate('roles', 'of', userId)).stdout).toBe('No roles.\n');
    expectSuccess(await patgate('roles', 'replace', userId, role.id));
    expectSuccess(await patgate('roles', 'unassign', userId, role.id));
    expect((await patgate('roles', 'of', userId)).stdout).toBe('No roles.\n');
    const missing = await patgate('roles', 'unassign', userId, role.id);
    expectFailure(missing, 1, /\(entity\.not_found, HTTP 404\)/);
  });
});

describe('organizations', () => {
  it('creates an organization, adds a member, lists members, and deletes it', async () => {
    const created = await patgate('orgs', 'create', `Acme ${Date.now()}`, '--json');
    expectSuccess(created);
    const organization = JSON.parse(created.stdout) as { id: string };
    const userId = await service.newUser();
    const added = await patgate('orgs', 'add-member', organization.id, userId);
    expectSuccess(added);
    expect(added.stdout).toBe(`Added 1 member(s) to ${organization.id}.\n`);
    const role = await service.client.organizations.roles.create({ name: `viewer ${Date.now()}` });
    expectSuccess(await patgate('orgs', 'assign-roles', organization.id, userId, role.id));
    const members = await patgate('orgs', 'members', organization.id);
    expectSuccess(members);
    expect(members.stdout).toMatch(new RegExp(`^${userId}\\s+viewer`, 'm'));
    const ofUser = await patgate('orgs', 'of-user', userId);
    expectSuccess(ofUser);
    expect(ofUser.stdout).toMatch(new RegExp(`^${organization.id}\\s+Acme \\d+\\s+viewer`, 'm'));
    const replacedRoles = await patgate('orgs', 'replace-roles', organization.id, userId);
    expectSuccess(replacedRoles);
    expect(replacedRoles.stdout).toBe(`${userId} now has 0 organization role(s) in ${organization.id}.\n`);
    expect(await service.client.organizations.memberRoles(organization.id, userId)).toEqual([]);
    const other = await service.newUser();
    expectSuccess(await patgate('orgs', 'replace-members', organization.id, userId, other));
    expect((await service.client.organizations.members(organization.id)).map((member) => member.id).sort()).toEqual(
      [userId, other].sort(),
    );
    expectSuccess(await patgate('orgs', 'replace-members', organization.id, userId));
    expectSuccess(await patgate('orgs', 'remove-member', organization.id, userId));
    expect((await patgate('orgs', 'members', organization.id)).stdout).toBe('No members.\n');
    expect((await patgate('orgs', 'of-user', userId)).stdout).toBe('No organizations.\n');
    expect((await patgate('orgs', 'list', '--search', organization.id)).stdout).toContain(organization.id);
    expectSuccess(await patgate('orgs', 'delete', organization.id));
    expect((await patgate('orgs', 'list')).stdout).not.toContain(organization.id);
  });
});

describe('the command line itself', () => {
  it('stops quietly when the reader of its output goes away (| head)', async () => {
    const child = spawn(process.execPath, [join(__dirname, '..', 'cli', 'patgate.cjs'), 'users', 'list', '--help']);
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });

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
