/**
 * HTTP requests with full control over the bytes: repeated headers, any body (non-UTF-8 included), no
 * automatic content type. `fetch` merges repeated headers and re-encodes bodies, so hostile tests use this.
 */
import { request } from 'node:http';

export interface RawHttpResponse {
  status: number;
  /** Lower-cased names; repeated headers joined with ", " as node:http does. */
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  json: unknown;
}

export interface RawHttpRequest {
  method: string;
  url: string;
  /** Sent in this order, repeats included; nothing else is added but Host (first) and Content-Length. */
  headers?: ReadonlyArray<readonly [string, string]>;
  body?: Buffer | string;
  /** The request target exactly as sent (e.g. with dot segments, which `new URL(url)` would resolve); path of `url` otherwise. */
  rawTarget?: string;
}

export function rawHttp({ method, url, headers = [], body, rawTarget }: RawHttpRequest): Promise<RawHttpResponse> {
  const target = new URL(url);
  const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const flat = ['Host', target.host, ...headers.flatMap(([name, value]) => [name, value])];
  if (payload !== undefined) flat.push('Content-Length', String(payload.length));
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        method,
        host: target.hostname,
        port: target.port,
        path: rawTarget ?? `${target.pathname}${target.search}`,
        headers: flat,
        // A fresh connection per request: hostile requests must not poison a shared keep-alive socket.
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}
