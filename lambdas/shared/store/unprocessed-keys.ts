/**
 * BatchGetItem may answer only part of a request (throttling, a partition's or the response's size limit) and
 * name the rest UnprocessedKeys. Those are asked again, a bounded number of times, then the read fails as a
 * retryable DependencyError: a caller never gets a partial answer as if the missing items didn't exist.
 */
import { DependencyError } from '../errors';

export interface BatchAnswer<K, T> {
  items: readonly T[];
  unprocessed: readonly K[];
}

export interface UnprocessedRetries {
  /** Requests after the first, each for the keys the one before left unprocessed. */
  retries: number;
  /** Milliseconds to wait before the given retry (1, 2, …). */
  delayMs: (retry: number) => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Doubles from `firstMs` with every retry; a random half of each wait, so that throttled callers spread out. */
export const jitteredBackoff =
  (firstMs: number, random: () => number = Math.random) =>
  (retry: number): number => {
    const ceiling = firstMs * 2 ** (retry - 1);
    return ceiling / 2 + (random() * ceiling) / 2;
  };

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The items of every key: `send` is called with `keys`, then with each answer's unprocessed keys only. */
export async function readUnprocessedAgain<K, T>(
  keys: readonly K[],
  send: (keys: readonly K[]) => Promise<BatchAnswer<K, T>>,
  { retries, delayMs, sleep = wait }: UnprocessedRetries,
): Promise<T[]> {
  const found: T[] = [];
  let pending = keys;
  for (let retry = 0; pending.length > 0; retry++) {
    if (retry > retries) {
      throw new DependencyError('dynamodb', true, {
        cause: new Error(`BatchGetItem left ${pending.length} of ${keys.length} keys unprocessed`),
      });
    }
    if (retry > 0) await sleep(delayMs(retry));
    const answer = await send(pending);
    found.push(...answer.items);
    pending = answer.unprocessed;
  }
  return found;
}
