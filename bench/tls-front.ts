/**
 * HTTPS in front of the local engines, for the cold-start probes. A deployed function reaches DynamoDB and KMS over
 * TLS: its first invocation pays the handshakes, and the SDK takes its https path. Over plain http the probes measured
 * a path Lambda never takes, with no handshake but, on the SDK's first call, an ES module import of `node:http`
 * (@smithy/node-http-handler loads it only for http endpoints), which on Node 24 builds the built-in's facade and so
 * loads all of undici: 20–28 ms that no deployed function spends (nodejs/node#57649).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TlsFront {
  /** The upstreams' names, each with the https URL in front of it. */
  endpoints: Record<string, string>;
  /** The front's self-signed certificate, for NODE_EXTRA_CA_CERTS. */
  caFile: string;
  close(): Promise<void>;
}

/** A throwaway P-256 certificate for 127.0.0.1, made with the openssl command line. */
function selfSignedCertificate(directory: string): { key: string; cert: string } {
  const key = join(directory, 'key.pem');
  const cert = join(directory, 'cert.pem');
  // prettier-ignore
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' });
  return { key, cert };
}

/**
 * One https server per upstream, passing requests through unchanged: the Host header stays the front's, which is what
 * the SDK signed (the KMS emulator checks SigV4).
 */
export async function startTlsFront(upstreams: Record<string, string>): Promise<TlsFront> {
  const directory = mkdtempSync(join(tmpdir(), 'patgate-tls-'));
  const files = selfSignedCertificate(directory);
  const credentials = { key: readFileSync(files.key), cert: readFileSync(files.cert) };
  const agent = new Agent({ keepAlive: true });
  const servers: Server[] = [];
  const endpoints: Record<string, string> = {};
  for (const [name, upstream] of Object.entries(upstreams)) {
    const server = createServer(credentials, (req, res) => {
      const forwarded = request(
        new URL(req.url ?? '/', upstream),
        { method: req.method, headers: req.headers, agent },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forwarded.on('error', () => res.destroy());
      req.pipe(forwarded);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    endpoints[name] = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  return {
    endpoints,
    caFile: files.cert,
    async close() {
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve).closeAllConnections())));
      agent.destroy();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
