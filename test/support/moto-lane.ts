/**
 * The end-to-end flows against moto's server (moto 5) as KMS, as DynamoDB, or as both: the README says
 * AWS_ENDPOINT_URL_KMS / AWS_ENDPOINT_URL_DYNAMODB may point at engines patgate didn't write. Everything goes
 * through the public HTTP API (the typed client) and the AWS SDK, as a user would.
 * Without `moto_server` on PATH the lane is reported as skipped (see test/harness/skip-reporter.cjs); on CI
 * (`CI` set) its absence fails the run instead.
 */
import { DescribeTimeToLiveCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { PatgateApiError } from '../../client/management-client';
import { sendRequest } from '../../client/signed-fetch';
import { tableSchema } from '../../lambdas/shared/store/keys';
import { promoteNextKey, retirePreviousKey, stageNextKey } from '../../local/key-rotation';
import { startKmsEmulator } from '../../local/kms/server';
import { startTestService, type TestService } from '../harness/service';
import { harnessKeyring } from '../harness/credentials';
import { findMotoServer, startMotoServer, type MotoServer } from './moto';

export type MotoEngines = { kms: boolean; dynamodb: boolean };

export function describeMotoLane(engines: MotoEngines): void {
  const title = `moto as ${engines.kms && engines.dynamodb ? 'KMS and DynamoDB' : engines.kms ? 'KMS' : 'DynamoDB'}`;
  const executable = findMotoServer();
  if (!executable) {
    if (process.env.CI)
      throw new Error('moto_server is not on PATH: CI must run the moto lane (pip install "moto[server]")');
    it.skip(`${title}: moto_server is not on PATH (pip install "moto[server]" enables this lane)`, () => undefined);
    return;
  }

  describe(title, () => {
    let moto: MotoServer;
    let closeKms: (() => Promise<void>) | undefined;
    let service: TestService;
    const saved = { kms: process.env.AWS_ENDPOINT_URL_KMS, dynamodb: process.env.AWS_ENDPOINT_URL_DYNAMODB };
    const userId = `moto-${Date.now().toString(36)}`;
    let pat: string;
    let firstToken: string;

    beforeAll(async () => {
      moto = await startMotoServer(executable);
      if (engines.dynamodb) process.env.AWS_ENDPOINT_URL_DYNAMODB = moto.url;
      if (engines.kms) process.env.AWS_ENDPOINT_URL_KMS = moto.url;
      else {
        // Rotation moves the shared aliases: this file gets a KMS emulator of its own (as key-rotation.test.ts).
        const emulator = await startKmsEmulator({ credentials: harnessKeyring });
        closeKms = () => emulator.close();
        process.env.AWS_ENDPOINT_URL_KMS = emulator.url;
      }
      service = await startTestService({ handlerEnv: { KEY_CACHE_TTL_SECONDS: '0.05' } });
      await service.client.users.create({ id: userId });
    }, 60_000);

    afterAll(async () => {
      await service?.close();
      await closeKms?.();
      await moto?.stop();
      process.env.AWS_ENDPOINT_URL_KMS = saved.kms;
      process.env.AWS_ENDPOINT_URL_DYNAMODB = saved.dynamodb;
    });

    const demo = () => service.config.demoApplication;
    const exchange = (value: string) =>
      service.client.exchange({ pat: value, clientId: demo().clientId, clientSecret: demo().clientSecret });
    const accessToken = async (value: string) => {
      const response = await exchange(value);
      expect(response.status).toBe(200);
      return (response.json as { access_token: string }).access_token;
    };
    const expectRefused = async (value: string) => {
      const response = await exchange(value);
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ error: 'invalid_request' });
    };
    /** A resource server that fetches the JWKS afresh. */
    const verifyFresh = (token: string) =>
      jwtVerify(token, createRemoteJWKSet(new URL(`${service.config.issuer}/jwks`)), {
        issuer: service.config.issuer,
        typ: 'at+jwt',
      });
    const publishedKids = async () =>
      ((await sendRequest('GET', `${service.config.issuer}/jwks`)).json as { keys: { kid: string }[] }).keys.map(
        (key) => key.kid,
      );
    async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
      for (let attempt = 0; attempt < 50; attempt++) {
        const value = await read();
        if (done(value)) return value;
        await new Promise((resolve) => setTimeout(resolve, 60));
      }
      throw new Error('condition not reached after 50 attempts');
    }

    it('uses the engines it was pointed at', () => {
      expect(service.config.endpoints.kms === moto.url).toBe(engines.kms);
      expect(service.config.endpoints.dynamodb === moto.url).toBe(engines.dynamodb);
    });

    it('creates PATs: conditions refuse a taken name, an expiring PAT carries a TTL, the list reads back', async () => {
      const created = await service.client.pats.create(userId, { name: 'ci', expiresAt: Date.now() + 86_400_000 });
      pat = created.value;
      expect(pat).toMatch(/^pat_/);
      await expect(service.client.pats.create(userId, { name: 'ci' })).rejects.toMatchObject({ status: 422 });
      await service.client.pats.create(userId, { name: 'other' });
      await expect(service.client.pats.rename(userId, 'other', 'ci')).rejects.toBeInstanceOf(PatgateApiError);
      expect((await service.client.pats.list(userId)).map((item) => item.name).sort()).toEqual(['ci', 'other']);

      const dynamodb = new DynamoDBClient({});
      const { TimeToLiveDescription } = await dynamodb.send(
        new DescribeTimeToLiveCommand({ TableName: service.config.tableName }),
      );
      expect(TimeToLiveDescription).toMatchObject({
        TimeToLiveStatus: 'ENABLED',
        AttributeName: tableSchema.ttlAttribute,
      });
      const { Items = [] } = await dynamodb.send(
        new ScanCommand({ TableName: service.config.tableName, ConsistentRead: true }),
      );
      const ttls = Items.map((item) => Number(item[tableSchema.ttlAttribute]?.N)).filter(Number.isFinite);
      expect(ttls.length).toBeGreaterThan(0);
      for (const ttl of ttls) expect(ttl).toBeGreaterThan(Date.now() / 1000);
    });

    it('lists applications and resources through the table index', async () => {
      const app = await service.client.applications.create({ name: 'moto app', type: 'MachineToMachine' });
      const resource = await service.client.resources.create({
        name: 'moto api',
        indicator: `https://moto-${Date.now()}.example.test`,
        scopes: ['read:things'],
      });
      expect((await service.client.applications.list()).map((item) => item.id)).toEqual(
        expect.arrayContaining([app.id, demo().clientId]),
      );
      expect((await service.client.resources.list()).map((item) => item.id)).toContain(resource.id);
    });

    it('exchanges a PAT for a JWT that verifies against the served JWKS', async () => {
      firstToken = await accessToken(pat);
      const { payload, protectedHeader } = await service.verify(firstToken);
      expect(payload).toMatchObject({ sub: userId, client_id: demo().clientId, iss: service.config.issuer });
      expect(protectedHeader.alg).toBe('ES256');
    });

    it('exchanges for a resource or an organization (the owner read with roles, or membership and organization, in one BatchGetItem)', async () => {
      const value = (await service.client.pats.create(userId, { name: 'batch' })).value;
      const grant = async (extra: { resource: string } | { organizationId: string }, scope: string) => {
        const response = await service.client.exchange({
          pat: value,
          clientId: demo().clientId,
          clientSecret: demo().clientSecret,
          scope,
          ...extra,
        });
        return { status: response.status, scope: (response.json as { scope?: string }).scope };
      };
      const indicator = `https://moto-batch-${Date.now()}.example.test`;
      const resource = await service.client.resources.create({ name: 'batch api', indicator, scopes: ['read:b'] });
      const [read] = await service.client.resources.scopes.list(resource.id);
      const role = await service.client.roles.create({
        name: `batch-${Date.now()}`,
        description: 'b',
        scopeIds: [read!.id],
      });
      expect(await grant({ resource: indicator }, 'read:b')).toEqual({ status: 200, scope: '' });
      await service.client.roles.assign(userId, [role.id]);
      expect(await grant({ resource: indicator }, 'read:b')).toEqual({ status: 200, scope: 'read:b' });
      await service.client.roles.unassign(userId, role.id);
      expect(await grant({ resource: indicator }, 'read:b')).toEqual({ status: 200, scope: '' });

      const organization = await service.client.organizations.create({ name: `batch ${Date.now()}` });
      expect((await grant({ organizationId: organization.id }, '')).status).toBe(403);
      await service.client.organizations.addMembers(organization.id, [userId]);
      expect(await grant({ organizationId: organization.id }, '')).toEqual({ status: 200, scope: '' });
      await service.client.organizations.delete(organization.id);
      expect((await grant({ organizationId: organization.id }, '')).status).toBe(403);
      await service.client.pats.delete(userId, 'batch');
    });

    it('rotates the signing key: old tokens keep verifying, new ones carry the new kid, retire unpublishes', async () => {
      const kms = new KMSClient({});
      const oldKid = decodeProtectedHeader(firstToken).kid!;
      await stageNextKey(kms, 'RSA_2048');
      const staged = await eventually(publishedKids, (kids) => kids.length === 2);
      expect(staged).toContain(oldKid);
      expect(decodeProtectedHeader(await accessToken(pat)).kid).toBe(oldKid);

      await promoteNextKey(kms);
      const after = await eventually(
        () => accessToken(pat),
        (token) => decodeProtectedHeader(token).kid !== oldKid,
      );
      const newHeader = decodeProtectedHeader(after);
      expect(newHeader.alg).toBe('RS256');
      expect(staged).toContain(newHeader.kid);
      await expect(verifyFresh(firstToken)).resolves.toMatchObject({ protectedHeader: { kid: oldKid } });
      await expect(verifyFresh(after)).resolves.toMatchObject({ payload: { sub: userId } });

      await retirePreviousKey(kms);
      await eventually(publishedKids, (kids) => kids.length === 1 && kids[0] === newHeader.kid);
      await expect(verifyFresh(firstToken)).rejects.toThrow(/no applicable key/);
      await expect(verifyFresh(after)).resolves.toBeDefined();
    });

    it('stops a suspended user, including a PAT created during the suspension, until unsuspended', async () => {
      await service.client.users.setSuspended(userId, true);
      await expectRefused(pat);
      const during = (await service.client.pats.create(userId, { name: 'during' })).value;
      await expectRefused(during);
      await service.client.users.setSuspended(userId, false);
      // After the rotation: a fresh JWKS (the harness's cached one is within jose's refetch cooldown).
      await expect(verifyFresh(await accessToken(pat))).resolves.toMatchObject({ payload: { sub: userId } });
      await expect(verifyFresh(await accessToken(during))).resolves.toMatchObject({ payload: { sub: userId } });
    });

    it('stops a deleted PAT at once; revoking all empties the list', async () => {
      await service.client.pats.delete(userId, 'ci');
      await expectRefused(pat);
      expect((await service.client.pats.list(userId)).map((item) => item.name).sort()).toEqual(['during', 'other']);
      await service.client.pats.revokeAll(userId);
      expect(await service.client.pats.list(userId)).toEqual([]);
    });
  });
}
