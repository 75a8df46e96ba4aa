/**
 * Per-test-file access to the local service: its own table on the shared engines, the gateway on a
 * free port, and clients that talk to it over HTTP exactly as an operator or a CI job would.
 */
import { randomUUID } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyResult } from 'jose';
import { PatgateClient } from '../../client/management-client';
import { startLocalService, type DevConfig, type LocalService, type LocalServiceOptions } from '../../local/service';

export interface TestService {
  config: DevConfig;
  client: PatgateClient;
  /** A fresh user id, so tests never see each other's PATs. */
  newUserId(): string;
  /** A fresh user, registered (PATs need a registered owner); resolves to its id. */
  newUser(): Promise<string>;
  /** Verifies an access token the way a resource server would: against the served JWKS. */
  verify(token: string, audience?: string): Promise<JWTVerifyResult<JWTPayload>>;
  /** One run of the maintenance function (as its schedule runs it in AWS). */
  runMaintenance: LocalService['runMaintenance'];
  /** The expiry-notice job at a time the test chooses. */
  runExpiryNotices: LocalService['runExpiryNotices'];
  /** Events the handlers sent to EventBridge (the local sink). */
  eventSink: LocalService['eventSink'];
  close(): Promise<void>;
}

export async function startTestService(options: LocalServiceOptions = {}): Promise<TestService> {
  const service = await startLocalService({ tableName: `patgate-${randomUUID()}`, log: () => undefined, ...options });
  const { config } = service;
  const client = new PatgateClient({
    endpoint: config.baseUrl,
    region: config.region,
    credentials: { accessKeyId: config.awsAccessKeyId, secretAccessKey: config.awsSecretAccessKey },
  });
  const newUserId = () => `user-${randomUUID().slice(0, 8)}`;
  const jwks = createRemoteJWKSet(new URL(`${config.issuer}/jwks`));
  return {
    config,
    client,
    newUserId,
    newUser: async () => (await client.users.create({ id: newUserId() })).id,
    verify: (token, audience) =>
      jwtVerify(token, jwks, { issuer: config.issuer, typ: 'at+jwt', ...(audience ? { audience } : {}) }),
    runMaintenance: () => service.runMaintenance(),
    runExpiryNotices: (now) => service.runExpiryNotices(now),
    eventSink: service.eventSink,
    close: () => service.close(),
  };
}
