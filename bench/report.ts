/** Renders a run's figures as plain-text tables. */
import { cpuRatios } from './budget';
import { totalCpuMs } from './process-cpu';
import type { BenchResults } from './results';
import type { LoadFigures } from './stats';

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) =>
    // The first column is text; the others are figures, aligned right.
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/** Share of the machine used by other processes above which a run's figures are flagged as skewed. */
const BUSY_MACHINE = 0.15;

const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1);
const count = (value: number) => Math.round(value).toLocaleString('en-US');
const kB = (bytes: number) => `${(bytes / 1000).toFixed(0)} kB`;
const latencies = (load: LoadFigures) => [ms(load.latencyMs.p50), ms(load.latencyMs.p90), ms(load.latencyMs.p99)];
/** A load's throughput, latencies and errors, as the tables show them. */
const loadCells = (load: LoadFigures) => [count(load.requestsPerSecond), ...latencies(load), String(load.errors)];
/** A load's throughput as a share of its floor's, and its p99 as a multiple of the floor's. */
const vsFloor = (load: LoadFigures, floor: LoadFigures) => [
  `${((load.requestsPerSecond / floor.requestsPerSecond) * 100).toFixed(0)} %`,
  (load.latencyMs.p99 / floor.latencyMs.p99).toFixed(2),
];

