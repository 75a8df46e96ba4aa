/** The stale-while-revalidate caches (lambdas/shared/cache.ts), with a controllable loader and clock. */
import { cached, keyedCache } from '../../lambdas/shared/cache';

/** A loader whose calls stay pending until the test settles them. */
function controlledLoader<T>() {
  const calls: { key: string | undefined; resolve(value: T): void; reject(error: Error): void }[] = [];
  const load = (key?: string) =>
    new Promise<T>((resolve, reject) => {
      calls.push({ key, resolve, reject });
    });
  return { load, calls };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

let now = 1_000_000;
beforeEach(() => {
  jest.spyOn(Date, 'now').mockImplementation(() => now);
});
afterEach(() => jest.restoreAllMocks());

const TTL_MS = 1000;

/** A `cached` over a controlled loader whose first load has returned `v1`. */
async function warmCache(ttlMs: () => number = () => TTL_MS) {
  const { load, calls } = controlledLoader<string>();
  const cache = cached(load, ttlMs);
  const initial = cache.get();
  calls[0]!.resolve('v1');
  await initial;
  return { cache, calls };
}

describe('cached', () => {
  it('loads once for concurrent callers and serves the value until the TTL passes', async () => {
    const { load, calls } = controlledLoader<string>();
    const cache = cached(load, () => TTL_MS);
    const first = cache.get();
    const second = cache.get();
    expect(calls).toHaveLength(1);
    calls[0]!.resolve('v1');
    await expect(Promise.all([first, second])).resolves.toEqual(['v1', 'v1']);
    now += TTL_MS;
    await expect(cache.get()).resolves.toBe('v1');
    expect(calls).toHaveLength(1);
  });

  it('after the TTL serves the old value at once while one background load refreshes it', async () => {
    const { cache, calls } = await warmCache();

    now += TTL_MS + 1;
    await expect(cache.get()).resolves.toBe('v1');
    await expect(cache.get()).resolves.toBe('v1');
    expect(calls).toHaveLength(2); // one refresh, however many callers

    calls[1]!.resolve('v2');
    await settle();
    await expect(cache.get()).resolves.toBe('v2');
    expect(calls).toHaveLength(2);
  });

  it('never caches a failed load: the next caller loads again', async () => {
    const { load, calls } = controlledLoader<string>();
    const cache = cached(load, () => TTL_MS);
    const failing = cache.get();
    calls[0]!.reject(new Error('outage'));
    await expect(failing).rejects.toThrow('outage');
    await settle();

    const retried = cache.get();
    expect(calls).toHaveLength(2);
    calls[1]!.resolve('v1');
    await expect(retried).resolves.toBe('v1');
  });

  it('keeps serving the old value when a refresh fails, and tries again on the next call', async () => {
    const { cache, calls } = await warmCache();

    now += TTL_MS + 1;
    await expect(cache.get()).resolves.toBe('v1');
    calls[1]!.reject(new Error('outage'));
    await settle();

    await expect(cache.get()).resolves.toBe('v1');
    expect(calls).toHaveLength(3);
    calls[2]!.resolve('v2');
    await settle();
    await expect(cache.get()).resolves.toBe('v2');
  });

  it('reads the TTL on every call, so a changed setting applies at once', async () => {
    let ttl = 60_000;
    const { cache, calls } = await warmCache(() => ttl);
    now += 2000;
    await cache.get();
    expect(calls).toHaveLength(1);
    ttl = 1000;
    await cache.get();
    expect(calls).toHaveLength(2);
  });

  it('forgets everything on invalidate', async () => {
    const { cache, calls } = await warmCache();
    cache.invalidate();
    const reloaded = cache.get();
    expect(calls).toHaveLength(2);
    calls[1]!.resolve('v2');
    await expect(reloaded).resolves.toBe('v2');
  });
});

describe('keyedCache', () => {
  it('keeps one entry per key', async () => {
    const { load, calls } = controlledLoader<string>();
    const cache = keyedCache(
      (key) => load(key),
      () => TTL_MS,
    );
    const a = cache.get('a');
    const b = cache.get('b');
    const aAgain = cache.get('a');
    expect(calls.map((call) => call.key)).toEqual(['a', 'b']);
    calls[0]!.resolve('A');
    calls[1]!.resolve('B');
    await expect(Promise.all([a, b, aAgain])).resolves.toEqual(['A', 'B', 'A']);
  });

  it('holds at most maxEntries keys, dropping the oldest first', async () => {
    const loads: string[] = [];
    const cache = keyedCache(
      async (key) => {
        loads.push(key);
        return key.toUpperCase();
      },
      () => TTL_MS,
      2,
    );
    await cache.get('a');
    await cache.get('b');
    await cache.get('c'); // evicts a
    await cache.get('b');
    await cache.get('c');
    expect(loads).toEqual(['a', 'b', 'c']);
    await cache.get('a'); // loaded again, evicting b
    await cache.get('b');
    expect(loads).toEqual(['a', 'b', 'c', 'a', 'b']);
  });
});

describe('keyedCache absence', () => {
  it('does not remember a first read that found nothing, so a key created later is seen at once', async () => {
    let stored: string | null = null;
    let loads = 0;
    const cache = keyedCache(
      async () => {
        loads++;
        return stored;
      },
      () => TTL_MS,
    );
    expect(await cache.get('k')).toBeNull();
    await settle();
    stored = 'created';
    expect(await cache.get('k')).toBe('created');
    expect(loads).toBe(2);
    // A value found is remembered for the TTL.
    expect(await cache.get('k')).toBe('created');
    expect(loads).toBe(2);
  });

  it('keeps absence learned by refreshing a known value (a deleted entry stops being served)', async () => {
    let stored: string | null = 'v1';
    const cache = keyedCache(
      async () => stored,
      () => TTL_MS,
    );
    expect(await cache.get('k')).toBe('v1');
    stored = null;
    now += TTL_MS + 1;
    expect(await cache.get('k')).toBe('v1'); // stale while the refresh runs
    await settle();
    expect(await cache.get('k')).toBeNull();
  });
});
