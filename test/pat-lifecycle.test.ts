/**
 * Issue 15: rotation (grace, reuse detection, races), the lifetime policy at creation and at exchange,
 * last-use detail and list filters. Through HTTP against the local service; tokens verified with jose.
 * The policy is read per request from the handlers' environment, so tests tighten it on the running service.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { sendRequest } from '../client/signed-fetch';
import { generatePatValue, hashPatValue } from '../lambdas/shared/crypto/pat-value';
import { keys } from '../lambdas/shared/store/keys';
import { startTestService, type TestService } from './harness/service';
import { AwsCallLog, sequentialRoundTrips } from '../bench/aws-calls';
import { dynamo, dynamoDb } from '../lambdas/shared/aws/dynamodb';

let service: TestService;
const awsCalls = new AwsCallLog();
beforeAll(async () => {
  service = await startTestService();
  awsCalls.instrument(dynamo());
  awsCalls.instrument(dynamoDb());
});
afterAll(() => service.close());

const POLICY_VARS = [
  'PAT_REQUIRE_EXPIRY',
  'PAT_DEFAULT_LIFETIME_SECONDS',
  'PAT_MAX_LIFETIME_SECONDS',
  'PAT_MAX_PER_USER',
  'PAT_REVOKE_UNUSED_AFTER_SECONDS',
  'PAT_MAX_ROTATION_GRACE_SECONDS',
  'PAT_REUSE_TOLERANCE_SECONDS',
];
afterEach(() => POLICY_VARS.forEach((name) => delete process.env[name]));

const demo = () => service.config.demoApplication;
const patsPath = (userId: string) => `/api/users/${encodeURIComponent(userId)}/personal-access-tokens`;
const rotatePath = (userId: string, name: string) => `${patsPath(userId)}/${encodeURIComponent(name)}/rotate`;
// A deadline already past waits no time (setTimeout warns about negative delays).
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

const exchange = (pat: string) =>
  service.client.exchange({ pat, clientId: demo().clientId, clientSecret: demo().clientSecret });

async function expectWorks(pat: string, userId: string) {
  const response = await exchange(pat);
  expect(response.status).toBe(200);
  const { payload } = await service.verify((response.json as { access_token: string }).access_token);
  expect(payload.sub).toBe(userId);
}

async function expectRefused(pat: string, description = 'The subject_token is invalid.') {
  const response = await exchange(pat);
  expect(response.status).toBe(400);
  expect(response.json).toMatchObject({ error: 'invalid_request', error_description: description });
  return response;
}

/** The user's audit events of the action; the token function's changes name the request (a public route). */
async function expectAudited(userId: string, action: string, patName: string, response: { headers: Headers }) {
  expect((await service.client.audit.list({ userId, action })).events).toEqual([
    expect.objectContaining({
      action,
      patName,
      callerArn: 'public',
      sourceIp: '127.0.0.1',
      requestId: response.headers.get('x-amzn-requestid'),
    }),
  ]);
}

const listed = async (userId: string, name: string) =>
  (await service.client.pats.list(userId)).find((pat) => pat.name === name)!;