export function renderReport(results: BenchResults): string {
  const { machine, settings, work } = results;
  const sections: string[] = [];

  sections.push(
    [
      `patgate benchmark — ${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}, ${machine.platform}`,
      `load average at start ${machine.loadAverage.map((value) => value.toFixed(2)).join(' / ')} (1/5/15 min); ` +
        `${settings.pats} PATs, ${settings.secondsPerLoad} s per load`,
    ].join('\n'),
  );

  sections.push(
    'Token exchange (POST /oidc/token) vs its I/O floor (GetItem, then BatchGetItem ∥ KMS Sign, with the SDK), latencies in ms\n' +
      table(
        [
          'conc',
          'exch req/s',
          'p50',
          'p90',
          'p99',
          'err',
          'floor req/s',
          'p50',
          'p90',
          'p99',
          'err',
          'of floor',
          'p99 ×',
          'svc CPU',
          'svc ELU',
        ],
        results.exchange.map((row) => [
          String(row.concurrency),
          ...loadCells(row.exchange),
          ...loadCells(row.floor),
          ...vsFloor(row.exchange, row.floor),
          `${(row.service.cpuCores * 100).toFixed(0)} %`,
          `${(row.service.eventLoopUtilization * 100).toFixed(0)} %`,
        ]),
      ) +
      '\n(svc CPU: CPU time of the gateway + handlers process over wall time, 100 % = one core; ELU: its event loop utilization)',
  );

  sections.push(
    'The same exchanges invoked in the service process, as the Lambda runtime invokes the handler: no HTTP hop\n' +
      table(
        [
          'conc',
          'req/s',
          'p50',
          'p90',
          'p99',
          'err',
          'of floor',
          'p99 ×',
          'CPU/exch',
          'SDK floor',
          'here',
          'handler own',
        ],
        results.exchange.map((row) => [
          String(row.concurrency),
          ...loadCells(row.direct),
          ...vsFloor(row.direct, row.floor),
          ms(row.direct.cpuMsPerOperation),
          ms(row.floor.cpuMsPerOperation),
          ms(row.floorInService.cpuMsPerOperation),
          ms(row.direct.cpuMsPerOperation - row.floorInService.cpuMsPerOperation),
        ]),
      ) +
      "\n(CPU/exch: the service process's CPU ms per in-process exchange; SDK floor: the load generator's per GetItem, then\n" +
      'BatchGetItem ∥ Sign; here: the same floor run in the service process, beside the invocations; handler own: CPU/exch − here)',
  );

  const decomposed = results.exchange.filter((row) => row.decomposition);
  if (decomposed.length > 0) {
    sections.push(
      "The handler's own share in layers (--decompose), CPU ms per exchange in the service process\n" +
        table(
          [
            'conc',
            'SDK floor',
            'stores',
            'pipeline',
            'handler',
            'stores + JWT',
            'pipeline steps',
            'middy + Powertools',
            'own',
          ],
          decomposed.map((row) => {
            const { stores, pipeline } = row.decomposition!;
            const floor = row.floorInService.cpuMsPerOperation;
            return [
              String(row.concurrency),
              ms(floor),
              ms(stores.cpuMsPerOperation),
              ms(pipeline.cpuMsPerOperation),
              ms(row.direct.cpuMsPerOperation),
              ms(stores.cpuMsPerOperation - floor),
              ms(pipeline.cpuMsPerOperation - stores.cpuMsPerOperation),
              ms(row.direct.cpuMsPerOperation - pipeline.cpuMsPerOperation),
              ms(row.direct.cpuMsPerOperation - floor),
            ];
          }),
        ) +
        "\n(stores: the floor's calls through the handler's stores and JWT signer; pipeline: the handler's parsing, exchange and\n" +
        'response without middy, Powertools and the log line; handler: the in-process invocations above. The last four\n' +
        "columns are the differences: what each layer adds, and the handler's own share in all)",
    );
  }

  sections.push(
    'Floors: GetItem, then BatchGetItem ∥ Sign, through the SDK clients, and hand-signed over node:http keep-alive (raw), latencies in ms\n' +
      table(
        [
          'conc',
          'SDK req/s',
          'p50',
          'p90',
          'p99',
          'CPU ms',
          'raw req/s',
          'p50',
          'p90',
          'p99',
          'CPU ms',
          'SDK / raw CPU',
        ],
        results.exchange.map((row) => [
          String(row.concurrency),
          count(row.floor.requestsPerSecond),
          ...latencies(row.floor),
          ms(row.floor.cpuMsPerOperation),
          count(row.rawFloor.requestsPerSecond),
          ...latencies(row.rawFloor),
          ms(row.rawFloor.cpuMsPerOperation),
          `${(row.floor.cpuMsPerOperation / row.rawFloor.cpuMsPerOperation).toFixed(2)}×`,
        ]),
      ),
  );

  const cpuRows = results.exchange.flatMap((row) =>
    row.cpu
      ? (
          [
            ['floor', row.cpu.floor],
            ['raw floor', row.cpu.rawFloor],
            ['exchange', row.cpu.exchange],
            ['direct', row.cpu.direct],
          ] as const
        ).map(([load, cpu]) => ({ row, load, cpu }))
      : [],
  );
  if (cpuRows.length > 0) {
    const names = Object.keys(cpuRows[0]!.cpu.perRequestMs);
    sections.push(
      `CPU ms per request by process (all on the same ${machine.cpus} CPUs), and how busy the machine was\n` +
        table(
          ['load', ...names, 'total', 'machine busy', 'other processes'],
          cpuRows.map(({ row, load, cpu }) => {
            const perProcess = names.map((name) => cpu.perRequestMs[name]!);
            return [
              `${load} c=${row.concurrency}`,
              ...perProcess.map(ms),
              ms(perProcess.reduce((sum, value) => sum + value, 0)),
              `${(cpu.machineBusy * 100).toFixed(0)} %`,
              `${(cpu.othersBusy * 100).toFixed(0)} %`,
            ];
          }),
        ),
    );
    const hops = results.exchange.flatMap(({ concurrency, cpu }) => {
      if (!cpu) return [];
      const hop = totalCpuMs(cpu.exchange) - totalCpuMs(cpu.direct);
      const bound = totalCpuMs(cpu.floor) / (totalCpuMs(cpu.floor) + hop);
      return [`  c=${concurrency}: ${ms(hop)} ms, so at most ${(bound * 100).toFixed(0)} % of the floor`];
    });
    sections.push(
      'CPU of the HTTP hop (load generator + local gateway: exchange minus direct), and the share of the floor an\n' +
        'exchange over HTTP could reach on these shared CPUs if the handler itself cost nothing:\n' +
        hops.join('\n'),
    );
  }

  const busiest = Math.max(0, ...cpuRows.map(({ cpu }) => cpu.othersBusy));
  if (busiest > BUSY_MACHINE) {
    sections.push(
      `WARNING: other processes used up to ${(busiest * 100).toFixed(0)} % of the machine during the loads, so ` +
        'throughput and latency figures are skewed; for figures to compare, rerun on an otherwise idle machine.',
    );
  }

  const calls = Object.entries(work.exchange.awsCallsPerRequest)
    .sort((a, b) => b[1] - a[1])
    .map(([label, perRequest]) => `${label} ×${perRequest.toFixed(2)}`)
    .join(', ');
  const perRequest = work.exchange.perRequest;
  const ratios = cpuRatios(results);
  sections.push(
    [
      `Work per exchange (${work.exchange.requests} sequential exchanges, counted by an SDK middleware)`,
      `  AWS calls per exchange:         ${calls}`,
      `  sequential AWS round trips:     median ${perRequest?.roundTrips.median}, max ${perRequest?.roundTrips.max}`,
      `  service CPU per exchange:       ${ms(work.exchange.cpuMsPerRequest)} ms in this phase (handler, SDK calls and the local gateway's HTTP parsing)`,
      `CPU per exchange at c=${ratios.concurrency}, from the slices that alternate with the floors (what the budget compares)`,
      `  service (over HTTP):            ${ms(ratios.serviceMs)} ms = ${ratios.serviceToRaw.toFixed(2)}× raw floor (handler, SDK calls and the local gateway's HTTP parsing)`,
      `  in-process exchange:            ${ms(ratios.directMs)} ms = ${ratios.directToRaw.toFixed(2)}× raw floor (handler and SDK calls)`,
      `  SDK floor, the handler's calls: ${ms(ratios.sdkMs)} ms = ${ratios.sdkToRaw.toFixed(2)}× raw floor`,
      `  raw floor, the same calls:      ${ms(ratios.rawMs)} ms (hand-signed over node:http keep-alive)`,
      `  SDK floor in the service process: ${ms(ratios.sdkInServiceMs)} ms (the same calls beside the in-process exchanges)`,
      `  handler's own beyond SDK floor: ${ms(ratios.handlerOwnMs)} ms (in-process exchange − SDK floor in the same process)`,
      `  JWKS, AWS calls per request:    ${Object.values(work.jwks.awsCallsPerRequest).reduce((sum, n) => sum + n, 0)} ` +
        `over ${work.jwks.requests} requests after the first`,
    ].join('\n'),
  );

  sections.push(
    `Cold start (esbuild settings of lib/bundling.ts; median of ${settings.coldStartRuns} fresh Node processes)\n` +
      table(
        [
          'function',
          'minified',
          'gzip',
          'node -e 0',
          'import',
          'w/o source maps',
          'first invocation',
          'w/o source maps',
        ],
        results.coldStart.map((bundle) => {
          const ratio = (value: number) => `${(value / bundle.nodeStartMs).toFixed(2)}×`;
          return [
            bundle.handler,
            kB(bundle.minifiedBytes),
            kB(bundle.gzipBytes),
            `${ms(bundle.nodeStartMs)} ms`,
            `${ms(bundle.importMs)} ms ${ratio(bundle.importMs)}`,
            `${ms(bundle.importMsWithoutSourceMaps)} ms ${ratio(bundle.importMsWithoutSourceMaps)}`,
            `${ms(bundle.firstInvocationMs)} ms ${ratio(bundle.firstInvocationMs)}`,
            `${ms(bundle.firstInvocationMsWithoutSourceMaps)} ms ${ratio(bundle.firstInvocationMsWithoutSourceMaps)}`,
          ];
        }),
      ) +
      "\n(× : as a multiple of a bare node -e 0 start, measured in turn with the same function's probes)",
  );

  const { create, list, createUser, listUsers, listUserRoles, createOrganization } = results.management;
  const managementRow = (label: string, load: LoadFigures) => [label, ...loadCells(load)];
  sections.push(
    `Management API (SigV4-signed, concurrency ${settings.managementConcurrency}), latencies in ms\n` +
      table(
        ['operation', 'req/s', 'p50', 'p90', 'p99', 'errors'],
        [
          managementRow('create PAT', create),
          managementRow(`list PATs (~${Math.round(settings.pats / settings.users)} per user)`, list),
          managementRow('create user', createUser),
          managementRow('list users (page of 20)', listUsers),
          managementRow("list a user's roles", listUserRoles),
          managementRow('create organization', createOrganization),
        ],
      ),
  );

  sections.push(
    'Budget\n' +
      table(
        ['item', 'limit', 'measured', ''],
        results.budget.map((item) => [item.item, item.limit, item.measured, item.pass ? 'pass' : 'FAIL']),
      ),
  );

  const failures = [
    ...results.exchange.flatMap((row) =>
      (
        [
          ['exchange', row.exchange],
          ['SDK floor', row.floor],
          ['raw floor', row.rawFloor],
          ['in-process', row.direct],
        ] as const
      ).map(([name, load]) => [`${name} c=${row.concurrency}`, load] as const),
    ),
    ...Object.entries(results.management).map(([name, load]) => [`management ${name}`, load] as const),
  ].filter(([, load]) => load.firstError);
  if (failures.length > 0) {
    sections.push(
      `First errors:\n${failures.map(([name, load]) => `  ${name}: ${load.errors} errors, first: ${load.firstError}`).join('\n')}`,
    );
  }
  return `${sections.join('\n\n')}\n`;
}
