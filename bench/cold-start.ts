/**
 * Cold start of each production bundle: built with the stack's own esbuild settings (lib/bundling.ts),
 * then imported by fresh Node processes with a Lambda's environment. The import includes the module's
 * init code; the first invocation that follows shows what the first caller waits for.
 */
import { execFile } from 'node:child_process';
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { build, type Metafile } from 'esbuild';
import { bundleFile, esbuildOptions, handlerEntry, projectRoot } from '../lib/bundling';
import type { HandlerName } from '../lambdas/routes';
import { median } from './stats';

export interface BundleFigures {
  handler: HandlerName;
  minifiedBytes: number;
  gzipBytes: number;
  /** Medians over the runs, in ms: the deployed way (NODE_OPTIONS=--enable-source-maps), and without source maps. */
  importMs: number;
  importMsWithoutSourceMaps: number;
  firstInvocationMs: number;
  firstInvocationMsWithoutSourceMaps: number;
  /** Median wall time of a bare `node -e 0`, measured in turn with this bundle's probes: the unit of its ratios. */
  nodeStartMs: number;
  runs: number;
  /** Where the bytes come from: the largest packages (or project folders) in the bundle. */
  largestInputs: { input: string; bytes: number }[];
}

export interface ColdStartOptions {
  /** The Node.js binary the probes run on. */
  nodePath: string;
  outDir: string;
  runs: number;
  /** The environment a deployed function has (table, aliases, issuer, Powertools settings, endpoints). */
  env: Record<string, string>;
  /** A representative request per handler, for the first invocation. */
  events: Record<HandlerName, APIGatewayProxyEvent>;
}

const run = promisify(execFile);

/** Runs in the fresh process: import, then one invocation; prints one result line. */
const PROBE = `
import { createRequire } from 'node:module';
const started = performance.now();
// As Lambda's runtime loads a CommonJS handler.
const { handler } = createRequire(import.meta.url)(process.env.BENCH_BUNDLE_PATH);
const imported = performance.now();
const context = {
  functionName: 'bench', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench',
  memoryLimitInMB: '512', awsRequestId: crypto.randomUUID(), logGroupName: 'bench', logStreamName: 'bench',
  callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => 10000,
};
const response = await handler(JSON.parse(process.env.BENCH_EVENT), context);
const invoked = performance.now();
console.log('BENCH_RESULT ' + JSON.stringify({ importMs: imported - started, firstInvocationMs: invoked - imported, statusCode: response.statusCode }));
process.exit(0);
`;

interface ProbeResult {
  importMs: number;
  firstInvocationMs: number;
  statusCode: number;
}

async function probe(
  nodePath: string,
  bundle: string,
  event: APIGatewayProxyEvent,
  env: Record<string, string>,
  sourceMaps: boolean,
) {
  const { stdout } = await run(
    nodePath,
    [...(sourceMaps ? ['--enable-source-maps'] : []), '--input-type=module', '-e', PROBE],
    {
      env: {
        PATH: process.env.PATH ?? '',
        ...env,
        BENCH_BUNDLE_PATH: bundle,
        BENCH_EVENT: JSON.stringify(event),
      },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const line = stdout.split('\n').find((candidate) => candidate.startsWith('BENCH_RESULT '));
  if (!line) throw new Error(`The import probe of ${bundle} printed no result:\n${stdout}`);
  const result = JSON.parse(line.slice('BENCH_RESULT '.length)) as ProbeResult;
  if (result.statusCode >= 300) throw new Error(`The first invocation of ${bundle} answered ${result.statusCode}`);
  return result;
}

function largestInputs(metafile: Metafile, outfile: string): BundleFigures['largestInputs'] {
  const output = Object.entries(metafile.outputs).find(([path]) => outfile.endsWith(path))?.[1];
  const bytes = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const key = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/').slice(0, 2).join('/');
    bytes.set(key, (bytes.get(key) ?? 0) + bytesInOutput);
  }
  return [...bytes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([input, size]) => ({ input, bytes: size }));
}

export async function measureBundle(name: HandlerName, options: ColdStartOptions): Promise<BundleFigures> {
  const outfile = join(options.outDir, name, bundleFile);
  const { metafile } = await build({
    ...esbuildOptions,
    entryPoints: [handlerEntry(name)],
    outfile,
    absWorkingDir: projectRoot,
    metafile: true,
    logLevel: 'warning',
  });

  const deployed: ProbeResult[] = [];
  const withoutSourceMaps: ProbeResult[] = [];
  const nodeStarts: number[] = [];
  for (let index = 0; index < options.runs; index++) {
    nodeStarts.push(await nodeStart(options.nodePath));
    deployed.push(await probe(options.nodePath, outfile, options.events[name], options.env, true));
    withoutSourceMaps.push(await probe(options.nodePath, outfile, options.events[name], options.env, false));
  }
  return {
    handler: name,
    minifiedBytes: statSync(outfile).size,
    gzipBytes: gzipSync(readFileSync(outfile)).length,
    importMs: median(deployed.map((result) => result.importMs)),
    importMsWithoutSourceMaps: median(withoutSourceMaps.map((result) => result.importMs)),
    firstInvocationMs: median(deployed.map((result) => result.firstInvocationMs)),
    firstInvocationMsWithoutSourceMaps: median(withoutSourceMaps.map((result) => result.firstInvocationMs)),
    nodeStartMs: median(nodeStarts),
    runs: options.runs,
    largestInputs: largestInputs(metafile, outfile),
  };
}

/**
 * Wall time of a bare `node -e 0` (process start to exit), the unit that import and first-invocation times are also
 * given in: machines of this kind differ in speed by up to 3×, and a busy machine slows every start, so ratios to a
 * start measured at the same moment compare across machines and runs.
 */
async function nodeStart(nodePath: string): Promise<number> {
  const started = performance.now();
  await run(nodePath, ['-e', '0'], { env: { PATH: process.env.PATH ?? '' } });
  return performance.now() - started;
}
