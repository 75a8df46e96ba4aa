/**
 * The performance budget (issues 5 and 17), checked against one run's figures. Absolute CPU and latency figures
 * differ by up to 3× between machines of the same kind, and other work on shared cores moves them within a
 * machine, so every item is a ratio or a difference within one run.
 */
import type { ServiceFigures } from './children/service';
import type { BenchResults, BudgetItem, ExchangeVsFloor } from './results';

const MAX_ROUND_TRIPS = 2;
/**
 * Service CPU per exchange at concurrency 1 (handler, SDK calls and the local gateway's HTTP parsing: the service
 * process during the exchange slices) as a multiple of the raw floor's CPU per operation (the handler's AWS calls,
 * hand-signed: children/load-generator.ts rawFloor), measured in slices alternating with it. Before issue 17 it
 * was 5.04×: `npm run bench` on the original code (commit 2e53f4c with this bench) on 2026-12-03T07:38Z, 2 CPUs
 * (Intel Xeon), Node 20.20: service 4.81 ms, raw floor 0.95 ms, SDK floor 3.51 ms (3.68×), with other processes
 * keeping 86 % of the machine busy (which inflates every c=1 figure about alike). A shorter run at 08:00Z (`--concurrency 1,16 --seconds 6 --profile`) gave 5.09× (3.46 / 0.68 ms).
 * The budget is half of that ratio.
 */
const TODAY_SERVICE_TO_RAW = 5.04;
const MAX_SERVICE_TO_RAW = TODAY_SERVICE_TO_RAW / 2;
/**
 * The handler's own CPU per exchange beyond the SDK floor's, in-process at concurrency 1: direct invocations minus the
 * SDK floor run in the same (service) process, in alternating slices.
 */
const MAX_HANDLER_OWN_MS = 0.2;
/** Median latency at concurrency 1 (what a Lambda container sees) over the SDK floor's. */
const MAX_C1_LATENCY_OVER_FLOOR_MS = 1;
const MAX_P99_FACTOR = 2;
const MAX_BUNDLE_BYTES = 300_000;
/** Import and first invocation as multiples of a bare `node -e 0` start in the same run. */
const MAX_IMPORT_TO_NODE_START = 2.5;
const MAX_FIRST_INVOCATION_TO_NODE_START = 2;
const MAX_RUN_SECONDS = 300;
const P99_CONCURRENCIES = [16, 64];
/**
 * Cached reads still happen once per TTL per key (stale-while-revalidate refreshes), so "none per
 * request once warm" is checked as a rate that such refreshes stay far below.
 */
const MAX_CACHED_READS_PER_REQUEST = 0.01;

const CACHED_READS = {
  'KMS GetPublicKey per exchange': 'KMS GetPublicKey',
  'Application reads per exchange': 'DynamoDB GetItem APP',
  'API resource reads per exchange': 'DynamoDB GetItem RESIND',
};

const fixed = (value: number, digits = 2) => value.toFixed(digits);

function worstRate(phases: readonly ServiceFigures[], label: string): number {
  return Math.max(0, ...phases.map((phase) => phase.awsCallsPerRequest[label] ?? 0));
}

/** The CPU figures the budget is about, at concurrency 1 (one exchange at a time, as a Lambda container serves). */
export function cpuRatios(results: Pick<BenchResults, 'exchange'>) {
  const row = results.exchange.find((candidate) => candidate.concurrency === 1) ?? results.exchange[0]!;
  const raw = row.rawFloor.cpuMsPerOperation;
  return {
    concurrency: row.concurrency,
    serviceMs: row.service.cpuMsPerRequest,
    rawMs: raw,
    sdkMs: row.floor.cpuMsPerOperation,
    directMs: row.direct.cpuMsPerOperation,
    serviceToRaw: row.service.cpuMsPerRequest / raw,
    sdkToRaw: row.floor.cpuMsPerOperation / raw,
    directToRaw: row.direct.cpuMsPerOperation / raw,
    sdkInServiceMs: row.floorInService.cpuMsPerOperation,
    handlerOwnMs: row.direct.cpuMsPerOperation - row.floorInService.cpuMsPerOperation,
  };
}

