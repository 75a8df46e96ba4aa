/**
 * Nothing leaks: with DEBUG logging (and even Powertools event logging switched on, as an operator might
 * while debugging), a run through every route — successes, refusals and dependency failures — writes no
 * PAT, client secret, access token or AWS secret to the logs. And users stay apart: a PAT only ever
 * speaks for its own user, suspension and PAT deletion bite at once, application deletion within
 * CLIENT_CACHE_TTL_SECONDS.
 */
import type { Operation } from '../lambdas/routes';
import { routes } from '../lambdas/routes';
import { sendRequest } from '../client/signed-fetch';
import { startTestService, type TestService } from './harness/service';
import { dynamoDbFaults, kmsFault, startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { expectOAuthClientError, expectOAuthServerError } from './support/protocol-errors';

const CLIENT_CACHE_TTL_SECONDS = 1;
const engines = { dynamodb: process.env.AWS_ENDPOINT_URL_DYNAMODB!, kms: process.env.AWS_ENDPOINT_URL_KMS! };

let service: TestService;
let dynamodb: FaultProxy;
let kms: FaultProxy;
const captured: string[] = [];
const secrets = new Set<string>();
const restore: (() => void)[] = [];

function capture(stream: NodeJS.WriteStream): void {
  const write = stream.write;
  stream.write = ((chunk: unknown) => {
    captured.push(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
    return true;
  }) as typeof stream.write;
  restore.push(() => (stream.write = write));
}

beforeAll(async () => {
  capture(process.stdout);
  capture(process.stderr);
  Object.assign(process.env, {
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
    POWERTOOLS_LOGGER_LOG_EVENT: 'true',
    POWERTOOLS_METRICS_DISABLED: 'false',
  });
  dynamodb = await startFaultProxy({ target: engines.dynamodb, targetPrefix: 'DynamoDB_20120810.' });
  kms = await startFaultProxy({ target: engines.kms, targetPrefix: 'TrentService.' });
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamodb.url;
  process.env.AWS_ENDPOINT_URL_KMS = kms.url;
  service = await startTestService({
    handlerEnv: { CLIENT_CACHE_TTL_SECONDS: String(CLIENT_CACHE_TTL_SECONDS) },
    log: (line) => captured.push(line),
  });
  const demo = service.config.demoApplication;
  remember(demo.clientSecret, service.config.awsSecretAccessKey);
});
afterAll(async () => {
  for (const undo of restore) undo();
  await service?.close();
  await dynamodb?.close();
  await kms?.close();
  Object.assign(process.env, { AWS_ENDPOINT_URL_DYNAMODB: engines.dynamodb, AWS_ENDPOINT_URL_KMS: engines.kms });
});

function remember(...values: string[]): void {
  for (const value of values) secrets.add(value);
}

const demo = () => service.config.demoApplication;
const patsPath = (userId: string) => `/api/users/${encodeURIComponent(userId)}/personal-access-tokens`;

/** Exchanges with the demo application unless another client (secret omitted for public ones) is given. */
async function exchange(pat: string, client?: { id: string; secret?: string }) {
  const { id: clientId, secret: clientSecret } = client ?? { id: demo().clientId, secret: demo().clientSecret };
  const response = await service.client.exchange({ pat, clientId, clientSecret });
  const token = (response.json as { access_token?: string } | undefined)?.access_token;
  if (token) remember(token);
  return response;
}

async function createPat(userId: string, name: string): Promise<string> {
  const { value } = await service.client.pats.create(userId, { name });
  remember(value);
  return value;
}

describe('isolation', () => {
  it('never lets a PAT speak for another user, whatever the ids and names look like', async () => {
    const base = service.newUserId();
    const userIds = [base, `${base}2`, base.toUpperCase(), `${base}|x`, `${base}:x`, `x@${base}`];
    await Promise.all(userIds.map((id) => service.client.users.create({ id })));
    const pats = await Promise.all(userIds.map(async (userId) => ({ userId, pat: await createPat(userId, 'ci') })));
    const attempts = pats.flatMap((entry) => [entry, entry, entry]).sort(() => 0.5 - Math.random());
    await Promise.all(
      attempts.map(async ({ userId, pat }) => {
        const response = await exchange(pat);
        expect(response.status).toBe(200);
        const { payload } = await service.verify((response.json as { access_token: string }).access_token);
        expect(payload.sub).toBe(userId);
      }),
    );
    // Deleting one user's "ci" leaves the others' alone.
    await service.client.pats.delete(userIds[0]!, 'ci');
    expectOAuthClientError(await exchange(pats[0]!.pat), { status: 400, error: 'invalid_request' });
    for (const { pat } of pats.slice(1)) expect((await exchange(pat)).status).toBe(200);
  });

  it("stops a suspended user's PATs at once and only theirs, and restores them at once", async () => {
    const suspended = await service.newUser();
    const bystander = await service.newUser();
    const theirs = await Promise.all(['a', 'b', 'c'].map((name) => createPat(suspended, name)));
    const other = await createPat(bystander, 'a');

    await service.client.users.setSuspended(suspended, true);
    for (const pat of theirs) expectOAuthClientError(await exchange(pat), { status: 400, error: 'invalid_request' });
    expect((await exchange(other)).status).toBe(200);

    await service.client.users.setSuspended(suspended, false);
    for (const pat of theirs) expect((await exchange(pat)).status).toBe(200);
  });

  it("stops a user's PATs at once on revoke-all and on deletion, only theirs, and never revives them", async () => {
    const [revoked, deleted, bystander] = await Promise.all([service.newUser(), service.newUser(), service.newUser()]);
    const revokedPats = await Promise.all(['a', 'b'].map((name) => createPat(revoked, name)));
    const deletedPats = await Promise.all(['a', 'b'].map((name) => createPat(deleted, name)));
    const other = await createPat(bystander, 'a');

    await service.client.pats.revokeAll(revoked);
    for (const pat of revokedPats)
      expectOAuthClientError(await exchange(pat), { status: 400, error: 'invalid_request' });
    expect(await service.client.pats.list(revoked)).toEqual([]);
    // The same names are free again, and the new PATs work while the old stay dead.
    const renewed = await createPat(revoked, 'a');
    expect((await exchange(renewed)).status).toBe(200);
    expectOAuthClientError(await exchange(revokedPats[0]!), { status: 400, error: 'invalid_request' });

    await service.client.users.delete(deleted);
    for (const pat of deletedPats)
      expectOAuthClientError(await exchange(pat), { status: 400, error: 'invalid_request' });
    // Registering the id again makes a new user: the old user's PATs stay dead.
    await service.client.users.create({ id: deleted });
    expect(await service.client.pats.list(deleted)).toEqual([]);
    for (const pat of deletedPats)
      expectOAuthClientError(await exchange(pat), { status: 400, error: 'invalid_request' });

    expect((await exchange(other)).status).toBe(200);
  });

  it('stops a deleted application, or one no longer allowed to exchange, within CLIENT_CACHE_TTL_SECONDS', async () => {
    const pat = await createPat(await service.newUser(), 'apps');
    const doomed = await service.client.applications.create({
      name: 'doomed',
      type: 'MachineToMachine',
      allowTokenExchange: true,
    });
    const revoked = await service.client.applications.create({
      name: 'revoked',
      type: 'Native',
      allowTokenExchange: true,
    });
    remember(doomed.secret!);
    expect((await exchange(pat, doomed)).status).toBe(200);
    expect((await exchange(pat, { id: revoked.id })).status).toBe(200);

    await service.client.applications.delete(doomed.id);
    await service.client.applications.setTokenExchange(revoked.id, false);
    const changedAt = Date.now();

    // Stale-while-revalidate: at most one request after the TTL is served from the old entry.
    const deadline = changedAt + CLIENT_CACHE_TTL_SECONDS * 1000;
    const stopped = { doomed: 0, revoked: 0 };
    while (stopped.doomed === 0 || stopped.revoked === 0) {
      const startedAt = Date.now();
      const [fromDoomed, fromRevoked] = await Promise.all([exchange(pat, doomed), exchange(pat, { id: revoked.id })]);
      if (fromDoomed.status !== 200) {
        expectOAuthClientError(fromDoomed, { status: 401, error: 'invalid_client', sentAuthorization: true });
        stopped.doomed ||= startedAt;
      }
      if (fromRevoked.status !== 200) {
        expectOAuthClientError(fromRevoked, { status: 400, error: 'unauthorized_client' });
        stopped.revoked ||= startedAt;
      }
      expect(startedAt).toBeLessThan(deadline + 2000);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Once stopped, they stay stopped.
    expect((await exchange(pat, doomed)).status).toBe(401);
    expect((await exchange(pat, { id: revoked.id })).status).toBe(400);
  });
});

describe('secrets', () => {
  /** One call (or a few) per route of the table, refusals and failures included; the compiler checks coverage. */
  const exercise = (userId: string): Record<Operation, () => Promise<unknown>> => ({
    exchangeToken: async () => {
      const pat = await createPat(userId, 'exchange');
      await exchange(pat);
      await exchange(pat, { id: demo().clientId, secret: 'wrong-secret' });
      await exchange(`${pat.slice(0, -1)}x`);
      const raw = `grant_type=x&client_secret=${demo().clientSecret}&client_secret=${demo().clientSecret}&subject_token=${pat}`;
      await sendRequest('POST', `${service.config.baseUrl}/oidc/token`, {
        body: raw,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      // Dependency failures are logged with their cause: 503 from DynamoDB, 500 from KMS.
      dynamodb.inject({
        operations: ['GetItem'],
        when: (body) => body.includes('"PATHASH#'),
        fault: dynamoDbFaults.internalServerError,
        times: 3,
      });
      expectOAuthServerError(await exchange(pat), 'retryable');
      kms.inject({ operations: ['Sign'], fault: kmsFault('DisabledException'), times: 1 });
      expectOAuthServerError(await exchange(pat), 'permanent');
    },
    introspectToken: async () => {
      const token = (await exchange(await createPat(userId, 'introspected'))).json as { access_token: string };
      const client = { clientId: demo().clientId, clientSecret: demo().clientSecret };
      await service.client.introspect({ ...client, token: token.access_token });
      await service.client.introspect({ ...client, clientSecret: 'wrong-secret', token: token.access_token });
    },
    revokeToken: async () => {
      const pat = await createPat(userId, 'revoked');
      const token = (await exchange(pat)).json as { access_token: string };
      const client = { clientId: demo().clientId, clientSecret: demo().clientSecret };
      await service.client.revoke({ ...client, token: token.access_token });
      await service.client.revoke({
        ...client,
        token: pat,
        tokenTypeHint: 'urn:logto:token-type:personal_access_token',
      });
    },
    revokeCredentials: async () => {
      const pat = await createPat(userId, 'leaked');
      await service.client.revokeCredentials([pat, `${pat.slice(0, -1)}x`, 'not a pat']);
    },
    listAuditLogs: () => service.client.audit.list({ action: 'pat.created' }),
    listUserAuditLogs: () => service.client.audit.list({ userId, perUserRoute: true }),
    getJwks: () => sendRequest('GET', `${service.config.issuer}/jwks`),
    getOpenIdConfiguration: () => sendRequest('GET', `${service.config.issuer}/.well-known/openid-configuration`),
    getAuthorizationServerMetadata: () =>
      sendRequest('GET', `${service.config.baseUrl}/.well-known/oauth-authorization-server`),
    createPersonalAccessToken: async () => {
      await createPat(userId, 'one');
      await service.client.raw('POST', patsPath(userId), { name: 'one' });
    },
    listPersonalAccessTokens: () => service.client.pats.list(userId),
    renamePersonalAccessToken: () => service.client.pats.rename(userId, 'one', 'two'),
    renamePersonalAccessTokenByPath: () => service.client.raw('PATCH', `${patsPath(userId)}/two`, { name: 'three' }),
    getSelfPersonalAccessToken: async () => {
      const pat = await createPat(userId, 'self');
      await sendRequest('GET', `${service.config.baseUrl}/me/personal-access-token`, {
        headers: { authorization: `Bearer ${pat}` },
      });
    },
    revokeSelfPersonalAccessToken: async () => {
      const pat = await createPat(userId, 'self-revoked');
      for (let i = 0; i < 2; i++) {
        await sendRequest('DELETE', `${service.config.baseUrl}/me/personal-access-token`, {
          headers: { authorization: `Bearer ${pat}` },
        });
      }
    },
    rotatePersonalAccessToken: () =>
      service.client.raw('POST', `${patsPath(userId)}/three/rotate`, { graceSeconds: 5 }),
    deletePersonalAccessTokenByPath: () => service.client.raw('DELETE', `${patsPath(userId)}/three`),
    deletePersonalAccessToken: async () => {
      await createPat(userId, 'four');
      await service.client.pats.delete(userId, 'four');
    },
    revokeAllPersonalAccessTokens: () => service.client.pats.revokeAll(userId),
    setUserSuspended: () => service.client.users.setSuspended(userId, false),
    createUser: () => service.client.users.create({ id: `${userId}-other`, primaryEmail: `${userId}@example.com` }),
    listUsers: () => service.client.users.list({ search: userId }),
    getUser: () => service.client.users.get(userId),
    updateUser: () => service.client.users.update(userId, { name: 'Leaky' }),
    deleteUser: async () => {
      const pat = await createPat(`${userId}-other`, 'doomed');
      await service.client.users.delete(`${userId}-other`);
      await exchange(pat);
    },
    createApplication: async () => {
      const app = await service.client.applications.create({
        name: 'leaky?',
        type: 'Traditional',
        allowTokenExchange: true,
      });
      remember(app.secret!);
      const pat = await createPat(userId, 'via-app');
      await exchange(pat, app);
    },
    listApplications: () => service.client.applications.list(),
    getApplication: () => service.client.applications.get(demo().clientId),
    updateApplication: () => service.client.applications.setTokenExchange(demo().clientId, true),
    deleteApplication: async () => {
      const app = await service.client.applications.create({ name: 'gone', type: 'MachineToMachine' });
      remember(app.secret!);
      await service.client.applications.delete(app.id);
    },
    createResource: () =>
      service.client.resources.create({ name: 'api', indicator: `https://api.example.com/${userId}` }),
    listResources: () => service.client.resources.list(),
    getResource: async () => {
      const [first] = await service.client.resources.list();
      await service.client.resources.get(first!.id);
    },
    updateResource: async () => {
      const [first] = await service.client.resources.list();
      await service.client.resources.update(first!.id, { patPolicy: { maxLifetimeSeconds: 86400 } });
      await service.client.resources.update(first!.id, { patPolicy: null });
    },
    deleteResource: async () => {
      const resource = await service.client.resources.create({
        name: 'tmp',
        indicator: `https://tmp.example.com/${userId}`,
      });
      await service.client.resources.delete(resource.id);
    },
    listResourceScopes: async () => {
      const [first] = await service.client.resources.list();
      await service.client.resources.scopes.list(first!.id);
    },
    createResourceScope: async () => {
      const [first] = await service.client.resources.list();
      await service.client.resources.scopes.create(first!.id, { name: `scope:${userId}` });
    },
    updateResourceScope: async () => {
      const [first] = await service.client.resources.list();
      const [scope] = await service.client.resources.scopes.list(first!.id);
      await service.client.resources.scopes.update(first!.id, scope!.id, { description: 'leaky?' });
    },
    deleteResourceScope: async () => {
      const [first] = await service.client.resources.list();
      const scope = await service.client.resources.scopes.create(first!.id, { name: `gone:${userId}` });
      await service.client.resources.scopes.delete(first!.id, scope.id);
    },
    listRoles: () => service.client.roles.list(),
    createRole: () => service.client.roles.create({ name: `role-${userId}`, description: 'leaky?' }),
    getRole: async () => {
      const [first] = await service.client.roles.list();
      await service.client.roles.get(first!.id);
    },
    updateRole: async () => {
      const [first] = await service.client.roles.list();
      await service.client.roles.update(first!.id, { description: 'still leaky?' });
    },
    deleteRole: async () => {
      const role = await service.client.roles.create({ name: `gone-${userId}`, description: 'tmp' });
      await service.client.roles.delete(role.id);
    },
    listRoleScopes: async () => {
      const [first] = await service.client.roles.list();
      await service.client.roles.scopes(first!.id);
    },
    addRoleScopes: async () => {
      const [resource] = await service.client.resources.list();
      const [scope] = await service.client.resources.scopes.list(resource!.id);
      const [role] = await service.client.roles.list();
      await service.client.roles.addScopes(role!.id, [scope!.id]);
    },
    deleteRoleScope: async () => {
      const [role] = await service.client.roles.list();
      const [scope] = await service.client.roles.scopes(role!.id);
      await service.client.roles.removeScope(role!.id, scope!.id);
    },
    listUserRoles: () => service.client.roles.ofUser(userId),
    assignUserRoles: async () => {
      const [role] = await service.client.roles.list();
      await service.client.roles.assign(userId, [role!.id]);
    },
    removeUserRole: async () => {
      const [role] = await service.client.roles.list();
      await service.client.roles.unassign(userId, role!.id);
    },
    createOrganization: () => service.client.organizations.create({ name: `org ${userId}` }),
    listOrganizations: () => service.client.organizations.list(),
    getOrganization: async () => {
      const [first] = await service.client.organizations.list();
      await service.client.organizations.get(first!.id);
    },
    updateOrganization: async () => {
      const [first] = await service.client.organizations.list();
      await service.client.organizations.update(first!.id, { description: 'leaky?' });
    },
    deleteOrganization: async () => {
      const organization = await service.client.organizations.create({ name: 'gone' });
      await service.client.organizations.delete(organization.id);
    },
    listOrganizationUsers: async () => {
      const [first] = await service.client.organizations.list();
      await service.client.organizations.members(first!.id);
    },
    addOrganizationUsers: async () => {
      const [first] = await service.client.organizations.list();
      await service.client.organizations.addMembers(first!.id, [userId]);
      const pat = await createPat(userId, 'org');
      await service.client.exchange({
        pat,
        clientId: demo().clientId,
        clientSecret: demo().clientSecret,
        organizationId: first!.id,
      });
    },
    removeOrganizationUser: async () => {
      const [first] = await service.client.organizations.list();
      await service.client.organizations.removeMember(first!.id, userId);
      await service.client.organizations.addMembers(first!.id, [userId]);
    },
    createOrganizationScope: () => service.client.organizations.scopes.create({ name: `read:${userId}` }),
    listOrganizationScopes: () => service.client.organizations.scopes.list(),
    getOrganizationScope: async () => {
      const [first] = await service.client.organizations.scopes.list();
      await service.client.organizations.scopes.get(first!.id);
    },
    updateOrganizationScope: async () => {
      const [first] = await service.client.organizations.scopes.list();
      await service.client.organizations.scopes.update(first!.id, { description: 'leaky?' });
    },
    deleteOrganizationScope: async () => {
      const scope = await service.client.organizations.scopes.create({ name: `gone:${userId}` });
      await service.client.organizations.scopes.delete(scope.id);
    },
    createOrganizationRole: () => service.client.organizations.roles.create({ name: `member ${userId}` }),
    listOrganizationRoles: () => service.client.organizations.roles.list(),
    getOrganizationRole: async () => {
      const [first] = await service.client.organizations.roles.list();
      await service.client.organizations.roles.get(first!.id);
    },
    updateOrganizationRole: async () => {
      const [first] = await service.client.organizations.roles.list();
      await service.client.organizations.roles.update(first!.id, { description: 'leaky?' });
    },
    deleteOrganizationRole: async () => {
      const role = await service.client.organizations.roles.create({ name: `gone ${userId}` });
      await service.client.organizations.roles.delete(role.id);
    },
    listOrganizationRoleScopes: async () => {
      const [first] = await service.client.organizations.roles.list();
      await service.client.organizations.roles.scopes(first!.id);
    },
    addOrganizationRoleScopes: async () => {
      const [role] = await service.client.organizations.roles.list();
      const [scope] = await service.client.organizations.scopes.list();
      await service.client.organizations.roles.addScopes(role!.id, [scope!.id]);
    },
    removeOrganizationRoleScope: async () => {
      const [role] = await service.client.organizations.roles.list();
      const [scope] = await service.client.organizations.scopes.list();
      await service.client.organizations.roles.removeScope(role!.id, scope!.id);
    },
    listUserOrganizations: () => service.client.organizations.ofUser(userId),
    replaceOrganizationUsers: async () => {
      const organization = await service.client.organizations.create({ name: 'replaced' });
      await service.client.organizations.replaceMembers(organization.id, [userId]);
    },
    replaceMemberRoles: async () => {
      const [first] = await service.client.organizations.list();
      await service.client.organizations.replaceMemberRoles(first!.id, userId, []);
    },
    replaceOrganizationRoleScopes: async () => {
      const [role] = await service.client.organizations.roles.list();
      const [scope] = await service.client.organizations.scopes.list();
      await service.client.organizations.roles.replaceScopes(role!.id, [scope!.id]);
    },
    replaceUserRoles: () => service.client.roles.replace(userId, []),
    listMemberRoles: async () => {
      const [first] = await service.client.organizations.list();
      await service.client.organizations.memberRoles(first!.id, userId);
    },
    assignMemberRoles: async () => {
      const [first] = await service.client.organizations.list();
      const [role] = await service.client.organizations.roles.list();
      await service.client.organizations.assignMemberRoles(first!.id, userId, [role!.id]);
    },
    removeMemberRole: async () => {
      const [first] = await service.client.organizations.list();
      const [role] = await service.client.organizations.roles.list();
      await service.client.organizations.removeMemberRole(first!.id, userId, role!.id);
    },
    getOpenApiDocument: () => service.client.raw('GET', '/api/openapi.json'),
  });

  it('writes no PAT, client secret, access token or AWS secret to the logs of a run through every route', async () => {
    const calls = exercise(await service.newUser());
    expect(Object.keys(calls).sort()).toEqual(routes.map((route) => route.operation).sort());
    for (const call of Object.values(calls)) await call();

    const output = captured.join('\n');
    // The capture really saw the handlers' structured logs, errors, event logging and metrics included (the success
    // line counts TokenExchangeSucceeded itself: observability.ts infoCounting).
    expect(output).toMatch(
      /"message":"token issued".*"_aws":\{"Timestamp":\d+,"CloudWatchMetrics".*"TokenExchangeSucceeded":1/,
    );
    expect(output).toMatch(/"message":"pat.created"/);
    expect(output).toMatch(/"level":"ERROR","message":"request failed"/);
    expect(output).toMatch(/"level":"DEBUG"/);

    const leaks = [...secrets].flatMap((secret) => {
      const forms = [secret, encodeURIComponent(secret)];
      if (secret.startsWith('pat_')) forms.push(secret.slice('pat_'.length));
      if (secret.split('.').length === 3) forms.push(secret.split('.')[2]!);
      return forms.filter((form) => output.includes(form)).map((form) => `${form.slice(0, 12)}…`);
    });
    const basic = Buffer.from(`${demo().clientId}:${demo().clientSecret}`).toString('base64');
    expect(leaks).toEqual([]);
    expect(output).not.toContain(basic);
    expect(secrets.size).toBeGreaterThan(5);
  });
});
