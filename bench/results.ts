/** Everything one `npm run bench` measures; written as JSON under .bench/ and printed as tables. */
import type { ServiceFigures } from './children/service';
import type { BundleFigures } from './cold-start';
import type { CpuBreakdown } from './process-cpu';
import type { LoadFigures } from './stats';

export interface Machine {
  cpus: number;
  cpuModel: string;
  /** The Node.js the service, the loads and the cold-start probes ran on (--node). */
  node: string;
  platform: string;
  /** 1, 5 and 15 minute load averages when the run started: other work on the machine skews every figure. */
  loadAverage: number[];
}

export interface Settings {
  secondsPerLoad: number;
  pats: number;
  /** The PATs belong to this many users, evenly. */
  users: number;
  concurrencies: number[];
  managementConcurrency: number;
  sequentialExchanges: number;
  coldStartRuns: number;
  profileService: boolean;
  /** Also measure the handler's own share in layers (`--decompose`): see ExchangeVsFloor.decomposition. */
  decompose: boolean;
  /** Node.js binary for every child process and cold-start probe (default: the one running the bench). */
  nodePath: string;
}

export interface FloorFigures extends LoadFigures {
  /** CPU time of the process that ran the loop, per operation (GetItem, then BatchGetItem ∥ Sign; or one exchange). */
  cpuMsPerOperation: number;
}

/** The exchange and its I/O floor at one concurrency, measured in alternating slices. */
export interface ExchangeVsFloor {
  concurrency: number;
  exchange: LoadFigures;
  /** GetItem, then BatchGetItem ∥ Sign, through the handlers' SDK clients (the SDK floor). */
  floor: FloorFigures;
  /** The same two calls hand-signed over node:http keep-alive (the raw floor: the work itself). */
  rawFloor: FloorFigures;
  /** Exchanges invoked in the service process, as the Lambda runtime invokes the handler: without the HTTP hop. */
  direct: FloorFigures;
  /**
   * The SDK floor run in the service process, beside `direct`: the same heap, loaded code and clients (the bench's
   * call recorder on them included), so that `direct` minus this is the handler's own work and nothing else.
   */
  floorInService: FloorFigures;
  /**
   * With `--decompose`, in the service process beside `direct` and `floorInService`: the exchange pipeline without
   * middy, Powertools and the log line (children/service.ts `exchangePipeline`), and the SDK floor's calls through
   * the handler's stores and JWT signer (floors.ts `storesFloor`).
   */
  decomposition?: {
    pipeline: FloorFigures;
    stores: FloorFigures;
    /** Wall time of these extra loads, which the run-time budget item leaves out. */
    seconds: number;
  };
  /** The service process during the exchange load. */
  service: ServiceFigures;
  /** Where the CPU went, per request, in each load (Linux only). */
  cpu?: { exchange: CpuBreakdown; floor: CpuBreakdown; rawFloor: CpuBreakdown; direct: CpuBreakdown };
}

export interface WorkPerExchange {
  /** Sequential exchanges (one connection), so that every AWS call is attributed to its exchange. */
  exchange: ServiceFigures;
  /** Sequential JWKS requests after the first one. */
  jwks: ServiceFigures;
}

export interface BudgetItem {
  item: string;
  limit: string;
  measured: string;
  pass: boolean;
}

export interface BenchResults {
  startedAt: string;
  machine: Machine;
  settings: Settings;
  exchange: ExchangeVsFloor[];
  work: WorkPerExchange;
  management: {
    create: LoadFigures;
    list: LoadFigures;
    createUser: LoadFigures;
    listUsers: LoadFigures;
    listUserRoles: LoadFigures;
    createOrganization: LoadFigures;
  };
  coldStart: BundleFigures[];
  durationSeconds: number;
  budget: BudgetItem[];
}
