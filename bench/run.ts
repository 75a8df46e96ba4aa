/**
 * `npm run bench`: measures the token exchange against its I/O floor, the work per exchange, the
 * cold start of every bundle and the Management API, then checks the performance budget.
 *
 * Each part runs in a process of its own so that none steals another's event loop: DynamoDB Local
 * (a JVM), the KMS emulator, the service (gateway + handlers) and the load generator. Progress goes to
 * stderr, the report to stdout, the figures to .bench/latest.json; the exit code is 1 when the budget
 * is missed. Options: --seconds (per load), --pats, --runs (cold start), --concurrency 1,16,64,
 * --node <path>: run the children and cold-start probes on another Node.js (e.g. the Lambda runtime's 24), and
 * --profile: CPU-profile the service process and print where its time went, --decompose: split the handler's own
 * share into layers (extra in-process loads).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PatgateClient } from '../client/management-client';
import { handlerNames, type HandlerName } from '../lambdas/routes';
import { generatePatValue } from '../lambdas/shared/crypto/pat-value';
import { handlerEnvironment } from '../lambdas/shared/env-contract';
import { defaultMetricsNamespace } from '../lambdas/shared/metrics-contract';
import { ensureTable } from '../local/bootstrap';
import { startDynamoDbLocal } from '../local/engines/dynamodb-local';
import { PUBLISHED_KEY_ALIASES, SIGNING_KEY_ALIAS, type DevConfig } from '../local/service';
import { checkBudget } from './budget';
import { bundleChildren, startChild, type Child } from './child-process';
import type { KmsEmulatorHandlers } from './children/kms-emulator';
import type { LoadGeneratorHandlers } from './children/load-generator';
import type { FloorLoad, FloorSamples } from './floors';
import type { ServiceHandlers } from './children/service';
import { measureBundle } from './cold-start';
import { startTlsFront } from './tls-front';
import { summarizeProfile, type ProfileEntry } from './cpu-profile';
import { CpuMeter } from './process-cpu';
import { summarizeCpuLoad, summarizeLoad, type LoadSamples } from './stats';
import { createFixtures, exchangeRequests, proxyEvent, USERS, type Fixtures } from './fixtures';
import { renderReport } from './report';
import type { BenchResults, ExchangeVsFloor, Settings, WorkPerExchange } from './results';

const PROJECT_ROOT = join(__dirname, '..');
const OUT_DIR = join(PROJECT_ROOT, '.bench');
const PROFILE_DIR = join(OUT_DIR, 'profiles');
const REGION = 'us-east-1';
const TABLE_NAME = 'patgate-bench';
// DynamoDB Local only accepts alphanumeric access key ids.
const ENGINE_CREDENTIALS = { accessKeyId: 'AKIABENCHMARK', secretAccessKey: 'benchmark-secret' };
const WARM_UP_SECONDS = 3;
/** A lifetime policy in force: checked at exchange from the lookup item, with no AWS call of its own. */
const BENCH_PAT_POLICY = handlerEnvironment({
  patMaxLifetimeSeconds: 90 * 86400,
  patRevokeUnusedAfterSeconds: 60 * 86400,
});
const JWKS_REQUESTS = 50;
/** Each comparison of exchange and floor runs as this many alternating slices of each. */
const SLICES = 8;

function readSettings(): Settings {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      pats: { type: 'string', default: '300' },
      runs: { type: 'string', default: '11' },
      concurrency: { type: 'string', default: '1,16,64' },
      profile: { type: 'boolean', default: false },
      decompose: { type: 'boolean', default: false },
      node: { type: 'string', default: process.execPath },
    },
  });
  return {
    secondsPerLoad: Number(values.seconds),
    pats: Number(values.pats),
    users: USERS,
    concurrencies: values.concurrency.split(',').map(Number),
    managementConcurrency: 8,
    sequentialExchanges: 300,
    coldStartRuns: Number(values.runs),
    profileService: values.profile,
    decompose: values.decompose,
    nodePath: values.node,
  };
}

const progress = (message: string) => process.stderr.write(`· ${message}\n`);

interface Processes {
  service: Child<ServiceHandlers>;
  load: Child<LoadGeneratorHandlers>;
  /** Every process of the benchmark by name, for CPU accounting. */
  pids: Record<string, number>;
}

interface Context extends Processes {
  settings: Settings;
  config: DevConfig;
  fixtures: Fixtures;
}

/** Everything started, stopped in reverse order on the way out (also on Ctrl-C). */
class Cleanup {
  private readonly stops: (() => Promise<void>)[] = [];

