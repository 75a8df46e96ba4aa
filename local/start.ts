/** `npm start`: the whole service on this machine, data kept under .local/. Ctrl-C stops everything. */
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { listen } from '../console/server/http-server';
import { startLocalService } from './service';

const HOST = '127.0.0.1';
const MAINTENANCE_INTERVAL_MS = 60_000;

/** Says who holds the port when it is taken, before anything starts (a second DynamoDB Local on the same data). */
async function portTaken(port: number, dataDir: string): Promise<string | undefined> {
  const probe = createServer();
  try {
    await listen(probe, port, HOST);
    await new Promise((done) => probe.close(done));
    return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
  }
  const url = `http://${HOST}:${port}`;
  const issuer = await fetch(`${url}/oidc/.well-known/openid-configuration`, { signal: AbortSignal.timeout(2000) })
    .then(async (response) => ((await response.json()) as { issuer?: unknown }).issuer)
    .catch(() => undefined);
  return typeof issuer === 'string' && issuer.startsWith(url)
    ? `patgate is already running on ${url} (settings in ${dataDir}/dev.json). Use it, stop it with Ctrl-C where ` +
        `it runs, or start another one with data of its own: PORT=${port + 1} PATGATE_DATA_DIR=.local-2 npm start`
    : `port ${port} on ${HOST} is taken by another program: start patgate on a free one: PORT=${port + 1} npm start`;
}

async function main(): Promise<number> {
  const dataDir = resolve(process.env.PATGATE_DATA_DIR ?? '.local');
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`patgate: PORT must be a TCP port number (1–65535, or 0 for any free one), not "${process.env.PORT}".`);
    return 2;
  }
  const taken = await portTaken(port, dataDir);
  if (taken) {
    console.error(`patgate: ${taken}`);
    return 1;
  }

  let service;
  try {
    service = await startLocalService({ dataDir, port, host: HOST, log: (line) => console.log(line) });
  } catch (error) {
    // Taken between the check and now.
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    console.error(`patgate: ${(await portTaken(port, dataDir)) ?? `port ${port} is taken`}`);
    return 1;
  }
  const { config } = service;
  // Secrets stay out of the terminal (scrollback, CI logs): they are in dev.json, readable by this user only.
  console.log(
    [
      '',
      `patgate is listening on ${config.baseUrl}`,
      `  issuer            ${config.issuer}`,
      `  region, table     ${config.region}, ${config.tableName}`,
      `  demo application  ${config.demoApplication.clientId}`,
      `  operator console  ${config.consoleUrl}`,
      `The AWS credentials (access key ${config.awsAccessKeyId}) and the demo application's client secret are in`,
      `${join(dataDir, 'dev.json')} (mode 0600), with the rest of these settings. Ctrl-C stops the service.`,
    ].join('\n'),
  );

  // The maintenance schedule, as EventBridge runs it in AWS.
  setInterval(() => {
    service.runMaintenance().catch((error: unknown) => console.error('maintenance run failed:', error));
  }, MAINTENANCE_INTERVAL_MS).unref();

  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log('\nstopping…');
      void service.close().then(() => process.exit(0));
    });
  }
  return 0;
}

main().then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
