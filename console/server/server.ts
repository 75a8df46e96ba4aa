/**
 * The console for a deployed stack: serves the page on this machine's loopback interface and forwards
 * its management calls to the deployment, signed with the operator's credentials. The CLI's
 * `patgate console` command and `console/serve.ts` start it.
 */
import { createServer } from 'node:http';
import type { SigningOptions } from '../../client/signed-fetch';
import { closeServer, listen } from './http-server';
import { CONSOLE_PATH, consoleEntryUrl, createConsoleHandler, newConsoleAccessToken } from './handler';

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
  /**
   * The page with this run's access token, e.g. `http://127.0.0.1:4321/console/?token=…`: print it for the
   * operator (or open it); it is the only way in.
   */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const host = options.host ?? '127.0.0.1';
  const accessToken = newConsoleAccessToken();
  const handle = createConsoleHandler({
    accessToken,
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
  const { port, origin } = await listen(server, options.port ?? 0, host);
  return {
    url: consoleEntryUrl(origin, accessToken),
    port,
    close: () => closeServer(server),
  };
}
