/** BatchGetItem's unprocessed keys: asked again, alone, a bounded number of times, then a retryable failure. */
import { DependencyError } from '../../lambdas/shared/errors';
import { jitteredBackoff, readUnprocessedAgain } from '../../lambdas/shared/store/unprocessed-keys';

/** A BatchGetItem over `table` that leaves the last key of a request unprocessed for its first `times` requests. */
function fakeSend(table: Record<string, string>, times: number) {
  const requests: string[][] = [];
  const send = async (keys: readonly string[]) => {
    requests.push([...keys]);
    const unprocessed = requests.length <= times ? keys.slice(-1) : [];
    const answered = keys.filter((key) => !unprocessed.includes(key) && key in table);
    return { items: answered.map((key) => table[key]!), unprocessed };
  };
  return { send, requests };
}

const table = { user: 'the user item', roles: 'the roles item' };
const sleeps: number[] = [];
const retries = {
  retries: 3,
  delayMs: (retry: number) => retry * 10,
  sleep: async (ms: number) => void sleeps.push(ms),
};

beforeEach(() => (sleeps.length = 0));

it('reads every key in one request when all are processed, without waiting', async () => {
  const { send, requests } = fakeSend(table, 0);
  expect(await readUnprocessedAgain(['user', 'roles', 'absent'], send, retries)).toEqual([
    'the user item',
    'the roles item',
  ]);
  expect(requests).toEqual([['user', 'roles', 'absent']]);
  expect(sleeps).toEqual([]);
});

it('asks again for the unprocessed keys only, after a wait', async () => {
  const { send, requests } = fakeSend(table, 1);
  expect(await readUnprocessedAgain(['user', 'roles'], send, retries)).toEqual(['the user item', 'the roles item']);
  expect(requests).toEqual([['user', 'roles'], ['roles']]);
  expect(sleeps).toEqual([10]);
});

it('asks again as long as keys stay unprocessed, up to the retries', async () => {
  const { send, requests } = fakeSend(table, 2);
  expect(await readUnprocessedAgain(['user', 'roles'], send, retries)).toEqual(['the user item', 'the roles item']);
  expect(requests).toEqual([['user', 'roles'], ['roles'], ['roles']]);
  expect(sleeps).toEqual([10, 20]);

  const last = fakeSend(table, 3);
  expect(await readUnprocessedAgain(['user', 'roles'], last.send, retries)).toHaveLength(2);
  expect(last.requests).toHaveLength(4);
});

it('fails as a retryable DynamoDB dependency error when keys stay unprocessed, never with a partial answer', async () => {
  const { send, requests } = fakeSend(table, Infinity);
  const failure = await readUnprocessedAgain(['user', 'roles'], send, retries).catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(DependencyError);
  expect(failure).toMatchObject({ dependency: 'dynamodb', retryable: true });
  expect(String((failure as Error).cause)).toContain('1 of 2 keys unprocessed');
  expect(requests).toHaveLength(1 + retries.retries);
  expect(sleeps).toEqual([10, 20, 30]);
});

it("lets a request's own failure through at once", async () => {
  const failure = new DependencyError('dynamodb', false, { cause: new Error('AccessDenied') });
  let requests = 0;
  const send = async () => {
    requests++;
    throw failure;
  };
  await expect(readUnprocessedAgain(['user'], send, retries)).rejects.toBe(failure);
  expect(requests).toBe(1);
  expect(sleeps).toEqual([]);
});

it('backs off doubling, waiting a random half of each step on top of the other half', () => {
  expect([1, 2, 3].map(jitteredBackoff(10, () => 0))).toEqual([5, 10, 20]);
  expect([1, 2, 3].map(jitteredBackoff(10, () => 0.999999)).map(Math.round)).toEqual([10, 20, 40]);
  for (const retry of [1, 2, 3]) {
    const delay = jitteredBackoff(10)(retry);
    expect(delay).toBeGreaterThanOrEqual(5 * 2 ** (retry - 1));
    expect(delay).toBeLessThan(10 * 2 ** (retry - 1));
  }
});
