/**
 * `npm run expiry-notices [-- --now <ISO time or epoch ms>]`: one run of the expiry-notice job against the
 * local service's table (.local/dev.json), as if it were `now`; the events go to a local EventBridge sink and
 * are printed, one JSON object a line.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { handlerEnvironment } from '../lambdas/shared/env-contract';
import { startEventBridgeSink } from './eventbridge-sink';
import type { DevConfig } from './service';

async function main() {
  const { values } = parseArgs({ options: { now: { type: 'string' } } });
  const now =
    values.now === undefined ? Date.now() : /^\d+$/.test(values.now) ? Number(values.now) : Date.parse(values.now);
  if (Number.isNaN(now)) throw new Error('--now takes an ISO 8601 time or epoch milliseconds');
  const config = JSON.parse(
    readFileSync(resolve(process.env.PATGATE_DATA_DIR ?? '.local', 'dev.json'), 'utf8'),
  ) as DevConfig;
  const sink = await startEventBridgeSink();
  Object.assign(process.env, {
    AWS_REGION: config.region,
    AWS_ACCESS_KEY_ID: config.awsAccessKeyId,
    AWS_SECRET_ACCESS_KEY: config.awsSecretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: process.env.AWS_ENDPOINT_URL_DYNAMODB ?? config.endpoints.dynamodb,
    AWS_ENDPOINT_URL_EVENTBRIDGE: sink.url,
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    ...handlerEnvironment({ tableName: config.tableName }),
  });
  try {
    // Imported once the environment is set: the handlers' modules read it.
    const { sendExpiryNotices } = await import('../lambdas/maintenance/expiry-notices');
    const report = await sendExpiryNotices(now);
    for (const event of sink.events) console.log(JSON.stringify(event));
    console.error(`expiry notices at ${new Date(now).toISOString()}: ${JSON.stringify(report)}`);
  } finally {
    await sink.close();
  }
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
