/**
 * Issue 15: per-application and per-resource overrides of the PAT lifetime policy. Managed on the
 * application and resource entities (validated, returned, audited); applied at the exchange from the
 * cached definitions (no AWS call of their own: still two sequential round trips), only ever tightening
 * the deployment's policy, and biting within CLIENT_CACHE_TTL_SECONDS of a change.
 */
import { AwsCallLog, sequentialRoundTrips } from '../bench/aws-calls';
import { dynamo, dynamoDb } from '../lambdas/shared/aws/dynamodb';
import { kms } from '../lambdas/shared/aws/kms';
import { startTestService, type TestService } from './harness/service';

const CACHE_TTL_SECONDS = 1;

let service: TestService;
const awsCalls = new AwsCallLog();
beforeAll(async () => {
  service = await startTestService({ handlerEnv: { CLIENT_CACHE_TTL_SECONDS: String(CACHE_TTL_SECONDS) } });
  awsCalls.instrument(dynamo());
  awsCalls.instrument(dynamoDb());
  awsCalls.instrument(kms());
});
afterAll(() => service.close());
afterEach(() => {
  delete process.env.PAT_MAX_LIFETIME_SECONDS;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function newApp(patPolicy?: Record<string, unknown> | null) {
  const app = await service.client.applications.create({
    name: 'CI',
    type: 'MachineToMachine',
    allowTokenExchange: true,
    ...(patPolicy === undefined ? {} : { patPolicy }),
  });
  return { id: app.id, secret: app.secret! };
}

async function newResource(patPolicy?: Record<string, unknown>) {
  const indicator = `https://api.example.com/${service.newUserId()}`;
  return service.client.resources.create({ name: 'API', indicator, ...(patPolicy ? { patPolicy } : {}) });
}

function exchange(pat: string, app: { id: string; secret: string }, resource?: string) {
  return service.client.exchange({
    pat,
    clientId: app.id,
    clientSecret: app.secret,
    ...(resource ? { resource } : {}),
  });
}

async function expectWorks(pat: string, app: { id: string; secret: string }, resource?: string) {
  const response = await exchange(pat, app, resource);
  expect(response.json).toHaveProperty('access_token');
  expect(response.status).toBe(200);
}

async function expectRefused(
  pat: string,
  app: { id: string; secret: string },
  resource: string | undefined,
  description: string,
) {
  const response = await exchange(pat, app, resource);
  expect(response.json).toMatchObject({ error: 'invalid_request', error_description: description });
  expect(response.status).toBe(400);
}

describe('management of overrides', () => {
  it('takes patPolicy on application create and PATCH, returns it, clears it with null, and audits the change', async () => {
    const app = await service.client.applications.create({
      name: 'CI',
      type: 'MachineToMachine',
      patPolicy: { maxLifetimeSeconds: 86400 },
    });
    expect(app.patPolicy).toEqual({ maxLifetimeSeconds: 86400 });
    expect((await service.client.applications.get(app.id)).patPolicy).toEqual({ maxLifetimeSeconds: 86400 });
    const updated = await service.client.applications.update(app.id, {
      patPolicy: { requireExpiry: true, revokeUnusedAfterSeconds: 3600 },
    });
    expect(updated.patPolicy).toEqual({ requireExpiry: true, revokeUnusedAfterSeconds: 3600 });
    expect((await service.client.applications.get(app.id)).patPolicy).toEqual(updated.patPolicy);
    // A PATCH without patPolicy keeps it; null removes it; an empty object is no override either.
    expect((await service.client.applications.update(app.id, { name: 'CI 2' })).patPolicy).toEqual(updated.patPolicy);
    expect((await service.client.applications.update(app.id, { patPolicy: null })).patPolicy).toBeNull();
    expect((await service.client.applications.update(app.id, { patPolicy: {} })).patPolicy).toBeNull();
    expect((await service.client.applications.list()).find((each) => each.id === app.id)!.patPolicy).toBeNull();

    const { events } = await service.client.audit.list({ action: 'application.updated' });
    const mine = events.filter((event) => event.applicationId === app.id);
    expect(mine.map((event) => event.details?.fields).sort()).toEqual(['name', 'patPolicy', 'patPolicy', 'patPolicy']);
  });

  it('takes patPolicy on resource create and PATCH /api/resources/{id} (both copies), and audits resource.updated', async () => {
    const resource = await newResource({ requireExpiry: true });
    expect(resource.patPolicy).toEqual({ requireExpiry: true });
    const updated = await service.client.resources.update(resource.id, {
      name: 'Renamed',
      accessTokenTtl: 600,
      patPolicy: { maxLifetimeSeconds: 60 },
    });
    expect(updated).toMatchObject({ name: 'Renamed', accessTokenTtl: 600, patPolicy: { maxLifetimeSeconds: 60 } });
    expect(await service.client.resources.get(resource.id)).toEqual(updated);
    // The copy the token endpoint reads (by indicator) changed with it: the exchange sees the override.
    const userId = await service.newUser();
    const pat = await service.client.pats.create(userId, { name: 'p', expiresAt: Date.now() + 86_400_000 });
    const app = await newApp();
    await expectWorks(pat.value, app, resource.indicator);
    const { events } = await service.client.audit.list({ action: 'resource.updated' });
    expect(events.filter((event) => event.resourceId === resource.id).map((event) => event.details?.fields)).toEqual([
      'accessTokenTtl,name,patPolicy',
    ]);
    const missing = await service.client.raw('PATCH', '/api/resources/nosuchresource', { patPolicy: null });
    expect(missing.status).toBe(404);
  });

  it.each([
    ['zero', { maxLifetimeSeconds: 0 }],
    ['negative', { revokeUnusedAfterSeconds: -5 }],
    ['fractional', { maxLifetimeSeconds: 1.5 }],
    ['beyond ten years', { maxLifetimeSeconds: 10 * 365 * 86400 + 1 }],
    ['a string', { maxLifetimeSeconds: '60' }],
    ['an unknown key', { maxPerUser: 3 }],
    ['not an object', 'strict'],
  ])('refuses an override with %s (400 guard.invalid_input), on applications and resources', async (_, patPolicy) => {
    const app = await newApp();
    const resource = await newResource();
    for (const [method, path, body] of [
      ['POST', '/api/applications', { name: 'x', type: 'MachineToMachine', patPolicy }],
      ['PATCH', `/api/applications/${app.id}`, { patPolicy }],
      ['POST', '/api/resources', { name: 'x', indicator: `https://x.example.com/${service.newUserId()}`, patPolicy }],
      ['PATCH', `/api/resources/${resource.id}`, { patPolicy }],
    ] as const) {
      const response = await service.client.raw(method, path, body);
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ code: 'guard.invalid_input' });
    }
    expect((await service.client.resources.get(resource.id)).patPolicy).toBeNull();
  });
});

