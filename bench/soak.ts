/**
 * `npm run soak`: a bounded soak of the token endpoint. Starts the local service (DynamoDB Local, the KMS
 * emulator, the gateway and the real handlers, in memory), then runs `--exchanges` (20,000) exchanges
 * over HTTP at `--concurrency` (16), rotating over several users, PATs and both client auth methods.
 * Every token is verified against the served JWKS and must carry its PAT's user as `sub`.
 *
 * Memory is sampled after a forced GC in this process (gateway and handlers live here; the load
 * generator is small and fixed): RSS and heap after warm-up, at each tenth, and at the end. Exits 1 on
 * any error, or when the heap grew by more than `--max-heap-growth-mb` (8) after warm-up.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseArgs } from 'node:util';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { PatgateClient } from '../client/management-client';
import { startLocalService } from '../local/service';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const { values: args } = parseArgs({
  options: {
    exchanges: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '16' },
    warmup: { type: 'string', default: '1000' },
    'max-heap-growth-mb': { type: 'string', default: '8' },
  },
});
const EXCHANGES = Number(args.exchanges);
const CONCURRENCY = Number(args.concurrency);
const WARMUP = Number(args.warmup);
const MAX_HEAP_GROWTH_MB = Number(args['max-heap-growth-mb']);

const MB = 1024 * 1024;
const progress = (message: string) => process.stderr.write(`· ${message}\n`);

interface Sample {
  done: number;
  rssMb: number;
  heapMb: number;
  externalMb: number;
}

function sample(done: number): Sample {
  gc();
  const { rss, heapUsed, external } = process.memoryUsage();
  return { done, rssMb: rss / MB, heapMb: heapUsed / MB, externalMb: external / MB };
}

/** Least-squares slope of heap over exchanges, in MB per 10,000 exchanges. */
function heapSlope(samples: Sample[]): number {
  const n = samples.length;
  const meanX = samples.reduce((sum, s) => sum + s.done, 0) / n;
  const meanY = samples.reduce((sum, s) => sum + s.heapMb, 0) / n;
  const covariance = samples.reduce((sum, s) => sum + (s.done - meanX) * (s.heapMb - meanY), 0);
  const variance = samples.reduce((sum, s) => sum + (s.done - meanX) ** 2, 0);
  return variance === 0 ? 0 : (covariance / variance) * 10_000;
}

async function main(): Promise<void> {
  progress('starting DynamoDB Local, the KMS emulator and the gateway');
  const service = await startLocalService({
    tableName: 'patgate-soak',
    log: () => undefined,
    // One INFO line per exchange would be 20,000 lines of noise here.
    handlerEnv: { POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN' },
  });
  const { config } = service;
  try {
    const client = new PatgateClient({
      endpoint: config.baseUrl,
      region: config.region,
      credentials: { accessKeyId: config.awsAccessKeyId, secretAccessKey: config.awsSecretAccessKey },
    });
    const jwks = createRemoteJWKSet(new URL(`${config.issuer}/jwks`));
    const { clientId, clientSecret } = config.demoApplication;
    const publicClient = await client.applications.create({ name: 'soak', type: 'Native', allowTokenExchange: true });

    const subjects: { userId: string; pat: string }[] = [];
    for (let user = 0; user < 8; user++) {
      for (let index = 0; index < 4; index++) {
        const userId = `soak-user-${user}`;
        subjects.push({ userId, pat: (await client.pats.create(userId, { name: `pat-${index}` })).value });
      }
    }

    const errors = new Map<string, number>();
    // Preallocated, so that recording latencies does not itself grow the heap being watched.
    const latencies = new Float64Array(EXCHANGES);
    let recording = false;
    let next = 0;
    const exchangeOne = async (index: number) => {
      const { userId, pat } = subjects[index % subjects.length]!;
      const viaPublicClient = index % 3 === 0;
      const startedAt = performance.now();
      const response = await client.exchange({
        pat,
        clientId: viaPublicClient ? publicClient.id : clientId,
        clientSecret: viaPublicClient ? undefined : clientSecret,
      });
      if (recording) latencies[index - WARMUP] = performance.now() - startedAt;
      if (response.status !== 200) throw new Error(`HTTP ${response.status} ${response.text.slice(0, 120)}`);
      const { payload } = await jwtVerify((response.json as { access_token: string }).access_token, jwks, {
        issuer: config.issuer,
        typ: 'at+jwt',
      });
      if (payload.sub !== userId) throw new Error(`sub ${payload.sub} for a PAT of ${userId}`);
    };
    const run = async (total: number) => {
      const end = next + total;
      const worker = async () => {
        while (next < end) {
          const index = next++;
          await exchangeOne(index).catch((error: unknown) => {
            const key = error instanceof Error ? error.message : String(error);
            errors.set(key, (errors.get(key) ?? 0) + 1);
          });
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    };

    progress(`warm-up: ${WARMUP} exchanges`);
    await run(WARMUP);
    recording = true;
    const samples = [sample(0)];
    const step = Math.max(1, Math.floor(EXCHANGES / 10));
    const startedAt = performance.now();
    progress(`soak: ${EXCHANGES} exchanges at concurrency ${CONCURRENCY}`);
    for (let done = 0; done < EXCHANGES; done += step) {
      await run(Math.min(step, EXCHANGES - done));
      samples.push(sample(Math.min(done + step, EXCHANGES)));
      progress(`${samples.at(-1)!.done} exchanges, heap ${samples.at(-1)!.heapMb.toFixed(1)} MB`);
    }
    const seconds = (performance.now() - startedAt) / 1000;

    const first = samples[0]!;
    const last = samples.at(-1)!;
    const sorted = latencies.slice().sort();
    const percentile = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
    const errorCount = [...errors.values()].reduce((sum, count) => sum + count, 0);
    const heapGrowth = last.heapMb - first.heapMb;

    console.log(`exchanges:     ${EXCHANGES} (after ${WARMUP} warm-up), concurrency ${CONCURRENCY}`);
    console.log(`errors:        ${errorCount}`);
    for (const [message, count] of errors) console.log(`  ${count} × ${message}`);
    console.log(`throughput:    ${(EXCHANGES / seconds).toFixed(0)} exchanges/s over ${seconds.toFixed(1)} s`);
    console.log(
      `latency (ms):  p50 ${percentile(50).toFixed(1)}  p99 ${percentile(99).toFixed(1)}  max ${sorted.at(-1)!.toFixed(1)}`,
    );
    console.log(`RSS (MB):      before ${first.rssMb.toFixed(1)}  after ${last.rssMb.toFixed(1)}`);
    console.log(
      `heap (MB):     before ${first.heapMb.toFixed(1)}  after ${last.heapMb.toFixed(1)}  ` +
        `growth ${heapGrowth.toFixed(2)}  slope ${heapSlope(samples).toFixed(2)} MB / 10k exchanges`,
    );
    console.log(`heap samples:  ${samples.map((s) => s.heapMb.toFixed(1)).join(' ')}`);
    console.log(`RSS samples:   ${samples.map((s) => s.rssMb.toFixed(0)).join(' ')}`);
    console.log(`external (MB): before ${first.externalMb.toFixed(1)}  after ${last.externalMb.toFixed(1)}`);

    if (errorCount > 0 || heapGrowth > MAX_HEAP_GROWTH_MB) {
      console.log(errorCount > 0 ? 'FAILED: errors' : `FAILED: heap grew by more than ${MAX_HEAP_GROWTH_MB} MB`);
      process.exitCode = 1;
    } else console.log('OK: zero errors, flat memory');
  } finally {
    await service.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
