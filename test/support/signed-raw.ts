/**
 * SigV4-signed requests (service `execute-api`, the AWS SDK's own signer) sent byte-exact through
 * `rawHttp`: any body bytes, any headers, and a chance to tamper with the request after signing.
 */
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { DevConfig } from '../../local/service';
import { rawHttp, type RawHttpResponse } from './raw-http';

export interface SignedRequest {
  method: string;
  /** Already percent-encoded, as it goes on the wire. */
  url: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Buffer;
  /** Sent after `headers`, so a name may repeat one of them. */
  extraHeaders?: ReadonlyArray<readonly [string, string]>;
  /** Send this request target instead of the URL's (which `new URL` normalises). */
  rawTarget?: string;
}

export interface SigningOverrides {
  accessKeyId?: string;
  secretAccessKey?: string;
  region?: string;
  service?: string;
  signingDate?: Date;
}

export async function signRequest(
  config: DevConfig,
  request: {
    method: string;
    url: string;
    headers?: Record<string, string>;
    body?: Buffer | string;
    /** Signed (as the SDK signs it) and sent as is, instead of the URL's normalised path: e.g. `/a/%2E/b`. */
    rawPath?: string;
  },
  overrides: SigningOverrides = {},
): Promise<SignedRequest> {
  const target = new URL(request.url);
  const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body);
  const signer = new SignatureV4({
    service: overrides.service ?? 'execute-api',
    region: overrides.region ?? config.region,
    credentials: {
      accessKeyId: overrides.accessKeyId ?? config.awsAccessKeyId,
      secretAccessKey: overrides.secretAccessKey ?? config.awsSecretAccessKey,
    },
    sha256: Hash.bind(null, 'sha256'),
  });
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of target.searchParams) {
    const existing = query[key];
    query[key] = existing === undefined ? value : [...[existing].flat(), value];
  }
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port ? Number(target.port) : undefined,
      path: request.rawPath ?? target.pathname,
      query,
      headers: { ...request.headers, host: target.host },
      body,
    },
    { signingDate: overrides.signingDate },
  );
  const headers = Object.fromEntries(
    Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return {
    method: request.method,
    url: request.url,
    headers,
    body,
    ...(request.rawPath !== undefined && { rawTarget: `${request.rawPath}${target.search}` }),
  };
}

export function sendSigned(request: SignedRequest): Promise<RawHttpResponse> {
  const { host: _host, ...headers } = request.headers;
  return rawHttp({
    method: request.method,
    url: request.url,
    headers: [...Object.entries(headers), ...(request.extraHeaders ?? [])],
    body: request.body.length > 0 ? request.body : undefined,
    rawTarget: request.rawTarget,
  });
}
