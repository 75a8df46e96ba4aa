/**
 * How much the hostile suites run, and what they saw. Each property keeps its fixed seed (the run is
 * reproducible); `HOSTILE_SEEDS=1,2,3` adds seeds and `HOSTILE_SCALE=4` multiplies the runs, for a larger pass
 * than CI's. Every case is tallied by kind; the figures are written to test-artifacts/hostile/<suite>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';

const scale = Number(process.env.HOSTILE_SCALE ?? 1);
const extraSeeds = (process.env.HOSTILE_SEEDS ?? '')
  .split(',')
  .filter((seed) => seed.trim() !== '')
  .map(Number);

/** A Jest timeout for a test of `ms` at the default scale. */
export const hostileTimeout = (ms: number) => Math.ceil(ms * scale * (1 + extraSeeds.length));

/** fc.assert with the property's own seed, then each extra seed, `numRuns` × HOSTILE_SCALE runs each. */
export async function assertHostile<T>(property: fc.IAsyncProperty<T>, seed: number, numRuns: number): Promise<void> {
  for (const each of [seed, ...extraSeeds]) {
    await fc.assert(property, { seed: each, numRuns: Math.max(1, Math.round(numRuns * scale)) });
  }
}

interface KindFigures {
  cases: number;
  statuses: Record<string, number>;
  serverErrors: number;
  /** Responses that carried an access token although the input was bad. */
  tokensForBadInput: number;
}

export interface HostileTally {
  record(kind: string, response: { status: number; json?: unknown }, input?: 'bad' | 'valid'): void;
  write(): void;
}

export function hostileTally(suite: string): HostileTally {
  const kinds = new Map<string, KindFigures>();
  return {
    record(kind, response, input = 'bad') {
      const figures = kinds.get(kind) ?? { cases: 0, statuses: {}, serverErrors: 0, tokensForBadInput: 0 };
      figures.cases++;
      figures.statuses[response.status] = (figures.statuses[response.status] ?? 0) + 1;
      if (response.status >= 500) figures.serverErrors++;
      const json = response.json as { access_token?: unknown } | undefined;
      if (input === 'bad' && typeof json?.access_token === 'string') figures.tokensForBadInput++;
      kinds.set(kind, figures);
    },
    write() {
      const byKind = Object.fromEntries([...kinds].sort(([left], [right]) => left.localeCompare(right)));
      const total = (key: 'cases' | 'serverErrors' | 'tokensForBadInput') =>
        [...kinds.values()].reduce((sum, figures) => sum + figures[key], 0);
      const report = {
        suite,
        scale,
        seeds: extraSeeds.length + 1,
        cases: total('cases'),
        serverErrors: total('serverErrors'),
        tokensForBadInput: total('tokensForBadInput'),
        byKind,
      };
      const dir = join(__dirname, '..', '..', 'test-artifacts', 'hostile');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${suite}.json`), `${JSON.stringify(report, null, 2)}\n`);
    },
  };
}
