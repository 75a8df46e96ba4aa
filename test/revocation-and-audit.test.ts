/**
 * Issue 16 through HTTP against the local service: tokens carry their PAT's id; RFC 7662 introspection
 * answers `active: false` at once when anything behind a token changed; RFC 7009 revocation of access
 * tokens (by jti) and PAT values; the public leaked-credential endpoint answers the same whatever was real;
 * and the audit trail: one event per change, written in the change's transaction (faults injected by a
 * proxy in front of DynamoDB Local), none for a change that didn't happen, one per change under races.
 */
import { decodeJwt } from 'jose';
import { createHash } from 'node:crypto';
import type { TestService } from './harness/service';
import { startServiceBehindDynamoDbFaults, type ServiceBehindFaults } from './support/behind-dynamodb-faults';
import { dynamoDbFaults, type FaultProxy } from './support/fault-proxy';
import { headerOf, type AnyResponse } from './support/protocol-errors';
import { patInvariantViolations, scanItems, scanTable } from './support/table-invariants';
import type { AuditEvent } from '../client/types';
import { PAT_TOKEN_TYPE } from '../lambdas/shared/oauth';

const engineUrl = process.env.AWS_ENDPOINT_URL_DYNAMODB!;
let proxy: FaultProxy;
let service: TestService;
let running: ServiceBehindFaults | undefined;

beforeAll(async () => {
  running = await startServiceBehindDynamoDbFaults();
  ({ proxy, service } = running);
});
afterAll(() => running?.close());
afterEach(() => proxy.clear());

const demo = () => service.config.demoApplication;
const client = () => ({ clientId: demo().clientId, clientSecret: demo().clientSecret });
const patsPath = (userId: string) => `/api/users/${encodeURIComponent(userId)}/personal-access-tokens`;
const table = () => scanTable(engineUrl, service.config.tableName);

async function newPat(userId: string, name = 'ci'): Promise<string> {
  return (await service.client.pats.create(userId, { name })).value;
}

async function accessToken(pat: string): Promise<string> {
  const response = await service.client.exchange({ pat, ...client() });
  expect(response.status).toBe(200);
  return (response.json as { access_token: string }).access_token;
}

async function introspect(
  token: string,
  as: { clientId: string; clientSecret?: string } = client(),
): Promise<Record<string, unknown>> {
  const response = await service.client.introspect({ token, ...as });
  expect(response.status).toBe(200);
  expect(headerOf(response, 'cache-control')).toBe('no-store');
  return response.json as Record<string, unknown>;
}

const isActive = async (token: string) => (await introspect(token)).active;

async function events(query: Parameters<TestService['client']['audit']['list']>[0]): Promise<AuditEvent[]> {
  return (await service.client.audit.list({ pageSize: 100, ...query })).events;
}

describe('tokens carry their PAT id', () => {
  it('puts a stable, non-secret pat_id in the JWT (verified against the served JWKS), kept across a rename', async () => {
    const userId = await service.newUser();
    const pat = await newPat(userId, 'before');
    const first = (await service.verify(await accessToken(pat))).payload;
    expect(first.pat_id).toMatch(/^[0-9A-Za-z]{16}$/);
    expect(JSON.stringify(first)).not.toContain(pat.slice(4));
    expect(JSON.stringify(first)).not.toContain(createHash('sha256').update(pat).digest('hex'));

    await service.client.pats.rename(userId, 'before', 'after');
    const second = (await service.verify(await accessToken(pat))).payload;
    expect(second.pat_id).toBe(first.pat_id);
    // Another PAT has another id.
    const other = (await service.verify(await accessToken(await newPat(userId, 'other')))).payload;
    expect(other.pat_id).not.toBe(first.pat_id);
  });
});

