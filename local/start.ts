/** `npm start`: the whole service on this machine, data kept under .local/. Ctrl-C stops everything. */
import { join, resolve } from 'node:path';
import { startLocalService } from './service';

const MAINTENANCE_INTERVAL_MS = 60_000;

async function main() {
  const dataDir = resolve(process.env.PATGATE_DATA_DIR ?? '.local');
  const port = Number(process.env.PORT ?? 3000);

  const service = await startLocalService({ dataDir, port, log: (line) => console.log(line) });
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
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
