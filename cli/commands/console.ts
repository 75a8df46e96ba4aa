/** `patgate console`: the operator console in the browser, for the local service or a deployed stack. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { startConsoleServer } from '../../console/server/server';
import { withContext } from '../context';
import { print } from '../output';

export function registerConsoleCommand(command: Command): void {
  command
    .description('Open the operator console: served on 127.0.0.1, signing its calls with your AWS credentials')
    .option('--port <port>', 'port to serve the console on (default: any free port)', '0')
    .action(
      withContext(async (context, options: { port: string }) => {
        const { target, region, credentials } = await context.signedTarget();
        // The local service already serves the console on its own origin.
        if (target.local) {
          return print(
            target.local.consoleUrl
              ? `The local service serves the console: open ${target.local.consoleUrl}`
              : `The local service serves the console: open the consoleUrl in ${target.local.file}`,
          );
        }
        const server = await startConsoleServer({
          endpoint: target.endpoint,
          region,
          credentials,
          port: Number(options.port),
          staticDir: consoleAssets(),
        });
        print(`patgate console for ${target.endpoint} (${region}): open ${server.url} — Ctrl-C stops it`);
        await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
        await server.close();
      }),
    );
}

/** The package's console/dist: found from cli/commands/ in the sources and from dist/ in the compiled CLI. */
function consoleAssets(): string | undefined {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'console', 'dist');
  }
  return undefined;
}