describe('PATs from before PAT ids', () => {
  it('exchange without pat_id (introspected inactive) until the maintenance migration gives them an id', async () => {
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const { DeleteCommand, DynamoDBDocumentClient, PutCommand } = await import('@aws-sdk/lib-dynamodb');
    const { generatePatValue, hashPatValue } = await import('../lambdas/shared/crypto/pat-value');
    const { keys } = await import('../lambdas/shared/store/keys');
    const userId = await service.newUser();
    const patEpoch = (await rawItems()).find((item) => item.pk === `USER#${userId}` && item.sk === 'USER')!.patEpoch;
    const value = generatePatValue();
    const tokenHash = hashPatValue(value);
    // As patgate 0.2 wrote a PAT: two items, no id.
    const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: engineUrl }));
    const common = { userId, name: 'old', expiresAt: null, scopes: null, patEpoch };
    await dynamo.send(
      new PutCommand({
        TableName: service.config.tableName,
        Item: { ...keys.pat(userId, 'old'), ...common, tokenHash, createdAt: Date.now(), lastUsedAt: null },
      }),
    );
    await dynamo.send(
      new PutCommand({ TableName: service.config.tableName, Item: { ...keys.patHash(tokenHash), ...common } }),
    );
    // The local service ran maintenance at start-up on an empty table, which marked the migration done; a
    // table upgraded from 0.2 has no marker yet.
    await dynamo.send(
      new DeleteCommand({ TableName: service.config.tableName, Key: { pk: 'MIGRATION#pat-ids-v1', sk: 'MIGRATION' } }),
    );
    dynamo.destroy();

    const before = await accessToken(value);
    expect((await service.verify(before)).payload.pat_id).toBeUndefined();
    expect(await introspect(before)).toEqual({ active: false });

    const report = await service.runMaintenance();
    expect(report.patIdsAssigned).toBeGreaterThanOrEqual(1);
    const after = await accessToken(value);
    const patId = (await service.verify(after)).payload.pat_id;
    expect(patId).toMatch(/^[0-9A-Za-z]{16}$/);
    expect(await introspect(after)).toMatchObject({ active: true, pat_id: patId });
    // Fails closed for the token that can't be linked to its PAT.
    expect(await introspect(before)).toEqual({ active: false });
    expect(patInvariantViolations(await table())).toEqual([]);

    // Once a run finds nothing left, the migration marks itself done.
    expect((await service.runMaintenance()).patIdsAssigned).toBe(0);
    expect((await service.runMaintenance()).patIdsAssigned).toBe('already done');
    await service.client.pats.delete(userId, 'old');
    expect(await introspect(after)).toEqual({ active: false });
  });
});

