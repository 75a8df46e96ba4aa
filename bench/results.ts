/** Everything one `npm run bench` measures; written as JSON under .bench/ and printed as tables. */
import type { ServiceFigures } from './children/service';
import type { BundleFigures } from './cold-start';
import type { CpuBreakdown } from './process-cpu';
import type { LoadFigures } from './stats';

export interface Machine {
  cpus: number;
  cpuModel: string;
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
}

export interface FloorFigures extends LoadFigures {
  /** CPU time of the floor's process per GetItem + Sign: the SDK's own cost of the two calls. */
  cpuMsPerOperation: number;
}

/** The exchange and its I/O floor at one concurrency, measured in alternating slices. */
export interface ExchangeVsFloor {
  concurrency: number;
  exchange: LoadFigures;
  floor: FloorFigures;
  /** Exchanges invoked in the service process, as the Lambda runtime invokes the handler: without the HTTP hop. */
  direct: LoadFigures;
  /** The service process during the exchange load. */
  service: ServiceFigures;
  /** Where the CPU went, per request, in each of the two loads (Linux only). */
  cpu?: { exchange: CpuBreakdown; floor: CpuBreakdown; direct: CpuBreakdown };
}

export interface WorkPerExchange {
  /** Sequential exchanges (one connection), so that every AWS call is attributed to its exchange. */
  exchange: ServiceFigures;
  /** The floor's own CPU per GetItem + Sign (SDK serialization, signing, HTTP), for comparison. */
  floorCpuMsPerOperation: number;
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
  management: { create: LoadFigures; list: LoadFigures };
  coldStart: BundleFigures[];
  durationSeconds: number;
  budget: BudgetItem[];
}