describe('rotation', () => {
  it('gives a new value, shown once, for the same name, scopes and expiry; the old value stops at once', async () => {
    const userId = await service.newUser();
    const expiresAt = Date.now() + 86_400_000;
    const old = await service.client.pats.create(userId, { name: 'ci', expiresAt, scopes: ['openid'] });
    const response = await service.client.raw('POST', rotatePath(userId, 'ci'), {});
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const rotated = response.json as Record<string, unknown>;
    expect(rotated).toMatchObject({
      userId,
      name: 'ci',
      expiresAt,
      scopes: ['openid'],
      createdAt: old.createdAt,
      rotatedAt: expect.any(Number),
      revokedAt: null,
      value: expect.stringMatching(/^pat_/),
    });
    expect(rotated.value).not.toBe(old.value);
    await expectWorks(rotated.value as string, userId);
    await expectRefused(old.value);
    // Refused within the reuse tolerance, but not reuse: the new value still works.
    await expectWorks(rotated.value as string, userId);
    expect(JSON.stringify(await service.client.pats.list(userId))).not.toContain(rotated.value as string);
  });

  it('takes a new expiresAt within the policy, and refuses one beyond it with the numbers', async () => {
    const userId = await service.newUser();
    await service.client.pats.create(userId, { name: 'ci' });
    const expiresAt = Date.now() + 3_600_000;
    expect((await service.client.pats.rotate(userId, 'ci', { expiresAt })).expiresAt).toBe(expiresAt);
    process.env.PAT_MAX_LIFETIME_SECONDS = String(2 * 86400);
    const beyond = await service.client.raw('POST', rotatePath(userId, 'ci'), {
      expiresAt: Date.now() + 3 * 86_400_000,
    });
    expect(beyond.status).toBe(400);
    expect(beyond.json).toMatchObject({ code: 'request.invalid_input', message: expect.stringContaining('2 days') });
  });

  it('bounds graceSeconds and validates the body; an unknown PAT or user is 404', async () => {
    const userId = await service.newUser();
    await service.client.pats.create(userId, { name: 'ci' });
    process.env.PAT_MAX_ROTATION_GRACE_SECONDS = '60';
    const tooLong = await service.client.raw('POST', rotatePath(userId, 'ci'), { graceSeconds: 61 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json).toMatchObject({ message: expect.stringContaining('at most 60') });
    for (const body of [{ graceSeconds: -1 }, { graceSeconds: 1.5 }, { graceSeconds: '5' }, { other: 1 }]) {
      expect((await service.client.raw('POST', rotatePath(userId, 'ci'), body)).status).toBe(400);
    }
    expect((await service.client.raw('POST', rotatePath(userId, 'nope'), {})).status).toBe(404);
    expect((await service.client.raw('POST', rotatePath(service.newUserId(), 'ci'), {})).status).toBe(404);
  });

  it('keeps the old value working during the grace period, and only then', async () => {
    const userId = await service.newUser();
    const old = await service.client.pats.create(userId, { name: 'ci' });
    const rotated = await service.client.pats.rotate(userId, 'ci', { graceSeconds: 2 });
    const graceUntil = rotated.rotatedAt! + 2000;
    await expectWorks(old.value, userId);
    await expectWorks(rotated.value, userId);
    await sleep(graceUntil - Date.now() + 100);
    await expectRefused(old.value);
    await expectWorks(rotated.value, userId);
  });

  it('a second rotation ends the first one’s grace: at most one old value works', async () => {
    const userId = await service.newUser();
    const first = await service.client.pats.create(userId, { name: 'ci' });
    const second = await service.client.pats.rotate(userId, 'ci', { graceSeconds: 60 });
    const third = await service.client.pats.rotate(userId, 'ci', { graceSeconds: 60 });
    await expectRefused(first.value);
    await expectWorks(second.value, userId);
    await expectWorks(third.value, userId);
    // Renaming and deleting take the rotated-out value along.
    await service.client.pats.rename(userId, 'ci', 'ci-renamed');
    await expectWorks(second.value, userId);
    await service.client.pats.delete(userId, 'ci-renamed');
    await expectRefused(second.value);
    await expectRefused(third.value);
  });

  it('reuse after the grace period revokes the current value too, once, and records why', async () => {
    process.env.PAT_REUSE_TOLERANCE_SECONDS = '0';
    const userId = await service.newUser();
    const old = await service.client.pats.create(userId, { name: 'ci' });
    const rotated = await service.client.pats.rotate(userId, 'ci', { graceSeconds: 1 });
    await sleep(rotated.rotatedAt! + 1000 - Date.now() + 50);
    const reused = await expectRefused(old.value);
    await expectRefused(rotated.value);
    expect(await listed(userId, 'ci')).toMatchObject({
      revokedAt: expect.any(Number),
      revokedReason: 'A rotated-out value was presented after its grace period.',
    });
    const revokedAt = (await listed(userId, 'ci')).revokedAt;
    // Presenting it again changes nothing.
    await expectRefused(old.value);
    expect((await listed(userId, 'ci')).revokedAt).toBe(revokedAt);
    await expectAudited(userId, 'pat.revoked_reuse', 'ci', reused);
    const again = await service.client.raw('POST', rotatePath(userId, 'ci'), {});
    expect(again.status).toBe(400);
    expect(again.json).toMatchObject({ message: expect.stringContaining('revoked') });
    // The owner deletes it and starts over under the same name.
    await service.client.pats.delete(userId, 'ci');
    await expectWorks((await service.client.pats.create(userId, { name: 'ci' })).value, userId);
  });

  it('racing exchanges with the old value never leave both values dead, nor both alive after the grace', async () => {
    const userId = await service.newUser();
    for (const graceSeconds of [0, 1]) {
      const name = `race-${graceSeconds}`;
      const old = await service.client.pats.create(userId, { name });
      const exchanges = Array.from({ length: 12 }, (_, i) => sleep(i * 5).then(() => exchange(old.value)));
      const [rotated, ...results] = await Promise.all([
        service.client.pats.rotate(userId, name, { graceSeconds }),
        ...exchanges,
      ]);
      // Each exchange either succeeded (before the rotation, or in the grace) or was refused as invalid.
      for (const result of results) expect([200, 400]).toContain(result.status);
      await sleep(rotated.rotatedAt! + graceSeconds * 1000 - Date.now() + 50);
      await expectWorks(rotated.value, userId);
      await expectRefused(old.value);
      await expectWorks(rotated.value, userId);
    }
  });

  it('racing rotations leave exactly one working value', async () => {
    const userId = await service.newUser();
    const old = await service.client.pats.create(userId, { name: 'ci' });
    const results = await Promise.all([1, 2, 3].map(() => service.client.raw('POST', rotatePath(userId, 'ci'), {})));
    const values = results.filter((r) => r.status === 200).map((r) => (r.json as { value: string }).value);
    expect(values.length).toBeGreaterThanOrEqual(1);
    const working = [];
    for (const value of [old.value, ...values]) if ((await exchange(value)).status === 200) working.push(value);
    expect(working).toHaveLength(1);
    expect((await listed(userId, 'ci')).revokedAt).toBeNull();
  });
});

describe('lifetime policy at creation', () => {
  it('requires an expiry when the policy does, and says so', async () => {
    process.env.PAT_REQUIRE_EXPIRY = 'true';
    const userId = await service.newUser();
    const response = await service.client.raw('POST', patsPath(userId), { name: 'forever' });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      code: 'request.invalid_input',
      message: 'This deployment requires personal access tokens to expire: give expiresAt.',
    });
    expect((await service.client.raw('POST', patsPath(userId), { name: 'x', expiresAt: null })).status).toBe(400);
  });

  it('applies the default lifetime and refuses an expiry beyond the maximum, with the numbers', async () => {
    process.env.PAT_DEFAULT_LIFETIME_SECONDS = String(86400);
    process.env.PAT_MAX_LIFETIME_SECONDS = String(30 * 86400);
    const userId = await service.newUser();
    const before = Date.now();
    const created = await service.client.pats.create(userId, { name: 'default' });
    expect(created.expiresAt).toBeGreaterThanOrEqual(before + 86_400_000);
    expect(created.expiresAt).toBeLessThanOrEqual(Date.now() + 86_400_000);
    const beyond = await service.client.raw('POST', patsPath(userId), {
      name: 'long',
      expiresAt: Date.now() + 31 * 86_400_000,
    });
    expect(beyond.status).toBe(400);
    expect((beyond.json as { message: string }).message).toMatch(
      /^expiresAt is beyond the maximum lifetime of 30 days this deployment allows \(latest: \d+\)\.$/,
    );
    const none = await service.client.raw('POST', patsPath(userId), { name: 'none', expiresAt: null });
    expect((none.json as { message: string }).message).toBe(
      'This deployment requires personal access tokens to expire: give expiresAt at most 30 days from now.',
    );
  });

  it('limits live PATs per user; expired and revoked ones do not count', async () => {
    process.env.PAT_MAX_PER_USER = '2';
    const userId = await service.newUser();
    await service.client.pats.create(userId, { name: 'a', expiresAt: Date.now() + 1500 });
    await service.client.pats.create(userId, { name: 'b' });
    const third = await service.client.raw('POST', patsPath(userId), { name: 'c' });
    expect(third.status).toBe(400);
    expect((third.json as { message: string }).message).toBe(
      'The user has 2 live personal access tokens, the most this deployment allows (2); delete one first.',
    );
    await sleep(1600);
    expect((await service.client.raw('POST', patsPath(userId), { name: 'c' })).status).toBe(201);
  });
});

