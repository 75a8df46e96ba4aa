/** Summaries of measured samples, computed the same way for every load so that they compare. */

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** One closed-loop or HTTP load at a fixed concurrency. Latencies are of successful requests, in ms. */
export interface LoadFigures {
  concurrency: number;
  seconds: number;
  requests: number;
  errors: number;
  requestsPerSecond: number;
  latencyMs: LatencySummary;
  /** The first failure seen, to explain a non-zero error count. */
  firstError?: string;
}

/** Nearest-rank percentile of ascending samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function median(samples: readonly number[]): number {
  return percentile(
    [...samples].sort((a, b) => a - b),
    50,
  );
}

export function summarizeLatencies(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

/** One load's raw outcomes; loads run in slices are merged with `summarizeLoad`. */
export interface LoadSamples {
  concurrency: number;
  seconds: number;
  /** Of successful requests, in ms. */
  latencies: number[];
  errors: number;
  firstError?: string;
}

/** A closed loop run in the process being measured, with that process's CPU time over the load. */
export interface CpuLoadSamples extends LoadSamples {
  cpuMs: number;
}

/** Collects one load's outcomes. */
export class LoadRecorder {
  private readonly latencies: number[] = [];
  private errors = 0;
  private firstError: string | undefined;
  private readonly startedAt = performance.now();

  constructor(private readonly concurrency: number) {}

  success(latencyMs: number): void {
    this.latencies.push(latencyMs);
  }

  failure(description: string): void {
    this.errors++;
    this.firstError ??= description;
  }

  finish(): LoadSamples {
    return {
      concurrency: this.concurrency,
      seconds: (performance.now() - this.startedAt) / 1000,
      latencies: this.latencies,
      errors: this.errors,
      ...(this.firstError === undefined ? {} : { firstError: this.firstError }),
    };
  }
}

/** Figures of one load, or of several slices of the same load taken as one. */
export function summarizeLoad(slices: readonly LoadSamples[]): LoadFigures {
  const latencies = slices.flatMap((slice) => slice.latencies);
  const errors = slices.reduce((sum, slice) => sum + slice.errors, 0);
  const seconds = slices.reduce((sum, slice) => sum + slice.seconds, 0);
  const firstError = slices.find((slice) => slice.firstError !== undefined)?.firstError;
  return {
    concurrency: slices[0]!.concurrency,
    seconds,
    requests: latencies.length + errors,
    errors,
    requestsPerSecond: latencies.length / seconds,
    latencyMs: summarizeLatencies(latencies),
    ...(firstError === undefined ? {} : { firstError }),
  };
}

/** `summarizeLoad`, plus the CPU time per operation of the process that ran the loop. */
export function summarizeCpuLoad(slices: readonly CpuLoadSamples[]): LoadFigures & { cpuMsPerOperation: number } {
  const figures = summarizeLoad(slices);
  const cpuMs = slices.reduce((sum, slice) => sum + slice.cpuMs, 0);
  return { ...figures, cpuMsPerOperation: cpuMs / (figures.requests || 1) };
}

/** Runs `operation` in `concurrency` loops until `seconds` have passed: a closed-loop load. */
export async function closedLoop(
  concurrency: number,
  length: number | { amount: number },
  operation: (loop: number) => Promise<void>,
): Promise<LoadSamples> {
  const recorder = new LoadRecorder(concurrency);
  // A number of seconds, or of operations in all.
  const deadline = typeof length === 'number' ? performance.now() + length * 1000 : Infinity;
  let remaining = typeof length === 'number' ? Infinity : length.amount;
  const loop = async (index: number) => {
    while (performance.now() < deadline && remaining-- > 0) {
      const started = performance.now();
      try {
        await operation(index);
        recorder.success(performance.now() - started);
      } catch (error) {
        recorder.failure(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, index) => loop(index)));
  return recorder.finish();
}