describe('introspection (RFC 7662)', () => {
  it('is listed in discovery with revocation, and answers the RFC 7662 fields for a live token', async () => {
    const metadata = await service.client.metadata();
    expect(metadata).toMatchObject({
      introspection_endpoint: `${service.config.issuer}/token/introspection`,
      revocation_endpoint: `${service.config.issuer}/token/revocation`,
    });
    const userId = await service.newUser();
    const token = await accessToken(await newPat(userId));
    const claims = (await service.verify(token)).payload;
    expect(await introspect(token)).toEqual({
      active: true,
      scope: '',
      client_id: demo().clientId,
      sub: userId,
      iss: service.config.issuer,
      exp: claims.exp,
      iat: claims.iat,
      jti: claims.jti,
      token_type: 'Bearer',
      pat_id: claims.pat_id,
    });
  });

  it("turns a deleted PAT's earlier token inactive at once (and no other PAT's)", async () => {
    const userId = await service.newUser();
    const doomed = await accessToken(await newPat(userId, 'doomed'));
    const kept = await accessToken(await newPat(userId, 'kept'));
    expect(await isActive(doomed)).toBe(true);
    await service.client.pats.delete(userId, 'doomed');
    expect(await isActive(doomed)).toBe(false);
    expect(await isActive(kept)).toBe(true);
    // The token itself still verifies: only introspection can know.
    await service.verify(doomed);
  });

  it('follows the owner: suspension, revoke-all and deletion', async () => {
    const userId = await service.newUser();
    const token = await accessToken(await newPat(userId));
    await service.client.users.setSuspended(userId, true);
    expect(await isActive(token)).toBe(false);
    await service.client.users.setSuspended(userId, false);
    expect(await isActive(token)).toBe(true);
    await service.client.pats.revokeAll(userId);
    expect(await isActive(token)).toBe(false);

    const other = await service.newUser();
    const otherToken = await accessToken(await newPat(other));
    await service.client.users.delete(other);
    expect(await isActive(otherToken)).toBe(false);
    // Registering the id again starts a new epoch: the old token stays dead.
    await service.client.users.create({ id: other });
    expect(await isActive(otherToken)).toBe(false);
  });

  it('answers active:false for what is not a live token of this issuer, and 401 without client authentication', async () => {
    for (const token of ['garbage', 'a.b.c', await newPat(await service.newUser())]) {
      expect(await introspect(token)).toEqual({ active: false });
    }
    const token = await accessToken(await newPat(await service.newUser()));
    const tampered = `${token.slice(0, -4)}${token.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    expect(await introspect(tampered)).toEqual({ active: false });

    const wrong = await service.client.introspect({ token, clientId: demo().clientId, clientSecret: 'wrong' });
    expect({ status: wrong.status, error: (wrong.json as { error: string }).error }).toEqual({
      status: 401,
      error: 'invalid_client',
    });
    const missing = await service.client.introspect({ token: '', ...client() });
    expect({ status: missing.status, error: (missing.json as { error: string }).error }).toEqual({
      status: 400,
      error: 'invalid_request',
    });
  });

  it('lets a public client introspect only its own tokens; confidential clients any token', async () => {
    const spa = await service.client.applications.create({ name: 'spa', type: 'SPA', allowTokenExchange: true });
    const resourceServer = await service.client.applications.create({ name: 'rs', type: 'MachineToMachine' });
    const token = await accessToken(await newPat(await service.newUser()));
    expect((await introspect(token, { clientId: spa.id })).active).toBe(false);
    // A resource server needs no token exchange of its own to introspect.
    expect(
      (await introspect(token, { clientId: resourceServer.id, clientSecret: resourceServer.secret! })).active,
    ).toBe(true);
  });
});

describe('rotation and introspection', () => {
  it('makes tokens of a rotated-out value inactive at once (grace keeps only the old value exchanging)', async () => {
    const userId = await service.newUser();
    const oldValue = await newPat(userId);
    const before = await accessToken(oldValue);
    expect(await isActive(before)).toBe(true);

    const rotated = await service.client.pats.rotate(userId, 'ci', { graceSeconds: 60 });
    expect(await isActive(before)).toBe(false);
    // Within its grace the old value still exchanges, but its tokens carry the old, retired PAT id.
    const duringGrace = await accessToken(oldValue);
    expect(await isActive(duringGrace)).toBe(false);
    const after = await accessToken(rotated.value);
    expect(await isActive(after)).toBe(true);
    const [oldId, newId] = [before, after].map((token) => decodeJwt(token).pat_id);
    expect(newId).toEqual(expect.any(String));
    expect(newId).not.toBe(oldId);
    expect((await events({ userId })).map((event) => event.action)).toContain('pat.rotated');
  });
});

describe('revocation (RFC 7009)', () => {
  it('revokes an access token by jti until its exp: inactive, other tokens of the PAT unaffected, one event', async () => {
    const userId = await service.newUser();
    const pat = await newPat(userId);
    const [revoked, kept] = [await accessToken(pat), await accessToken(pat)];
    for (let i = 0; i < 2; i++) {
      const response = await service.client.revoke({ token: revoked, ...client() });
      expect(response.status).toBe(200);
      expect(response.text).toBe('');
    }
    expect(await isActive(revoked)).toBe(false);
    expect(await isActive(kept)).toBe(true);

    const { jti, exp } = (await service.verify(revoked)).payload;
    const found = await events({ userId, action: 'token.revoked' });
    expect(found).toHaveLength(1);
    expect(found[0]!.details).toEqual({ jti, clientId: demo().clientId });
    const mark = (await rawItems()).find((item) => item.pk === `REVOKED#${jti}`);
    expect(mark?.ttl).toBe(exp);
  });

  it('deletes a PAT revoked by value (with the PAT hint, or recognised without one)', async () => {
    const userId = await service.newUser();
    const hinted = await newPat(userId, 'hinted');
    const bare = await newPat(userId, 'bare');
    const token = await accessToken(hinted);
    expect((await service.client.revoke({ token: hinted, tokenTypeHint: PAT_TOKEN_TYPE, ...client() })).status).toBe(
      200,
    );
    expect((await service.client.revoke({ token: bare, ...client() })).status).toBe(200);
    expect(await service.client.pats.list(userId)).toEqual([]);
    expect((await service.client.exchange({ pat: hinted, ...client() })).status).toBe(400);
    expect(await isActive(token)).toBe(false);
    expect((await events({ userId, action: 'pat.revoked' })).map((event) => event.patName).sort()).toEqual([
      'bare',
      'hinted',
    ]);
    // Unknown values answer 200 too, and change nothing.
    expect((await service.client.revoke({ token: hinted, ...client() })).status).toBe(200);
    expect((await service.client.revoke({ token: 'nonsense', ...client() })).status).toBe(200);
  });

  it("refuses to revoke another client's access token", async () => {
    const other = await service.client.applications.create({
      name: 'other',
      type: 'MachineToMachine',
      allowTokenExchange: true,
    });
    const token = await accessToken(await newPat(await service.newUser()));
    const response = await service.client.revoke({ token, clientId: other.id, clientSecret: other.secret! });
    expect({ status: response.status, error: (response.json as { error: string }).error }).toEqual({
      status: 400,
      error: 'unauthorized_client',
    });
    expect(await isActive(token)).toBe(true);
  });
});