describe('maxPerUser is atomic', () => {
  const limitMessage = (limit: number) =>
    `The user has ${limit} live personal access tokens, the most this deployment allows (${limit}); delete one first.`;

  it('of 12 concurrent creations at a limit of 3, exactly 3 succeed and the rest get the policy message', async () => {
    process.env.PAT_MAX_PER_USER = '3';
    const userId = await service.newUser();
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => service.client.raw('POST', patsPath(userId), { name: `race-${i}` })),
    );
    expect(responses.filter((response) => response.status === 201)).toHaveLength(3);
    const refused = responses.filter((response) => response.status !== 201);
    expect(refused).toHaveLength(9);
    for (const response of refused) {
      expect(response.status).toBe(400);
      expect(response.json).toEqual({ code: 'request.invalid_input', message: limitMessage(3) });
    }
    expect(await service.client.pats.list(userId)).toHaveLength(3);
  });

  it('a PAT that goes (deleted, revoked by its holder) frees its place; revoke-all frees them all; renames take none', async () => {
    process.env.PAT_MAX_PER_USER = '2';
    const userId = await service.newUser();
    const a = await service.client.pats.create(userId, { name: 'a' });
    await service.client.pats.create(userId, { name: 'b' });
    await service.client.pats.rename(userId, 'b', 'b2');
    expect((await service.client.raw('POST', patsPath(userId), { name: 'c' })).json).toMatchObject({
      message: limitMessage(2),
    });
    await service.client.pats.delete(userId, 'b2');
    await service.client.pats.create(userId, { name: 'c' });
    const self = await sendRequest('DELETE', `${service.config.baseUrl}/me/personal-access-token`, {
      headers: { authorization: `Bearer ${a.value}` },
    });
    expect(self.status).toBeLessThan(300);
    await service.client.pats.create(userId, { name: 'd' });
    expect((await service.client.raw('POST', patsPath(userId), { name: 'e' })).status).toBe(400);
    await service.client.pats.revokeAll(userId);
    const again = await Promise.all(
      ['x', 'y', 'z'].map((name) => service.client.raw('POST', patsPath(userId), { name })),
    );
    expect(again.map((response) => response.status).sort()).toEqual([201, 201, 400]);
  });

  it('a rename racing creations at the limit moves its place: the limit still holds', async () => {
    process.env.PAT_MAX_PER_USER = '2';
    const userId = await service.newUser();
    await service.client.pats.create(userId, { name: 'a' });
    const [renamed, ...created] = await Promise.all([
      service.client.raw('PATCH', patsPath(userId), { currentName: 'a', name: 'a2' }),
      ...['x', 'y', 'z', 'w'].map((name) => service.client.raw('POST', patsPath(userId), { name })),
    ]);
    expect(renamed.status).toBe(200);
    expect(created.filter((response) => response.status === 201)).toHaveLength(1);
    expect((await service.client.pats.list(userId)).map((pat) => pat.name)).toContain('a2');
    expect(await service.client.pats.list(userId)).toHaveLength(2);
  });

  it('rotating an expired PAT back to life counts like a creation, also when racing creations', async () => {
    process.env.PAT_MAX_PER_USER = '2';
    const userId = await service.newUser();
    await service.client.pats.create(userId, { name: 'old', expiresAt: Date.now() + 1000 });
    await service.client.pats.create(userId, { name: 'live' });
    await sleep(1100);
    const [rotation, creation] = await Promise.all([
      service.client.raw('POST', rotatePath(userId, 'old'), { expiresAt: Date.now() + 86_400_000 }),
      service.client.raw('POST', patsPath(userId), { name: 'new' }),
    ]);
    // Whichever commits first takes the last place; the other is refused.
    expect([rotation.status === 200, creation.status === 201].filter(Boolean)).toHaveLength(1);
    const refused = rotation.status === 200 ? creation : rotation;
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({ code: 'request.invalid_input', message: limitMessage(2) });
    // A live PAT's rotation takes no new place.
    expect((await service.client.raw('POST', rotatePath(userId, 'live'), {})).status).toBe(200);
  });
});

