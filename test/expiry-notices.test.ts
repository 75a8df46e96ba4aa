/**
 * Expiry notices: EventBridge events from the maintenance job, against DynamoDB Local and the local
 * EventBridge sink (the unmodified SDK via AWS_ENDPOINT_URL_EVENTBRIDGE), at times the test chooses.
 */
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { startTestService, type TestService } from './harness/service';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

const DAY = 86_400_000;
const eventsOf = (userId: string) =>
  service.eventSink.events
    .filter((event) => event.detail.userId === userId)
    .map((event) => `${event.detailType} ${event.detail.threshold} ${event.detail.name}`)
    .sort();

it('sends 7-day, 1-day and expired notices once each, with user, name and expiry only', async () => {
  const userId = await service.newUser();
  const now = Date.now();
  const values = await Promise.all(
    [
      ['in-10d', now + 10 * DAY],
      ['in-5d', now + 5 * DAY],
      ['in-12h', now + DAY / 2],
      ['never', null],
    ].map(
      async ([name, expiresAt]) =>
        (await service.client.pats.create(userId, { name: name as string, expiresAt: expiresAt as number | null }))
          .value,
    ),
  );

  await service.runExpiryNotices(now);
  expect(eventsOf(userId)).toEqual(['patgate.pat.expiring 1d in-12h', 'patgate.pat.expiring 7d in-5d']);
  const event = service.eventSink.events.find((e) => e.detail.userId === userId && e.detail.name === 'in-5d')!;
  expect(event).toMatchObject({ source: 'patgate', eventBusName: 'default' });
  expect(event.detail).toEqual({
    userId,
    name: 'in-5d',
    expiresAt: now + 5 * DAY,
    expiresAtIso: new Date(now + 5 * DAY).toISOString(),
    threshold: '7d',
  });
  const everything = JSON.stringify(service.eventSink.events);
  for (const value of values) expect(everything).not.toContain(value);

  // Repeated runs, and concurrent ones, send nothing twice.
  await service.runExpiryNotices(now);
  await Promise.all([1, 2, 3].map(() => service.runExpiryNotices(now + 1000)));
  expect(eventsOf(userId)).toHaveLength(2);

  await service.runExpiryNotices(now + DAY);
  expect(eventsOf(userId)).toContain('patgate.pat.expired expired in-12h');
  await service.runExpiryNotices(now + 4 * DAY + 1);
  await Promise.all([1, 2].map(() => service.runExpiryNotices(now + 4 * DAY + 2)));
  expect(eventsOf(userId)).toEqual(
    [
      'patgate.pat.expired expired in-12h',
      'patgate.pat.expiring 1d in-5d',
      'patgate.pat.expiring 1d in-12h',
      'patgate.pat.expiring 7d in-10d',
      'patgate.pat.expiring 7d in-5d',
    ].sort(),
  );

  await service.runExpiryNotices(now + 5 * DAY);
  await service.runExpiryNotices(now + 10 * DAY);
  await service.runExpiryNotices(now + 10 * DAY + 60_000);
  expect(eventsOf(userId).filter((e) => e.includes('expired'))).toEqual([
    'patgate.pat.expired expired in-10d',
    'patgate.pat.expired expired in-12h',
    'patgate.pat.expired expired in-5d',
  ]);
  // in-10d went from the 7-day warning to expired without a 1-day warning: no run fell in its last day.
  expect(eventsOf(userId)).toHaveLength(7);
  // Expired longer ago than the job looks back: not noticed (again or late).
  expect((await service.runExpiryNotices(now + 20 * DAY)).sent).toEqual({ '7d': 0, '1d': 0, expired: 0 });
});

it('retries a notice EventBridge refused at the next run, and sends it once', async () => {
  const userId = await service.newUser();
  const now = Date.now();
  await service.client.pats.create(userId, { name: 'soon', expiresAt: now + 3 * DAY });
  service.eventSink.failNext(10);
  const failed = await service.runExpiryNotices(now);
  expect(failed.failed).toBeGreaterThanOrEqual(1);
  service.eventSink.failNext(0);
  expect(eventsOf(userId)).toEqual([]);
  await service.runExpiryNotices(now);
  await service.runExpiryNotices(now);
  expect(eventsOf(userId)).toEqual(['patgate.pat.expiring 7d soon']);
});

it('skips revoked PATs and PATs of an ended epoch; a rotation to a new expiry gets new notices', async () => {
  const userId = await service.newUser();
  const gone = await service.newUser();
  const now = Date.now();
  await service.client.pats.create(gone, { name: 'revoked-all', expiresAt: now + 2 * DAY });
  await service.client.pats.revokeAll(gone);
  await service.client.pats.create(userId, { name: 'rotated', expiresAt: now + 2 * DAY });
  await service.runExpiryNotices(now);
  expect(eventsOf(gone)).toEqual([]);
  expect(eventsOf(userId)).toEqual(['patgate.pat.expiring 7d rotated']);
  await service.client.pats.rotate(userId, 'rotated', { expiresAt: now + 6 * DAY });
  await service.runExpiryNotices(now + 1);
  expect(eventsOf(userId)).toEqual(['patgate.pat.expiring 7d rotated', 'patgate.pat.expiring 7d rotated']);
  await service.client.pats.rotate(userId, 'rotated', {});
  await service.runExpiryNotices(now + 2);
  expect(eventsOf(userId)).toHaveLength(2);
});

it('lists PATs with an expiry under their UTC day in gsi1, which is all the job reads', async () => {
  const userId = await service.newUser();
  const expiresAt = Date.UTC(2031, 4, 6, 12);
  await service.client.pats.create(userId, { name: 'dated', expiresAt });
  const { Items } = await new DynamoDBClient({}).send(
    new QueryCommand({
      TableName: service.config.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :day',
      ExpressionAttributeValues: { ':day': { S: 'PATEXP#2031-05-06' } },
    }),
  );
  expect(Items!.map((item) => item.userId?.S)).toContain(userId);
  expect(Items!.find((item) => item.userId?.S === userId)!.gsi1sk!.S).toBe(String(expiresAt).padStart(16, '0'));
  const report = await service.runExpiryNotices(expiresAt - 6 * DAY);
  expect(report.sent['7d']).toBeGreaterThanOrEqual(1);
  expect(eventsOf(userId)).toEqual(['patgate.pat.expiring 7d dated']);
});
