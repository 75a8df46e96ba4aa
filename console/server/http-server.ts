/** Starting and stopping Node HTTP servers: the console server's, and the local service's (gateway, KMS emulator). */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on host:port (0: a free port); resolves with the port and the origin to reach it at. */
export function listen(server: Server, port: number, host: string): Promise<{ port: number; origin: string }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const actual = (server.address() as AddressInfo).port;
      resolve({ port: actual, origin: `http://${host.includes(':') ? `[${host}]` : host}:${actual}` });
    });
  });
}

/** Closes the server and its kept-alive connections (SDK clients keep them; close() alone would wait them out). */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