describe('leaked-credential revocation (POST /credentials/revoke)', () => {
  const comparable = (response: AnyResponse) => ({
    status: response.status,
    body: response.text,
    contentType: headerOf(response, 'content-type'),
    cacheControl: headerOf(response, 'cache-control'),
  });

  it('deletes every real PAT among up to 1,000 values and answers exactly as for fakes only', async () => {
    const userId = await service.newUser();
    const real = await Promise.all(['r1', 'r2', 'r3'].map((name) => newPat(userId, name)));
    const survivor = await newPat(userId, 'survivor');
    const fakes = (n: number) =>
      Array.from({ length: n }, (_, i) => (i % 2 ? `pat_${'x'.repeat(38)}${i}` : `ghp_fake${i}`));

    const mixed = await service.client.revokeCredentials([...fakes(500), ...real, real[0]!, ...fakes(496)]);
    const fakeOnly = await service.client.revokeCredentials(fakes(1000));
    expect(comparable(mixed as AnyResponse)).toEqual(comparable(fakeOnly as AnyResponse));
    expect(comparable(mixed as AnyResponse)).toEqual({
      status: 202,
      body: '{}',
      contentType: 'application/json; charset=utf-8',
      cacheControl: 'no-store',
    });

    expect((await service.client.pats.list(userId)).map((pat) => pat.name)).toEqual(['survivor']);
    for (const pat of real) expect((await service.client.exchange({ pat, ...client() })).status).toBe(400);
    expect((await service.client.exchange({ pat: survivor, ...client() })).status).toBe(200);

    const revoked = await events({ userId, action: 'pat.revoked_public' });
    expect(revoked.map((event) => event.patName).sort()).toEqual(['r1', 'r2', 'r3']);
    expect(revoked.every((event) => event.callerArn === 'public')).toBe(true);
  });

  it('refuses more than 1,000 values, none, or a body that is not the documented shape (400, nothing deleted)', async () => {
    const userId = await service.newUser();
    const pat = await newPat(userId);
    for (const body of [
      { credentials: Array.from({ length: 1001 }, () => pat) },
      { credentials: [] },
      { credentials: [pat], extra: true },
      { credentials: pat },
    ]) {
      const response = await service.client.raw('POST', '/credentials/revoke', body);
      expect({ status: response.status, code: (response.json as { code?: string }).code }).toEqual({
        status: 400,
        code: 'guard.invalid_input',
      });
    }
    expect((await service.client.exchange({ pat, ...client() })).status).toBe(200);
  });
});

/** Every item of the table, read from the engine itself (not through the proxy). */
const rawItems = () => scanItems(engineUrl, service.config.tableName);

const auditItemsOf = async (userId: string) => (await rawItems()).filter((item) => item.pk === `AUDIT#USER#${userId}`);

