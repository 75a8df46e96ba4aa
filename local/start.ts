/** `npm start`: the whole service on this machine, data kept under .local/. Ctrl-C stops everything. */
import { resolve } from 'node:path';
import { startLocalService } from './service';

const MAINTENANCE_INTERVAL_MS = 60_000;

async function main() {
  const dataDir = resolve(process.env.PATGATE_DATA_DIR ?? '.local');
  const port = Number(process.env.PORT ?? 3000);

  const service = await startLocalService({ dataDir, port, log: (line) => console.log(line) });
  console.log(JSON.stringify(service.config, null, 2));
  console.log(`\npatgate is listening on ${service.config.baseUrl} (written to ${dataDir}/dev.json). Ctrl-C stops it.`);

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