describe('lifetime policy at exchange bites existing PATs', () => {
  it('stops a PAT older than a new maximum lifetime, saying why; rotation gives a value that works', async () => {
    const userId = await service.newUser();
    const pat = await service.client.pats.create(userId, { name: 'old', expiresAt: Date.now() + 86_400_000 });
    await expectWorks(pat.value, userId);
    await sleep(1100);
    process.env.PAT_MAX_LIFETIME_SECONDS = '1';
    await expectRefused(
      pat.value,
      'The personal access token is older than the maximum lifetime of 1 second this deployment allows; rotate it or create a new one.',
    );
    const rotated = await service.client.pats.rotate(userId, 'old', { expiresAt: Date.now() + 1000 });
    await expectWorks(rotated.value, userId);
  });

  it('stops a PAT unused for longer than the policy allows; use keeps it alive', async () => {
    const userId = await service.newUser();
    const idle = await service.client.pats.create(userId, { name: 'idle' });
    const busy = await service.client.pats.create(userId, { name: 'busy' });
    await sleep(1000);
    await expectWorks(busy.value, userId);
    await sleep(1000);
    process.env.PAT_REVOKE_UNUSED_AFTER_SECONDS = '1.5';
    await expectRefused(
      idle.value,
      'The personal access token was unused for longer than the 1.5 seconds this deployment allows; create a new one.',
    );
    await expectWorks(busy.value, userId);
  });
});