describe('overrides at the exchange', () => {
  it("a resource's maximum lifetime stops older PATs for that audience only, naming the resource and the numbers", async () => {
    const resource = await newResource({ maxLifetimeSeconds: 1 });
    const app = await newApp();
    const userId = await service.newUser();
    const pat = await service.client.pats.create(userId, { name: 'p', expiresAt: Date.now() + 86_400_000 });
    await expectWorks(pat.value, app, resource.indicator);
    await sleep(1100);
    await expectRefused(
      pat.value,
      app,
      resource.indicator,
      `The personal access token is older than the maximum lifetime of 1 second the resource ${resource.indicator} allows; rotate it or create a new one.`,
    );
    // Without that audience the deployment's (here: no) policy applies.
    await expectWorks(pat.value, app);
    // A rotation gives the value a new age.
    const rotated = await service.client.pats.rotate(userId, 'p', {});
    await expectWorks(rotated.value, app, resource.indicator);
  });

  it("an application's requireExpiry refuses non-expiring PATs through that client only, naming the application", async () => {
    const strict = await newApp({ requireExpiry: true });
    const lax = await newApp();
    const userId = await service.newUser();
    const forever = await service.client.pats.create(userId, { name: 'forever', expiresAt: null });
    const expiring = await service.client.pats.create(userId, { name: 'expiring', expiresAt: Date.now() + 60_000 });
    await expectRefused(
      forever.value,
      strict,
      undefined,
      `The personal access token never expires, and the application "CI" (${strict.id}) requires personal access tokens to expire; create one with expiresAt.`,
    );
    await expectWorks(expiring.value, strict);
    await expectWorks(forever.value, lax);
  });

  it('an application’s unused period stops idle PATs through it', async () => {
    const app = await newApp({ revokeUnusedAfterSeconds: 1 });
    const userId = await service.newUser();
    const idle = await service.client.pats.create(userId, { name: 'idle' });
    await sleep(1100);
    await expectRefused(
      idle.value,
      app,
      undefined,
      `The personal access token was unused for longer than the 1 second the application "CI" (${app.id}) allows; create a new one.`,
    );
  });

  it('never loosens the deployment: a longer override leaves the deployment’s maximum, named as the deployment’s', async () => {
    const resource = await newResource({ maxLifetimeSeconds: 86400 });
    const app = await newApp({ maxLifetimeSeconds: 86400 });
    const userId = await service.newUser();
    const pat = await service.client.pats.create(userId, { name: 'p', expiresAt: Date.now() + 86_400_000 });
    await sleep(1100);
    process.env.PAT_MAX_LIFETIME_SECONDS = '1';
    await expectRefused(
      pat.value,
      app,
      resource.indicator,
      'The personal access token is older than the maximum lifetime of 1 second this deployment allows; rotate it or create a new one.',
    );
  });

  it('a change to an override bites within CLIENT_CACHE_TTL_SECONDS, and removing it lets the PAT through again', async () => {
    const resource = await newResource();
    const app = await newApp();
    const userId = await service.newUser();
    const pat = await service.client.pats.create(userId, { name: 'p', expiresAt: null });
    await expectWorks(pat.value, app, resource.indicator); // caches the resource and the application

    await service.client.resources.update(resource.id, { patPolicy: { requireExpiry: true } });
    // Stale-while-revalidate: the first exchange after the TTL may still see the old definition and reloads it.
    await sleep(CACHE_TTL_SECONDS * 1000 + 100);
    await exchange(pat.value, app, resource.indicator);
    await sleep(300);
    await expectRefused(
      pat.value,
      app,
      resource.indicator,
      `The personal access token never expires, and the resource ${resource.indicator} requires personal access tokens to expire; create one with expiresAt.`,
    );

    await service.client.resources.update(resource.id, { patPolicy: null });
    await sleep(CACHE_TTL_SECONDS * 1000 + 100);
    await exchange(pat.value, app, resource.indicator);
    await sleep(300);
    await expectWorks(pat.value, app, resource.indicator);
  });

  it('adds no AWS call: two sequential round trips once warm, with overrides on the client and the resource', async () => {
    const resource = await newResource({ maxLifetimeSeconds: 3600, requireExpiry: true });
    const app = await newApp({ revokeUnusedAfterSeconds: 3600 });
    const userId = await service.newUser();
    const pat = await service.client.pats.create(userId, { name: 'p', expiresAt: Date.now() + 86_400_000 });
    await expectWorks(pat.value, app, resource.indicator); // warms the caches and this user's role ids
    await sleep(200);
    await expectWorks(pat.value, app, resource.indicator);

    // The definitions' TTL is 1 s in this file: on a slow machine the measured exchange may come after they went
    // stale, and their refresh (a background Query or GetItem, stale-while-revalidate) shows among its calls. Such an
    // exchange is measured again, at most twice: a call added to every exchange still fails.
    const expected = ['DynamoDB GetItem PATHASH', 'DynamoDB BatchGetItem USER USERROLES', 'KMS Sign'].sort();
    let calls: typeof awsCalls.calls = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      awsCalls.calls.length = 0;
      await expectWorks(pat.value, app, resource.indicator);
      calls = [...awsCalls.calls];
      if (JSON.stringify(calls.map((call) => call.label).sort()) === JSON.stringify(expected)) break;
    }
    expect(calls.map((call) => call.label).sort()).toEqual(expected);
    expect(sequentialRoundTrips(calls)).toBe(2);
  });
});
