/**
 * The console for a deployed stack: serves the page on this machine's loopback interface and forwards
 * its management calls to the deployment, signed with the operator's credentials. The CLI's
 * `patgate console` command and `console/serve.ts` start it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SigningOptions } from '../../client/signed-fetch';
import { CONSOLE_PATH, createConsoleHandler } from './handler';

export interface ConsoleServerOptions {
  /** Base URL of the deployed API (the stage URL), e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com/prod`. */
  endpoint: string;
  region: string;
  /** Static credentials or a provider, e.g. `fromNodeProviderChain({ profile })`. */
  credentials: SigningOptions['credentials'];
  /** Defaults to 0: any free port. */
  port?: number;
  /** A loopback address only; defaults to 127.0.0.1. */
  host?: '127.0.0.1' | '::1' | 'localhost';
  staticDir?: string;
}

export interface ConsoleServer {
  /** The page, e.g. `http://127.0.0.1:4321/console/`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const host = options.host ?? '127.0.0.1';
  const handle = createConsoleHandler({
    apiEndpoint: options.endpoint,
    signing: { region: options.region, credentials: options.credentials },
    staticDir: options.staticDir,
  });
  const server = createServer((req, res) => {
    if (req.url === '/' || req.url === '') {
      res.writeHead(308, { Location: `${CONSOLE_PATH}/`, 'Content-Length': 0 }).end();
      return;
    }
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: `${origin}${CONSOLE_PATH}/`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The region of an API Gateway default endpoint (`https://{id}.execute-api.{region}.amazonaws.com/{stage}`). */
export function regionOfEndpoint(endpoint: string): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(new URL(endpoint).hostname)?.[1];
}