export function checkBudget(results: Omit<BenchResults, 'budget'>): BudgetItem[] {
  const items: BudgetItem[] = [];
  const check = (item: string, limit: string, measured: string, pass: boolean) =>
    items.push({ item, limit, measured, pass });

  const perRequest = results.work.exchange.perRequest;
  const callsPerExchange = Object.values(results.work.exchange.awsCallsPerRequest).reduce((sum, n) => sum + n, 0);
  check(
    'Sequential AWS round trips per exchange (max)',
    `≤ ${MAX_ROUND_TRIPS}, other calls in parallel`,
    `${perRequest?.roundTrips.max ?? '?'} (of ${fixed(callsPerExchange)} calls)`,
    (perRequest?.roundTrips.max ?? Infinity) <= MAX_ROUND_TRIPS,
  );

  const exchangePhases = [results.work.exchange, ...results.exchange.map((row) => row.service)];
  for (const [item, label] of Object.entries(CACHED_READS)) {
    const rate = worstRate(exchangePhases, label);
    check(
      item,
      `≈ 0 once warm (< ${MAX_CACHED_READS_PER_REQUEST})`,
      fixed(rate, 4),
      rate < MAX_CACHED_READS_PER_REQUEST,
    );
  }
  const jwksCalls = Object.values(results.work.jwks.awsCallsPerRequest).reduce((sum, n) => sum + n, 0);
  check('JWKS: AWS calls per request after the first', '0 (served from memory)', fixed(jwksCalls, 4), jwksCalls === 0);

  const ratios = cpuRatios(results);
  check(
    `Service CPU per exchange / raw floor CPU, c=${ratios.concurrency}`,
    `≤ ${fixed(MAX_SERVICE_TO_RAW)}× (½ of ${fixed(TODAY_SERVICE_TO_RAW)}×)`,
    `${fixed(ratios.serviceToRaw)}× (${fixed(ratios.serviceMs)} / ${fixed(ratios.rawMs)} ms)`,
    ratios.serviceToRaw <= MAX_SERVICE_TO_RAW,
  );
  check(
    `Handler's own CPU beyond the SDK floor, c=${ratios.concurrency}`,
    `≤ ${MAX_HANDLER_OWN_MS} ms`,
    `${fixed(ratios.handlerOwnMs)} ms (${fixed(ratios.directMs)} − ${fixed(ratios.sdkInServiceMs)})`,
    ratios.handlerOwnMs <= MAX_HANDLER_OWN_MS,
  );

  const row1 = results.exchange.find((row) => row.concurrency === 1);
  // Over HTTP (the hop included) and in-process, as the Lambda runtime invokes the handler.
  const ways = [
    ['Exchange', (row: ExchangeVsFloor) => row.exchange],
    ['In-process exchange', (row: ExchangeVsFloor) => row.direct],
  ] as const;
  if (row1) {
    for (const [how, loadOf] of ways) {
      const over = loadOf(row1).latencyMs.p50 - row1.floor.latencyMs.p50;
      check(
        `${how} p50 − SDK floor p50, c=1`,
        `≤ ${MAX_C1_LATENCY_OVER_FLOOR_MS} ms`,
        `${fixed(over)} ms`,
        over <= MAX_C1_LATENCY_OVER_FLOOR_MS,
      );
    }
  }
  for (const [how, loadOf] of ways) {
    for (const row of results.exchange.filter((candidate) => P99_CONCURRENCIES.includes(candidate.concurrency))) {
      const factor = loadOf(row).latencyMs.p99 / row.floor.latencyMs.p99;
      check(
        `${how} p99 vs SDK floor p99, c=${row.concurrency}`,
        `≤ ${MAX_P99_FACTOR}×`,
        `${fixed(factor)}×`,
        factor <= MAX_P99_FACTOR,
      );
    }
  }

  const loads = [
    ...results.exchange.flatMap((row) => [row.exchange, row.floor, row.rawFloor, row.direct]),
    ...Object.values(results.management),
  ];
  const errors = loads.reduce((sum, load) => sum + load.errors, 0);
  check('Errors in all loads', '0', String(errors), errors === 0);

  for (const bundle of results.coldStart) {
    check(
      `${bundle.handler} bundle, minified`,
      `≤ ${MAX_BUNDLE_BYTES / 1000} kB`,
      `${fixed(bundle.minifiedBytes / 1000, 0)} kB`,
      bundle.minifiedBytes <= MAX_BUNDLE_BYTES,
    );
    const importRatio = bundle.importMs / bundle.nodeStartMs;
    check(
      `${bundle.handler} import / node -e 0, median`,
      `≤ ${MAX_IMPORT_TO_NODE_START}×`,
      `${fixed(importRatio)}× (${fixed(bundle.importMs, 0)} ms)`,
      importRatio <= MAX_IMPORT_TO_NODE_START,
    );
    const firstRatio = bundle.firstInvocationMs / bundle.nodeStartMs;
    check(
      `${bundle.handler} first invocation / node -e 0`,
      `≤ ${MAX_FIRST_INVOCATION_TO_NODE_START}×`,
      `${fixed(firstRatio)}× (${fixed(bundle.firstInvocationMs, 0)} ms)`,
      firstRatio <= MAX_FIRST_INVOCATION_TO_NODE_START,
    );
  }

  // --decompose's extra loads are a diagnosis the default run doesn't make.
  const decompositionSeconds = results.exchange.reduce((sum, row) => sum + (row.decomposition?.seconds ?? 0), 0);
  const runSeconds = results.durationSeconds - decompositionSeconds;
  check(
    'Whole benchmark run',
    `< ${MAX_RUN_SECONDS / 60} min`,
    `${fixed(runSeconds, 0)} s` +
      (decompositionSeconds > 0 ? ` (+${fixed(decompositionSeconds, 0)} s --decompose)` : ''),
    runSeconds < MAX_RUN_SECONDS,
  );
  return items;
}
