/**
 * DynamoDB going away mid-run: this file runs its own DynamoDB Local (persisting to a temporary
 * directory), stops it while exchanges and creates are in flight, and starts it again on the same port.
 * During the outage every answer is a 503 with Retry-After; afterwards the service recovers by itself,
 * and the table holds every PAT it confirmed, each complete.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoDbLocal, type DynamoDbLocal } from '../local/engines/dynamodb-local';
import { freePort } from '../local/engines/ports';
import { startTestService, type TestService } from './harness/service';
import { expectOAuthClientError, expectOAuthServerError, headerOf, type AnyResponse } from './support/protocol-errors';
import { patInvariantViolations, scanTable } from './support/table-invariants';

const sharedEngineUrl = process.env.AWS_ENDPOINT_URL_DYNAMODB;
const dataDir = mkdtempSync(join(tmpdir(), 'patgate-outage-'));
let port: number;
let engine: DynamoDbLocal;
let service: TestService;

beforeAll(async () => {
  port = await freePort();
  engine = await startDynamoDbLocal({ dataDir, port });
  process.env.AWS_ENDPOINT_URL_DYNAMODB = engine.url;
  service = await startTestService();
}, 60_000);
afterAll(async () => {
  await service?.close();
  await engine?.stop();
  process.env.AWS_ENDPOINT_URL_DYNAMODB = sharedEngineUrl;
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

const demo = () => service.config.demoApplication;
const exchange = (pat: string) =>
  service.client.exchange({ pat, clientId: demo().clientId, clientSecret: demo().clientSecret });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function expectManagementUnavailable(response: AnyResponse): void {
  expect({ status: response.status, body: response.json }).toEqual({
    status: 503,
    body: { code: 'service.unavailable', message: expect.any(String) },
  });
  expect(Number(headerOf(response, 'retry-after'))).toBeGreaterThan(0);
}

interface Outcome {
  kind: 'exchange' | 'create';
  response: AnyResponse;
}

it('answers 503 while DynamoDB is down, recovers by itself, and loses no confirmed write', async () => {
  const userId = await service.newUser();
  const pat = (await service.client.pats.create(userId, { name: 'long-lived' })).value;
  expect((await exchange(pat)).status).toBe(200);

  // Steady traffic from four clients until told to stop; answers are checked once it is over.
  const outcomes: Outcome[] = [];
  let running = true;
  let counter = 0;
  const client = async () => {
    while (running) {
      outcomes.push({ kind: 'exchange', response: await exchange(pat) });
      const path = `/api/users/${userId}/personal-access-tokens`;
      outcomes.push({ kind: 'create', response: await service.client.raw('POST', path, { name: `n${counter++}` }) });
      await sleep(20);
    }
  };
  const clients = Promise.all([client(), client(), client(), client()]);
  let duringOutage: Outcome[];
  let afterRestart = 0;
  try {
    await sleep(300);
    await engine.stop();
    const stoppedAt = outcomes.length;
    await sleep(1500);
    duringOutage = outcomes.slice(stoppedAt);
    engine = await startDynamoDbLocal({ dataDir, port });
    afterRestart = outcomes.length;
    // Requests in flight at the restart may still be backing off: wait (bounded) for the clients to get through,
    // with an exchange and a create (on a busy machine none may have been confirmed before the outage).
    const deadline = Date.now() + 15_000;
    const succeededSinceRestart = (kind: Outcome['kind'], status: number) =>
      outcomes.slice(afterRestart).some((outcome) => outcome.kind === kind && outcome.response.status === status);
    while (!(succeededSinceRestart('exchange', 200) && succeededSinceRestart('create', 201)) && Date.now() < deadline)
      await sleep(100);
  } finally {
    running = false;
    await clients;
  }

  // Every answer was a success or a proper 503, and the outage was actually felt.
  for (const { kind, response } of outcomes) {
    if (response.status < 500) expect(response.status).toBe(kind === 'exchange' ? 200 : 201);
    else if (kind === 'exchange') expectOAuthServerError(response, 'retryable');
    else expectManagementUnavailable(response);
  }
  expect(duringOutage.filter(({ response }) => response.status === 503).length).toBeGreaterThan(4);
  // The running clients got through again once the engine was back, with nothing restarted on our side.
  const recovered = outcomes.slice(afterRestart);
  expect(
    recovered.filter(({ kind, response }) => kind === 'exchange' && response.status === 200).length,
  ).toBeGreaterThan(0);

  // Recovered by itself: same service, same clients, same data.
  expect((await exchange(pat)).status).toBe(200);
  const confirmed = outcomes
    .filter(({ kind, response }) => kind === 'create' && response.status === 201)
    .map(({ response }) => (response.json as { value: string }).value);
  expect(confirmed.length).toBeGreaterThan(0);
  // With the answer's body in the failure message: this failed twice on clean-clone runs (stops 18 and 21) with a 400.
  for (const value of confirmed) {
    const answer = await exchange(value);
    expect({ status: answer.status, body: answer.status === 200 ? 'token' : answer.json }).toEqual({
      status: 200,
      body: 'token',
    });
  }

  // Every PAT is complete (item + lookup), whether its create was confirmed or not.
  const snapshot = await scanTable(engine.url, service.config.tableName);
  expect(patInvariantViolations(snapshot)).toEqual([]);
  expect(snapshot.pats.filter((item) => item.userId === userId).length).toBeGreaterThanOrEqual(confirmed.length + 1);

  // The owner's user item is read at every exchange again: a suspension bites at once, for every PAT.
  await service.client.users.setSuspended(userId, true);
  for (const value of [pat, ...confirmed.slice(0, 5)]) {
    expectOAuthClientError(await exchange(value), { status: 400, error: 'invalid_request' });
  }
  await service.client.users.setSuspended(userId, false);

  // And a PAT deleted after the outage stops at once, as before.
  await service.client.pats.delete(userId, 'long-lived');
  expectOAuthClientError(await exchange(pat), { status: 400, error: 'invalid_request' });
}, 60_000);
