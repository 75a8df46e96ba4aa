/**
 * Stale-while-revalidate caches for data that may be slightly stale (signing keys, applications,
 * API resources): after the TTL the old value is still served while one background load refreshes
 * it, so warm requests never wait on these reads. A failed load is never cached.
 */

interface Entry<T> {
  value: Promise<T>;
  fetchedAt: number;
  refreshing: boolean;
}

export function cached<T>(load: () => Promise<T>, ttlMs: () => number) {
  let entry: Entry<T> | undefined;
  const start = (): Entry<T> => ({ value: load(), fetchedAt: Date.now(), refreshing: false });
  return {
    get(): Promise<T> {
      if (!entry) {
        const fresh = start();
        entry = fresh;
        fresh.value.catch(() => {
          if (entry === fresh) entry = undefined;
        });
        return fresh.value;
      }
      if (!entry.refreshing && Date.now() - entry.fetchedAt > ttlMs()) {
        const current = entry;
        current.refreshing = true;
        const fresh = start();
        fresh.value.then(
          () => {
            if (entry === current) entry = fresh;
          },
          () => {
            current.refreshing = false;
          },
        );
      }
      return entry.value;
    },
    invalidate(): void {
      entry = undefined;
    },
  };
}

/**
 * One `cached` per key, for at most `maxEntries` keys (oldest dropped first). Absence (`null`) is kept
 * only when a refresh finds a known value gone: a first read that finds nothing is not remembered, so
 * no caller (authenticated or not) can make a key look missing for a TTL before it is created.
 */
export function keyedCache<T>(load: (key: string) => Promise<T | null>, ttlMs: () => number, maxEntries = 1000) {
  const entries = new Map<string, ReturnType<typeof cached<T | null>>>();
  return {
    has: (key: string) => entries.has(key),
    /** `first`, when given, is the value of a key not cached yet, read elsewhere (refreshes use `load`). */
    get(key: string, first?: Promise<T | null>): Promise<T | null> {
      const known = entries.get(key);
      if (known) return known.get();
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      let firstValue = first;
      const entry = cached(() => {
        const value = firstValue ?? load(key);
        firstValue = undefined;
        return value;
      }, ttlMs);
      entries.set(key, entry);
      const value = entry.get();
      value.then(
        (found) => {
          if (found === null && entries.get(key) === entry) entries.delete(key);
        },
        () => undefined,
      );
      return value;
    },
  };
}