describe('audit trail', () => {
  it('records each change with time, action, target, IAM caller, source IP and request id — never a value or hash', async () => {
    const userId = await service.newUser();
    const started = Date.now();
    const { value } = await service.client.pats.create(userId, { name: 'audited' });
    await service.client.pats.rename(userId, 'audited', 'renamed');
    await service.client.users.setSuspended(userId, true);
    await service.client.users.update(userId, { name: 'Secret Name' });
    await service.client.pats.delete(userId, 'renamed');
    await service.client.pats.revokeAll(userId);

    const listed = await events({ userId });
    expect(listed.map((event) => event.action)).toEqual([
      'pat.revoked_all',
      'pat.deleted',
      'user.updated',
      'user.suspended',
      'pat.renamed',
      'pat.created',
      'user.created',
    ]);
    for (const event of listed) {
      expect(event).toMatchObject({
        userId,
        callerArn: expect.stringMatching(/^arn:aws:iam::\d{12}:user\/./),
        sourceIp: '127.0.0.1',
        requestId: expect.any(String),
      });
      expect(event.at).toBeGreaterThanOrEqual(started - 1000);
    }
    expect(new Set(listed.map((event) => event.requestId)).size).toBe(listed.length);
    expect(listed[4]).toMatchObject({ patName: 'renamed', details: { previousName: 'audited' } });
    expect(listed[4]!.patId).toBe(listed[5]!.patId);
    expect(listed[2]!.details).toEqual({ fields: 'name' });

    const stored = JSON.stringify(await auditItemsOf(userId));
    const hash = createHash('sha256').update(value).digest('hex');
    for (const secret of [value, value.slice(4), hash, 'Secret Name']) expect(stored).not.toContain(secret);
    // Retention: DynamoDB TTL one year (the default) after the event.
    for (const item of await auditItemsOf(userId)) {
      expect(item.ttl).toBe(Math.ceil((item.at as number) / 1000) + 365 * 24 * 3600);
    }
  });

  it('lists globally and per user with filters (action, PAT name, time range) and Logto pagination', async () => {
    const userId = await service.newUser();
    for (const name of ['a', 'b', 'c', 'd', 'e']) await service.client.pats.create(userId, { name });
    const middle = (await events({ userId, patName: 'c' }))[0]!;

    const page1 = await service.client.audit.list({ userId, action: 'pat.created', pageSize: 2 });
    const page3 = await service.client.audit.list({ userId, action: 'pat.created', pageSize: 2, page: 3 });
    expect(page1.total).toBe(5);
    expect(page1.events.map((event) => event.patName)).toEqual(['e', 'd']);
    expect(page3.events.map((event) => event.patName)).toEqual(['a']);
    const perUser = await service.client.audit.list({ userId, perUserRoute: true, action: 'pat.created' });
    expect(perUser.events.map((event) => event.patName)).toEqual(['e', 'd', 'c', 'b', 'a']);

    const since = await events({ userId, from: middle.at, action: 'pat.created' });
    expect(since.map((event) => event.patName)).toEqual(expect.arrayContaining(['e', 'd', 'c']));
    expect(since.every((event) => event.at >= middle.at)).toBe(true);
    const until = await events({ userId, to: middle.at, action: 'pat.created' });
    expect(until.every((event) => event.at <= middle.at)).toBe(true);
    expect(until.map((event) => event.patName)).toContain('c');

    // The global list holds other users' events too, newest first.
    const global = await events({ action: 'pat.created' });
    expect(global.filter((event) => event.userId === userId)).toHaveLength(5);
    expect(global.map((event) => event.at)).toEqual([...global.map((event) => event.at)].sort((a, b) => b - a));

    const bad = await service.client.raw('GET', '/api/audit-logs?from=10&to=5');
    expect(bad.status).toBe(400);
    expect((await service.client.raw('GET', '/api/audit-logs?page_size=101')).status).toBe(400);
  });

  it('records application and resource changes', async () => {
    const app = await service.client.applications.create({ name: 'audited-app', type: 'MachineToMachine' });
    await service.client.applications.setTokenExchange(app.id, true);
    await service.client.applications.delete(app.id);
    const resource = await service.client.resources.create({
      name: 'r',
      indicator: `https://audited.example/${app.id}`,
    });
    await service.client.resources.delete(resource.id);
    const all = await events({});
    expect(all.filter((event) => event.applicationId === app.id).map((event) => event.action)).toEqual([
      'application.deleted',
      'application.updated',
      'application.created',
    ]);
    expect(all.filter((event) => event.resourceId === resource.id).map((event) => event.action)).toEqual([
      'resource.deleted',
      'resource.created',
    ]);
  });

  it('writes no event for a change that did not happen (refused by its conditions)', async () => {
    const userId = await service.newUser();
    await service.client.pats.create(userId, { name: 'taken' });
    expect((await service.client.raw('POST', patsPath(userId), { name: 'taken' })).status).toBe(422);
    expect((await service.client.raw('DELETE', `${patsPath(userId)}/missing`)).status).toBe(404);
    await service.client.users.setSuspended(userId, false); // already so: no change
    expect((await events({ userId })).map((event) => event.action)).toEqual(['pat.created', 'user.created']);
  });

  describe('atomicity under injected faults: a failed transaction leaves neither the change nor its event', () => {
    const expectUnavailable = (response: AnyResponse) => expect(response.status).toBe(503);

    it.each([
      ['create a PAT', (userId: string) => service.client.raw('POST', patsPath(userId), { name: 'new' })],
      [
        'rename a PAT',
        (userId: string) => service.client.raw('PATCH', `${patsPath(userId)}/existing`, { name: 'renamed' }),
      ],
      ['delete a PAT', (userId: string) => service.client.raw('DELETE', `${patsPath(userId)}/existing`)],
      ['revoke all PATs', (userId: string) => service.client.raw('DELETE', patsPath(userId))],
      [
        'suspend the user',
        (userId: string) => service.client.raw('PATCH', `/api/users/${userId}/is-suspended`, { isSuspended: true }),
      ],
      ['update the user', (userId: string) => service.client.raw('PATCH', `/api/users/${userId}`, { name: 'n' })],
      ['delete the user', (userId: string) => service.client.raw('DELETE', `/api/users/${userId}`)],
    ])('%s', async (_what, change) => {
      const userId = await service.newUser();
      const pat = await newPat(userId, 'existing');
      const before = (await rawItems()).filter((item) => String(item.pk).includes(userId)).length;
      const eventsBefore = (await auditItemsOf(userId)).length;

      proxy.inject({ operations: ['TransactWriteItems'], fault: dynamoDbFaults.internalServerError });
      expectUnavailable((await change(userId)) as AnyResponse);
      proxy.clear();

      expect((await auditItemsOf(userId)).length).toBe(eventsBefore);
      expect((await rawItems()).filter((item) => String(item.pk).includes(userId)).length).toBe(before);
      expect((await service.client.pats.list(userId)).map((p) => p.name)).toEqual(['existing']);
      expect((await service.client.users.get(userId)).isSuspended).toBe(false);
      expect((await service.client.exchange({ pat, ...client() })).status).toBe(200);
      expect(patInvariantViolations(await table())).toEqual([]);

      // And once the engine is back, the change and exactly one event land together.
      expect(((await change(userId)) as AnyResponse).status).toBeLessThan(300);
      expect((await auditItemsOf(userId)).length).toBe(eventsBefore + 1);
    });

    it('a commit reported as failed (and retried by the SDK) still leaves one change and one event', async () => {
      const userId = await service.newUser();
      proxy.inject({
        operations: ['TransactWriteItems'],
        fault: { ...dynamoDbFaults.internalServerError, kind: 'error-after-forwarding' },
        times: 1,
      });
      expect((await service.client.raw('POST', patsPath(userId), { name: 'ambiguous' })).status).toBe(201);
      expect((await events({ userId, action: 'pat.created' })).length).toBe(1);
      expect(patInvariantViolations(await table())).toEqual([]);
    });
  });

  describe('50-way races keep one event per change', () => {
    const RACERS = 50;

    it('50 creates of one name: one PAT, one event', async () => {
      const userId = await service.newUser();
      const statuses = await Promise.all(
        Array.from(
          { length: RACERS },
          async () => (await service.client.raw('POST', patsPath(userId), { name: 'x' })).status,
        ),
      );
      expect(statuses.filter((status) => status === 201)).toHaveLength(1);
      expect(statuses.every((status) => [201, 422, 503].includes(status))).toBe(true);
      expect(await events({ userId, action: 'pat.created' })).toHaveLength(1);
    });

    it('50 deletes of one PAT: one deletion, one event', async () => {
      const userId = await service.newUser();
      await newPat(userId, 'x');
      const statuses = await Promise.all(
        Array.from(
          { length: RACERS },
          async () => (await service.client.raw('DELETE', `${patsPath(userId)}/x`)).status,
        ),
      );
      // Contention on one item may answer 503 (retryable) to some; never a second deletion or event.
      expect(statuses.filter((status) => status === 204)).toHaveLength(1);
      expect(statuses.every((status) => [204, 404, 503].includes(status))).toBe(true);
      expect(await events({ userId, action: 'pat.deleted' })).toHaveLength(1);
    });

    it('50 suspensions: one change, one event; 50 revocations of one jti: one event', async () => {
      const userId = await service.newUser();
      const token = await accessToken(await newPat(userId));
      await Promise.all(Array.from({ length: RACERS }, () => service.client.revoke({ token, ...client() })));
      expect(await events({ userId, action: 'token.revoked' })).toHaveLength(1);

      const statuses = await Promise.all(
        Array.from(
          { length: RACERS },
          async () =>
            (await service.client.raw('PATCH', `/api/users/${userId}/is-suspended`, { isSuspended: true })).status,
        ),
      );
      // The writers contend for the user item: some may be told 503 (retryable); those that succeed all see
      // the user suspended, and the one change has one event.
      expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
      expect(statuses).toContain(200);
      expect((await service.client.users.get(userId)).isSuspended).toBe(true);
      expect(await events({ userId, action: 'user.suspended' })).toHaveLength(1);
    });
  });
});