describe('last use and list filters', () => {
  it('records the client and source IP with lastUsedAt', async () => {
    const userId = await service.newUser();
    const pat = await service.client.pats.create(userId, { name: 'used' });
    const before = Date.now();
    await expectWorks(pat.value, userId);
    expect(await listed(userId, 'used')).toMatchObject({
      lastUsedAt: expect.any(Number),
      lastClientId: demo().clientId,
      lastSourceIp: expect.stringMatching(/^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/),
    });
    expect((await listed(userId, 'used')).lastUsedAt).toBeGreaterThanOrEqual(before);
  });

  it('filters by unusedSince and expiringBefore, and refuses bad filters', async () => {
    const userId = await service.newUser();
    const now = Date.now();
    const used = await service.client.pats.create(userId, { name: 'used', expiresAt: now + 10 * 86_400_000 });
    await service.client.pats.create(userId, { name: 'soon', expiresAt: now + 86_400_000 });
    await service.client.pats.create(userId, { name: 'never-expires' });
    await expectWorks(used.value, userId);
    const names = (pats: { name: string }[]) => pats.map((pat) => pat.name).sort();
    expect(names(await service.client.pats.list(userId, { unusedSince: now }))).toEqual(['never-expires', 'soon']);
    expect(names(await service.client.pats.list(userId, { expiringBefore: now + 2 * 86_400_000 }))).toEqual(['soon']);
    expect(
      names(await service.client.pats.list(userId, { unusedSince: now, expiringBefore: now + 30 * 86_400_000 })),
    ).toEqual(['soon']);
    for (const query of ['unusedSince=yesterday', 'expiringBefore=-1', 'expiringBefore=1.5']) {
      const response = await service.client.raw('GET', `${patsPath(userId)}?${query}`);
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ code: 'guard.invalid_input' });
    }
  });
});

