/** What the loads need: distinct PATs spread over users, an API resource, and the requests built from them. */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { PatgateClient } from '../client/management-client';
import { routes } from '../lambdas/routes';
import { hashPatValue } from '../lambdas/shared/crypto/pat-value';
import { PAT_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT } from '../lambdas/shared/oauth';
import { buildProxyEvent } from '../local/gateway/event';
import { createRouter } from '../local/gateway/router';
import type { DevConfig } from '../local/service';

export interface Fixtures {
  pats: { userId: string; value: string; tokenHash: string }[];
  userIds: string[];
  resource: { indicator: string; scope: string };
}

export const USERS = 30;
/** Within the bench's lifetime policy (bench/run.ts BENCH_PAT_POLICY). */
const EXPIRY_MS = 30 * 86_400_000;
const SEED_CONCURRENCY = 8;

export async function createFixtures(client: PatgateClient, patCount: number): Promise<Fixtures> {
  const resource = await client.resources.create({
    name: 'Benchmark API',
    indicator: `https://api.bench.example/${randomUUID()}`,
    scopes: ['read:data', 'write:data'],
  });
  const runId = randomUUID().slice(0, 8);
  const userIds = Array.from({ length: USERS }, (_, index) => `bench-user-${runId}-${index}`);
  // PATs belong to registered users (404 otherwise).
  for (let start = 0; start < USERS; start += SEED_CONCURRENCY) {
    await Promise.all(userIds.slice(start, start + SEED_CONCURRENCY).map((id) => client.users.create({ id })));
  }
  // Logto's RBAC: the resource's scopes reach the users through a role, so exchanges read role assignments.
  const scopes = await client.resources.scopes.list(resource.id);
  const role = await client.roles.create({
    name: `bench-${runId}`,
    description: 'every scope of the benchmark API',
    scopeIds: scopes.map((scope) => scope.id),
  });
  for (const id of userIds) await client.roles.assign(id, [role.id]);
  const pats: Fixtures['pats'] = [];
  let next = 0;
  // Consecutive PATs belong to different users, so concurrent creations never contend on one user's state.
  const create = async () => {
    for (let index = next++; index < patCount; index = next++) {
      const userId = userIds[index % USERS]!;
      const { value } = await client.pats.create(userId, { name: `bench-${index}`, expiresAt: Date.now() + EXPIRY_MS });
      pats.push({ userId, value, tokenHash: hashPatValue(value) });
    }
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, create));
  return { pats, userIds, resource: { indicator: resource.indicator, scope: resource.scopes.join(' ') } };
}

/** Token requests as a CI job sends them: client_secret_basic, one PAT each, for the API resource. */
export function exchangeRequests(fixtures: Fixtures, app: DevConfig['demoApplication']) {
  return {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`,
    },
    bodies: fixtures.pats.map((pat) =>
      new URLSearchParams({
        grant_type: TOKEN_EXCHANGE_GRANT,
        subject_token: pat.value,
        subject_token_type: PAT_TOKEN_TYPE,
        resource: fixtures.resource.indicator,
        scope: fixtures.resource.scope,
      }).toString(),
    ),
  };
}

/** The Lambda proxy event API Gateway would pass for a request, for invoking a bundle directly. */
export function proxyEvent(
  method: string,
  path: string,
  request: { headers?: Record<string, string>; body?: string; callerAccessKeyId?: string } = {},
): APIGatewayProxyEvent {
  const match = createRouter(routes).match(method, path);
  if (!match) throw new Error(`No route for ${method} ${path}`);
  const headers = { Host: 'bench.execute-api.us-east-1.amazonaws.com', ...request.headers };
  return buildProxyEvent(
    {
      method,
      rawPath: path,
      rawQuery: '',
      rawHeaders: Object.entries(headers).flat(),
      body: Buffer.from(request.body ?? ''),
      httpVersion: '1.1',
      sourceIp: '127.0.0.1',
      localPort: 443,
    },
    {
      match,
      callerAccessKeyId: request.callerAccessKeyId,
      accountId: '000000000000',
      stage: 'bench',
      requestId: randomUUID(),
      extendedRequestId: 'bench',
      receivedAt: new Date(),
    },
  );
}
