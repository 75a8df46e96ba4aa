/**
 * The local service (gateway + production handlers, in-process as `npm start` runs them) in a process
 * of its own, instrumented: AWS calls are recorded by an SDK middleware on the handlers' clients, HTTP
 * requests through Node's diagnostics channels, and CPU time and event loop use per measured phase.
 */
import { randomUUID } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import type { ServerResponse } from 'node:http';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { setTimeout } from 'node:timers/promises';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { dynamo, dynamoDb } from '../../lambdas/shared/aws/dynamodb';
import { kms } from '../../lambdas/shared/aws/kms';
import { auditCaller } from '../../lambdas/shared/http/handler';
import { formRequest } from '../../lambdas/shared/http/request';
import { json, noStore } from '../../lambdas/shared/http/responses';
import { exchangeToken } from '../../lambdas/token/exchange';
import { parseTokenRequest } from '../../lambdas/token/token-request';
import { invokeProxyHandler } from '../../local/gateway/lambda';
import { loadHandler } from '../../local/handlers';
import { startLocalService, type DevConfig, type LocalService } from '../../local/service';
import { AwsCallLog, countByLabel, sequentialRoundTrips } from '../aws-calls';
import { serve } from '../child-process';
import { ioFloor, type FloorLoad, type FloorSamples } from '../floors';
import { closedLoop, median, type CpuLoadSamples } from '../stats';

export interface ServiceFigures {
  requests: number;
  /** CPU time (user + system) of the whole process per request, HTTP parsing of the gateway included. */
  cpuMsPerRequest: number;
  /** CPU time over wall time: how many cores the process kept busy. */
  cpuCores: number;
  eventLoopUtilization: number;
  /** Per request, by call label (see aws-calls.ts). */
  awsCallsPerRequest: Record<string, number>;
  /** Only for phases whose requests were sequential, so that calls can be attributed to requests. */
  perRequest?: { roundTrips: { median: number; max: number }; awsCalls: { median: number; max: number } };
}

/** lambdas/token/handler.ts's exchange operation without what wraps it (middy, Powertools, dispatch, log line). */
async function exchangePipeline(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const issued = await exchangeToken(parseTokenRequest(formRequest(event)), Date.now(), { caller: auditCaller(event) });
  return json(200, issued.response, noStore);
}

interface RequestWindow {
  start: number;
  end: number;
}

/**
 * Set while an in-process load (direct invocations or the SDK floor) runs: its calls are left out of the HTTP
 * requests' counts. A flag, not an AsyncLocalStorage: on Node 20 one `run` turns on promise hooks for the whole
 * process, which would add their cost to every measured request. In-process loads and HTTP loads never overlap
 * (they alternate, and phases settle first).
 */
let inProcessLoadRunning = false;
const awsCalls = new AwsCallLog(() => inProcessLoadRunning);
const { calls } = awsCalls;
const requests: RequestWindow[] = [];
let service: LocalService | undefined;
let phase:
  | {
      cpuMs: number;
      wallMs: number;
      eluActive: number;
      eluIdle: number;
      resumed: { wall: number; cpu: NodeJS.CpuUsage; elu: EventLoopUtilization } | undefined;
    }
  | undefined;

let requestsInFlight = 0;
let requestsStarted = 0;
subscribe('http.server.request.start', (message) => {
  const start = performance.now();
  const { response } = message as { response: ServerResponse };
  requestsInFlight++;
  requestsStarted++;
  // 'close' also comes when the client went away before the response was written.
  response.once('close', () => {
    requestsInFlight--;
    if (response.writableFinished) requests.push({ start, end: performance.now() });
  });
});

/**
 * Waits until requests left over from a previous load are done, so that their AWS calls aren't counted in the
 * next phase. A load generator that stops closes its connections, but the handlers it left behind go on.
 */
async function settle(): Promise<void> {
  const QUIET_MS = 250;
  const deadline = performance.now() + 30_000;
  const busy = () =>
    requestsInFlight > 0 || awsCalls.inFlight > 0 || performance.now() - awsCalls.lastActivity < QUIET_MS;
  while (busy() && performance.now() < deadline) await setTimeout(20);
}

function perRequest(): ServiceFigures['perRequest'] {
  const callsOf = (window: RequestWindow) =>
    calls.filter((call) => call.start >= window.start && call.end <= window.end);
  const attributed = requests.map(callsOf);
  const roundTrips = attributed.map(sequentialRoundTrips);
  const counts = attributed.map((list) => list.length);
  return {
    roundTrips: { median: median(roundTrips), max: Math.max(...roundTrips) },
    awsCalls: { median: median(counts), max: Math.max(...counts) },
  };
}