describe('self-service with the PAT itself', () => {
  const me = (method: 'GET' | 'DELETE', authorization?: string) =>
    sendRequest(method, `${service.config.baseUrl}/me/personal-access-token`, {
      headers: authorization === undefined ? {} : { authorization },
    });
  const answer = (response: Awaited<ReturnType<typeof me>>) => ({
    status: response.status,
    body: response.json,
    challenge: response.headers.get('www-authenticate'),
  });

  it('describes the presented PAT, without its value', async () => {
    const userId = await service.newUser();
    const pat = await service.client.pats.create(userId, { name: 'mine', scopes: ['openid'] });
    await expectWorks(pat.value, userId);
    const response = await me('GET', `Bearer ${pat.value}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.json).toEqual(await listed(userId, 'mine'));
    expect(response.json).toMatchObject({ userId, name: 'mine', scopes: ['openid'], lastClientId: demo().clientId });
    expect(response.text).not.toContain(pat.value);
    // The scheme is case-insensitive (RFC 7235).
    expect((await me('GET', `bearer ${pat.value}`)).status).toBe(200);
  });

  it('reads the lookup item, then the owner and the PAT item in one request', async () => {
    const userId = await service.newUser();
    const pat = await service.client.pats.create(userId, { name: 'mine' });
    awsCalls.calls.length = 0;
    expect((await me('GET', `Bearer ${pat.value}`)).status).toBe(200);
    const calls = [...awsCalls.calls];
    expect(calls.map((call) => call.label)).toEqual(['DynamoDB GetItem PATHASH', 'DynamoDB BatchGetItem USER PAT']);
    expect(sequentialRoundTrips(calls)).toBe(2);
  });

  it('revokes the presented PAT: it stops at once, stays listed as revoked, and a second DELETE is like an unknown value', async () => {
    const userId = await service.newUser();
    const pat = await service.client.pats.create(userId, { name: 'mine' });
    const other = await service.client.pats.create(userId, { name: 'other' });
    const revoked = await me('DELETE', `Bearer ${pat.value}`);
    expect(revoked.status).toBe(204);
    await expectRefused(pat.value);
    await expectWorks(other.value, userId);
    expect(await listed(userId, 'mine')).toMatchObject({
      revokedAt: expect.any(Number),
      revokedReason: 'Revoked with itself (DELETE /me/personal-access-token).',
    });
    await expectAudited(userId, 'pat.revoked_self', 'mine', revoked);
    const unknown = answer(await me('DELETE', `Bearer pat_${'x'.repeat(38)}`));
    expect(answer(await me('DELETE', `Bearer ${pat.value}`))).toEqual(unknown);
    expect(answer(await me('GET', `Bearer ${pat.value}`))).toEqual(unknown);
  });

  it('answers unknown, revoked, deleted, expired, rotated-out and malformed values alike (no oracle)', async () => {
    const userId = await service.newUser();
    const deleted = await service.client.pats.create(userId, { name: 'deleted' });
    await service.client.pats.delete(userId, 'deleted');
    const expiring = await service.client.pats.create(userId, { name: 'expiring', expiresAt: Date.now() + 300 });
    const old = await service.client.pats.create(userId, { name: 'rotated' });
    await service.client.pats.rotate(userId, 'rotated', { graceSeconds: 60 });
    const suspendedUser = await service.newUser();
    const suspended = await service.client.pats.create(suspendedUser, { name: 'suspended' });
    await service.client.users.setSuspended(suspendedUser, true);
    await sleep(400);
    const unknown = answer(await me('GET', `Bearer pat_${'y'.repeat(38)}`));
    expect(unknown).toEqual({
      status: 401,
      body: { error: 'invalid_token', error_description: 'The personal access token is not valid.' },
      challenge: 'Bearer realm="patgate", error="invalid_token"',
    });
    for (const value of [
      deleted.value,
      expiring.value,
      old.value,
      suspended.value,
      'not-a-pat',
      `${old.value} extra`,
    ]) {
      expect(answer(await me('GET', `Bearer ${value}`))).toEqual(unknown);
    }
    expect(answer(await me('GET', `Basic ${Buffer.from('a:b').toString('base64')}`))).toEqual(unknown);
    const none = await me('GET');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="patgate"');
  });
});

describe('migration of PATs from before the lifecycle version', () => {
  const DAY = 86_400_000;

  it('backfills issuedAt and the expiry-day index, conditionally and in bounded re-runnable runs, so old PATs age and get notices', async () => {
    const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    const TableName = service.config.tableName;
    const userId = await service.newUser();
    const { Item: user } = await dynamo.send(new GetCommand({ TableName, Key: keys.user(userId) }));
    const now = Date.now();

    // As the version before the lifecycle wrote a PAT: no issuedAt on the lookup, no expiry-day index entry.
    async function legacyPat(name: string, createdAt: number, expiresAt: number | null, lookupExtra = {}) {
      const value = generatePatValue();
      const tokenHash = hashPatValue(value);
      const id = `legacy${name}${now}`.slice(0, 16);
      const common = { userId, name, expiresAt, scopes: null, patEpoch: user!.patEpoch as string };
      const ttl = expiresAt === null ? undefined : Math.ceil(expiresAt / 1000) + 30 * 86400;
      const items = [
        { ...keys.pat(userId, name), ...common, id, tokenHash, createdAt, lastUsedAt: null, ttl },
        { ...keys.patHash(tokenHash), ...common, id, ttl, ...lookupExtra },
        { ...keys.patId(id), userId, expiresAt, patEpoch: common.patEpoch, ttl },
      ];
      for (const Item of items) await dynamo.send(new PutCommand({ TableName, Item }));
      return { value, tokenHash };
    }
    const forever = await legacyPat('old-forever', now - 10 * DAY, null);
    const expiring = await legacyPat('old-expiring', now - DAY, now + 5 * DAY);
    // A lookup that already has its issue time (written by a newer handler) keeps it.
    const newer = await legacyPat('newer', now - 20 * DAY, null, { issuedAt: now - 1000 });
    // The local service ran maintenance at start-up on an empty table, which marked the migration done.
    await dynamo.send(new DeleteCommand({ TableName, Key: { pk: 'MIGRATION#pat-lifecycle-v1', sk: 'MIGRATION' } }));

    process.env.PAT_MAX_LIFETIME_SECONDS = String(5 * 86400);
    // Before: the old PAT isn't aged, and the expiring one gets no notice.
    await expectWorks(forever.value, userId);
    await service.runExpiryNotices(now);
    const noticesOf = () => service.eventSink.events.filter((event) => event.detail.userId === userId);
    expect(noticesOf()).toEqual([]);

    const report = await service.runMaintenance();
    expect(report.patLifecycleBackfill).toEqual({ issuedAt: 2, expiryIndexed: 1, more: false });
    const lookup = async (tokenHash: string) =>
      (await dynamo.send(new GetCommand({ TableName, Key: keys.patHash(tokenHash), ConsistentRead: true }))).Item!;
    expect((await lookup(forever.tokenHash)).issuedAt).toBe(now - 10 * DAY);
    expect((await lookup(expiring.tokenHash)).issuedAt).toBe(now - DAY);
    expect((await lookup(newer.tokenHash)).issuedAt).toBe(now - 1000);

    // After: the maximum lifetime ages the old PAT; the younger one works and gets its expiry notice.
    await expectRefused(
      forever.value,
      'The personal access token is older than the maximum lifetime of 5 days this deployment allows; rotate it or create a new one.',
    );
    await expectWorks(expiring.value, userId);
    await expectWorks(newer.value, userId);
    await service.runExpiryNotices(now);
    expect(noticesOf().map((event) => [event.detailType, event.detail.name, event.detail.threshold])).toEqual([
      ['patgate.pat.expiring', 'old-expiring', '7d'],
    ]);

    // Re-runnable: nothing left to do, then it marks itself done.
    expect((await service.runMaintenance()).patLifecycleBackfill).toEqual({
      issuedAt: 0,
      expiryIndexed: 0,
      more: false,
    });
    expect((await service.runMaintenance()).patLifecycleBackfill).toBe('already done');
    dynamo.destroy();
  });
});