  add(stop: () => Promise<void>): void {
    this.stops.push(stop);
  }

  async run(): Promise<void> {
    for (const stop of this.stops.splice(0).reverse()) await stop().catch(() => undefined);
  }
}

/**
 * A fresh DynamoDB Local JVM answers its first writes slowly; slower than the handlers' 1 s request timeout on a
 * busy machine, and a retried conditional write then fails. So the table is created and written to first.
 */
async function warmDynamoDbLocal(endpoint: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: REGION, credentials: ENGINE_CREDENTIALS });
  await ensureTable(client, TABLE_NAME);
  const Key = { pk: { S: 'WARMUP' }, sk: { S: 'WARMUP' } };
  for (let index = 0; index < 20; index++) {
    await client.send(new PutItemCommand({ TableName: TABLE_NAME, Item: Key }));
    await client.send(new GetItemCommand({ TableName: TABLE_NAME, Key, ConsistentRead: true }));
  }
  await client.send(new DeleteItemCommand({ TableName: TABLE_NAME, Key }));
  client.destroy();
}

async function startProcesses(
  settings: Settings,
  cleanup: Cleanup,
): Promise<{ processes: Processes; config: DevConfig }> {
  progress('starting DynamoDB Local, the KMS emulator, the service and the load generator');
  const dynamodb = await startDynamoDbLocal();
  cleanup.add(() => dynamodb.stop());
  await warmDynamoDbLocal(dynamodb.url);
  const execPath = settings.nodePath;
  const children = await bundleChildren(join(OUT_DIR, 'children'), execPath, settings.profileService);
  const kmsEmulator = await startChild<KmsEmulatorHandlers>(children['kms-emulator'], { execPath });
  cleanup.add(() => kmsEmulator.stop());

  const engines = {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: ENGINE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ENGINE_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.url,
    AWS_ENDPOINT_URL_KMS: await kmsEmulator.call('start', { region: REGION, credentials: ENGINE_CREDENTIALS }),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const service = await startChild<ServiceHandlers>(children.service, {
    // As deployed: INFO logs and metrics (EMF) on stdout, which go to a file here.
    env: { ...engines, ...BENCH_PAT_POLICY, POWERTOOLS_LOG_LEVEL: 'INFO', POWERTOOLS_METRICS_DISABLED: 'false' },
    output: openSync(join(OUT_DIR, 'service.log'), 'w'),
    execPath,
    nodeOptions: settings.profileService ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : [],
  });
  cleanup.add(() => service.stop());
  const load = await startChild<LoadGeneratorHandlers>(children['load-generator'], {
    env: engines,
    execPath,
  });
  cleanup.add(() => load.stop());

  const config = await service.call('start', { tableName: TABLE_NAME });
  const pids = {
    'load generator': load.pid,
    service: service.pid,
    'KMS emulator': kmsEmulator.pid,
    'DynamoDB Local': dynamodb.pid,
  };
  return { processes: { service, load, pids }, config };
}

function exchangeLoad(context: Context, connections: number, length: { seconds: number } | { amount: number }) {
  return context.load.call('httpLoad', {
    baseUrl: context.config.baseUrl,
    method: 'POST',
    path: '/oidc/token',
    ...exchangeRequests(context.fixtures, context.config.demoApplication),
    connections,
    ...length,
  });
}

function floorLoad(
  context: Context,
  client: FloorLoad['client'],
  concurrency: number,
  seconds: number,
  where: 'load' | 'service' = 'load',
) {
  const load = {
    client,
    tableName: TABLE_NAME,
    signingKeyAlias: SIGNING_KEY_ALIAS,
    tokenHashes: context.fixtures.pats.map((pat) => pat.tokenHash),
    concurrency,
    seconds,
  };
  return where === 'load'
    ? context.load.call('ioFloor', load)
    : context.service.call('ioFloor', { ...load, recordUse: true });
}

async function warmUp(context: Context): Promise<void> {
  progress(`warming up for ${WARM_UP_SECONDS * 2.5 + 1} s`);
  await exchangeLoad(context, 16, { seconds: WARM_UP_SECONDS });
  await floorLoad(context, 'sdk', 16, WARM_UP_SECONDS);
  await floorLoad(context, 'raw', 16, WARM_UP_SECONDS / 2);
  await context.service.call('directLoad', { events: directEvents(context), concurrency: 16, seconds: 1 });
  await floorLoad(context, 'sdk', 16, 1, 'service');
  if (context.settings.decompose) {
    await context.service.call('directLoad', {
      events: directEvents(context),
      concurrency: 16,
      seconds: 1,
      layer: 'pipeline',
    });
    await floorLoad(context, 'stores', 16, 1, 'service');
  }
  await context.load.call('httpLoad', { ...jwksRequest(context), connections: 1, amount: 1 });
}

/**
 * At each concurrency: exchanges over HTTP, the SDK floor, the raw floor, and exchanges invoked in-process (as Lambda
 * invokes the handler, without the HTTP hop the floors don't have either), in alternating slices: other work on the
 * machine then weighs on all four alike instead of on whichever ran while it was busy.
 */
async function compareWithFloor(context: Context): Promise<ExchangeVsFloor[]> {
  const rows: ExchangeVsFloor[] = [];
  const slice = context.settings.secondsPerLoad / SLICES;
  const events = directEvents(context);
  for (const concurrency of context.settings.concurrencies) {
    progress(
      `concurrency ${concurrency}: exchanges, SDK floor, raw floor and direct invocations, ${SLICES} slices of ${slice} s each`,
    );
    const slices = {
      exchange: [] as LoadSamples[],
      floor: [] as FloorSamples[],
      rawFloor: [] as FloorSamples[],
      direct: [] as FloorSamples[],
      floorInService: [] as FloorSamples[],
      pipeline: [] as FloorSamples[],
      stores: [] as FloorSamples[],
    };
    let decompositionSeconds = 0;
    const cpu = {
      exchange: new CpuMeter(context.pids),
      floor: new CpuMeter(context.pids),
      rawFloor: new CpuMeter(context.pids),
      direct: new CpuMeter(context.pids),
    };
    await context.service.call('beginPhase', undefined);
    for (let index = 0; index < SLICES; index++) {
      if (index > 0) await context.service.call('resumePhase', undefined);
      cpu.exchange.resume();
      slices.exchange.push(await exchangeLoad(context, concurrency, { seconds: slice }));
      cpu.exchange.pause();
      await context.service.call('pausePhase', undefined);

      cpu.floor.resume();
      slices.floor.push(await floorLoad(context, 'sdk', concurrency, slice));
      cpu.floor.pause();

      cpu.rawFloor.resume();
      slices.rawFloor.push(await floorLoad(context, 'raw', concurrency, slice));
      cpu.rawFloor.pause();

      cpu.direct.resume();
      slices.direct.push(await context.service.call('directLoad', { events, concurrency, seconds: slice }));
      cpu.direct.pause();

      slices.floorInService.push(await floorLoad(context, 'sdk', concurrency, slice, 'service'));

      if (context.settings.decompose) {
        const started = performance.now();
        slices.pipeline.push(
          await context.service.call('directLoad', { events, concurrency, seconds: slice, layer: 'pipeline' }),
        );
        slices.stores.push(await floorLoad(context, 'stores', concurrency, slice, 'service'));
        decompositionSeconds += (performance.now() - started) / 1000;
      }
    }
    const service = await context.service.call('endPhase', { sequential: false });
    const exchange = summarizeLoad(slices.exchange);
    const floor = summarizeCpuLoad(slices.floor);
    const rawFloor = summarizeCpuLoad(slices.rawFloor);
    const direct = summarizeCpuLoad(slices.direct);
    const floorInService = summarizeCpuLoad(slices.floorInService);
    const decomposition = context.settings.decompose
      ? {
          pipeline: summarizeCpuLoad(slices.pipeline),
          stores: summarizeCpuLoad(slices.stores),
          seconds: decompositionSeconds,
        }
      : undefined;
    const breakdown = {
      exchange: cpu.exchange.result(exchange.requests),
      floor: cpu.floor.result(floor.requests),
      rawFloor: cpu.rawFloor.result(rawFloor.requests),
      direct: cpu.direct.result(direct.requests),
    };
    const cpuBreakdown = breakdown.exchange &&
      breakdown.floor &&
      breakdown.rawFloor &&
      breakdown.direct && {
        exchange: breakdown.exchange,
        floor: breakdown.floor,
        rawFloor: breakdown.rawFloor,
        direct: breakdown.direct,
      };
    rows.push({
      concurrency,
      exchange,
      floor,
      rawFloor,
      direct,
      floorInService,
      ...(decomposition && { decomposition }),
      service,
      ...(cpuBreakdown && { cpu: cpuBreakdown }),
    });
  }
  return rows;
}

/** The proxy events API Gateway would pass for the exchange requests. */
function directEvents(context: Context) {
  const { headers, bodies } = exchangeRequests(context.fixtures, context.config.demoApplication);
  return bodies.map((body) => proxyEvent('POST', '/oidc/token', { headers, body }));
}

function jwksRequest(context: Context) {
  return { baseUrl: context.config.baseUrl, method: 'GET', path: '/oidc/jwks', headers: {} } as const;
}

async function measureWork(context: Context): Promise<WorkPerExchange> {
  progress(`${context.settings.sequentialExchanges} sequential exchanges and ${JWKS_REQUESTS} JWKS requests`);
  await context.service.call('beginPhase', undefined);
  await exchangeLoad(context, 1, { amount: context.settings.sequentialExchanges });
  const exchange = await context.service.call('endPhase', { sequential: true });

  await context.service.call('beginPhase', undefined);
  await context.load.call('httpLoad', { ...jwksRequest(context), connections: 1, amount: JWKS_REQUESTS });
  const jwks = await context.service.call('endPhase', { sequential: true });
  return { exchange, jwks };
}

async function measureManagement(context: Context): Promise<BenchResults['management']> {
  const { managementConcurrency: concurrency, secondsPerLoad: seconds } = context.settings;
  progress(
    `Management API: create and list PATs, list and create users, list a user's roles, create organizations, ${seconds} s each`,
  );
  const load = { config: context.config, userIds: context.fixtures.userIds, concurrency, seconds };
  const create = await context.load.call('managementLoad', { ...load, operation: 'create' });
  const list = await context.load.call('managementLoad', { ...load, operation: 'list' });
  // Listed before the create load adds its hundreds of users: listing reads the whole users index (Total-Number).
  const listUsers = await context.load.call('managementLoad', { ...load, operation: 'listUsers' });
  const createUser = await context.load.call('managementLoad', { ...load, operation: 'createUser' });
  // Routes of the roles and organizations functions: a read every assignment screen makes, and a write with its audit
  // event in the same transaction.
  const listUserRoles = await context.load.call('managementLoad', { ...load, operation: 'listUserRoles' });
  const createOrganization = await context.load.call('managementLoad', { ...load, operation: 'createOrganization' });
  return {
    create: summarizeLoad([create]),
    list: summarizeLoad([list]),
    createUser: summarizeLoad([createUser]),
    listUsers: summarizeLoad([listUsers]),
    listUserRoles: summarizeLoad([listUserRoles]),
    createOrganization: summarizeLoad([createOrganization]),
  };
}

/** The environment the stack gives a function, pointed at the local engines. */
function lambdaEnvironment(config: DevConfig): Record<string, string> {
  return {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: ENGINE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ENGINE_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: config.endpoints.dynamodb,
    AWS_ENDPOINT_URL_KMS: config.endpoints.kms,
    ...handlerEnvironment({
      tableName: TABLE_NAME,
      issuer: config.issuer,
      signingKeyAlias: SIGNING_KEY_ALIAS,
      publishedKeyAliases: PUBLISHED_KEY_ALIASES,
      serviceName: 'patgate',
      metricsNamespace: defaultMetricsNamespace,
      logLevel: 'INFO',
    }),
    ...BENCH_PAT_POLICY,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

function coldStartEvents(context: Context): Record<HandlerName, ReturnType<typeof proxyEvent>> {
  const { headers, bodies } = exchangeRequests(context.fixtures, context.config.demoApplication);
  const caller = { callerAccessKeyId: context.config.awsAccessKeyId };
  return {
    token: proxyEvent('POST', '/oidc/token', { headers, body: bodies[0] }),
    discovery: proxyEvent('GET', '/oidc/jwks'),
    pats: proxyEvent('GET', `/api/users/${context.fixtures.userIds[0]}/personal-access-tokens`, caller),
    admin: proxyEvent('GET', '/api/applications', caller),
    organizations: proxyEvent('GET', '/api/organizations', caller),
    // Introspection of a value that is no token: client authentication (one read), then `active: false`.
    revocation: proxyEvent('POST', '/oidc/token/introspection', {
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: 'not-a-token' }).toString(),
    }),
    credentials: proxyEvent('POST', '/credentials/revoke', {
      headers: { 'content-type': 'application/json' },
      // Well formed, so it is looked up (a malformed value costs no read); no such PAT exists.
      body: JSON.stringify({ credentials: [generatePatValue()] }),
    }),
  };
}

async function measureColdStarts(context: Context): Promise<BenchResults['coldStart']> {
  const outDir = join(OUT_DIR, 'bundles');
  rmSync(outDir, { recursive: true, force: true });
  // The probes reach the engines over TLS, as deployed functions reach AWS (see tls-front.ts).
  const front = await startTlsFront({ dynamodb: context.config.endpoints.dynamodb, kms: context.config.endpoints.kms });
  try {
    const options = {
      nodePath: context.settings.nodePath,
      outDir,
      runs: context.settings.coldStartRuns,
      env: {
        ...lambdaEnvironment(context.config),
        AWS_ENDPOINT_URL_DYNAMODB: front.endpoints.dynamodb!,
        AWS_ENDPOINT_URL_KMS: front.endpoints.kms!,
        NODE_EXTRA_CA_CERTS: front.caFile,
      },
      events: coldStartEvents(context),
    };
    const figures = [];
    for (const name of handlerNames) {
      progress(
        `cold start of ${name}: bundle, then ${options.runs} times a bare node -e 0 and fresh imports with and without source maps`,
      );
      figures.push(await measureBundle(name, options));
    }
    return figures;
  } finally {
    await front.close();
  }
}

async function benchmark(settings: Settings, cleanup: Cleanup): Promise<Omit<BenchResults, 'budget'>> {
  const startedAt = new Date();
  const cpuList = cpus();
  const machine = {
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    node: execFileSync(settings.nodePath, ['--version'], { encoding: 'utf8' }).trim(),
    platform: `${process.platform} ${process.arch}`,
    loadAverage: loadavg(),
  };

  const { processes, config } = await startProcesses(settings, cleanup);
  const client = new PatgateClient({
    endpoint: config.baseUrl,
    region: config.region,
    credentials: { accessKeyId: config.awsAccessKeyId, secretAccessKey: config.awsSecretAccessKey },
  });
  progress(`creating ${settings.pats} PATs`);
  const fixtures = await createFixtures(client, settings.pats);
  const context: Context = { ...processes, settings, config, fixtures };

  await warmUp(context);
  const exchange = await compareWithFloor(context);
  const work = await measureWork(context);
  // Cold starts before the management loads: those add thousands of users and organizations, and the probes' first
  // invocations list organizations (a listing reads its whole index partition for Total-Number).
  const coldStart = await measureColdStarts(context);
  const management = await measureManagement(context);

  return {
    startedAt: startedAt.toISOString(),
    machine,
    settings,
    exchange,
    work,
    management,
    coldStart,
    durationSeconds: (Date.now() - startedAt.getTime()) / 1000,
  };
}

async function main(): Promise<void> {
  const settings = readSettings();
  mkdirSync(OUT_DIR, { recursive: true });
  const cleanup = new Cleanup();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      progress(`${signal}: stopping`);
      cleanup.run().finally(() => process.exit(130));
    });
  }
  if (settings.profileService) rmSync(PROFILE_DIR, { recursive: true, force: true });
  try {
    const measured = await benchmark(settings, cleanup);
    const results: BenchResults = { ...measured, budget: checkBudget(measured) };
    const json = `${JSON.stringify(results, null, 2)}\n`;
    writeFileSync(join(OUT_DIR, 'latest.json'), json);
    writeFileSync(join(OUT_DIR, `results-${results.startedAt.replace(/[:.]/g, '-')}.json`), json);
    process.stdout.write(renderReport(results));
    if (results.budget.some((item) => !item.pass)) process.exitCode = 1;
  } finally {
    // Also writes the service's CPU profile, which V8 saves when the process exits.
    await cleanup.run();
  }
  if (settings.profileService) printProfile();
}

function printProfile(): void {
  const [file] = readdirSync(PROFILE_DIR).filter((name) => name.endsWith('.cpuprofile'));
  if (!file) {
    progress('no CPU profile was written');
    return;
  }
  const { totalMs, groups, functions } = summarizeProfile(join(PROFILE_DIR, file), PROJECT_ROOT);
  const lines = (entries: ProfileEntry[]) =>
    entries.map(
      (entry) =>
        `  ${(entry.share * 100).toFixed(1).padStart(5)} %  ${entry.ms.toFixed(0).padStart(6)} ms  ${entry.name}`,
    );
  process.stdout.write(
    [
      `\nService CPU profile (${join(PROFILE_DIR, file)}), ${totalMs.toFixed(0)} ms of samples, self time by package:`,
      ...lines(groups),
      'by function:',
      ...lines(functions),
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 2;
});