const handlers = {
  async start(input: { tableName: string }): Promise<DevConfig> {
    service = await startLocalService({ tableName: input.tableName, log: () => undefined });
    awsCalls.instrument(dynamo());
    awsCalls.instrument(dynamoDb());
    awsCalls.instrument(kms());
    return service.config;
  },

  /**
   * Token exchanges invoked in-process as the Lambda runtime invokes the handler: no HTTP, no gateway. With `layer:
   * 'pipeline'` (`--decompose`), the handler's exchange pipeline alone: the same parsing, exchange and response,
   * without middy, Powertools' middlewares, dispatch and the log line.
   */
  async directLoad(input: {
    events: APIGatewayProxyEvent[];
    concurrency: number;
    seconds: number;
    layer?: 'handler' | 'pipeline';
  }): Promise<CpuLoadSamples> {
    const handler = input.layer === 'pipeline' ? exchangePipeline : await loadHandler('token');
    const target = { handlerName: 'token', region: service!.config.region, accountId: '000000000000' } as const;
    // Each invocation gets its event freshly parsed from JSON, as from the Runtime API (the parse is counted in):
    // handing the same few hundred long-lived objects round again would read them from wherever they aged to.
    const events = input.events.map((event) => JSON.stringify(event));
    let next = 0;
    const invoke = async () => {
      const event = JSON.parse(events[next++ % events.length]!) as APIGatewayProxyEvent;
      const context = { ...target, awsRequestId: randomUUID() };
      const response = (await invokeProxyHandler(handler, event, context)) as APIGatewayProxyResult;
      if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}: ${response.body.slice(0, 300)}`);
    };
    const cpuBefore = process.cpuUsage();
    inProcessLoadRunning = true;
    const samples = await closedLoop(input.concurrency, input.seconds, invoke).finally(() => {
      inProcessLoadRunning = false;
    });
    const cpu = process.cpuUsage(cpuBefore);
    return { ...samples, cpuMs: (cpu.user + cpu.system) / 1000 };
  },

  /**
   * The SDK floor in this process, through the clients the in-process invocations use: the same process state (heap,
   * loaded code, the call recorder on the clients) as `directLoad`, so that their difference is the handler's own.
   */
  async ioFloor(load: FloorLoad): Promise<FloorSamples> {
    inProcessLoadRunning = true;
    try {
      return await ioFloor(load);
    } finally {
      inProcessLoadRunning = false;
    }
  },

  /** Starts measuring, once left-over work is done. `pausePhase` and `resumePhase` leave out periods between. */
  async beginPhase(): Promise<void> {
    await settle();
    calls.length = 0;
    requests.length = 0;
    requestsStarted = 0;
    phase = { cpuMs: 0, wallMs: 0, eluActive: 0, eluIdle: 0, resumed: undefined };
    await handlers.resumePhase();
  },

  async resumePhase(): Promise<void> {
    if (!phase) throw new Error('resumePhase without beginPhase');
    phase.resumed = { wall: performance.now(), cpu: process.cpuUsage(), elu: performance.eventLoopUtilization() };
  },

  async pausePhase(): Promise<void> {
    const resumed = phase?.resumed;
    if (!phase || !resumed) throw new Error('pausePhase without resumePhase');
    const cpu = process.cpuUsage(resumed.cpu);
    const elu = performance.eventLoopUtilization(resumed.elu);
    phase.cpuMs += (cpu.user + cpu.system) / 1000;
    phase.wallMs += performance.now() - resumed.wall;
    phase.eluActive += elu.active;
    phase.eluIdle += elu.idle;
    phase.resumed = undefined;
  },

  async endPhase(input: { sequential: boolean }): Promise<ServiceFigures> {
    if (!phase) throw new Error('endPhase without beginPhase');
    if (phase.resumed) await handlers.pausePhase();
    // Requests that started, not only those answered: a stopping load generator leaves some unanswered,
    // but their handlers still make their calls.
    const count = Math.max(1, requestsStarted);
    const awsCallsPerRequest = Object.fromEntries(
      Object.entries(countByLabel(calls)).map(([label, n]) => [label, n / count]),
    );
    return {
      requests: requestsStarted,
      cpuMsPerRequest: phase.cpuMs / count,
      cpuCores: phase.cpuMs / phase.wallMs,
      eventLoopUtilization: phase.eluActive / (phase.eluActive + phase.eluIdle),
      awsCallsPerRequest,
      ...(input.sequential && { perRequest: perRequest() }),
    };
  },
};

export type ServiceHandlers = typeof handlers;

serve(handlers, async () => service?.close());
