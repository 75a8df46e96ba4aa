/**
 * fetch() with AWS Signature Version 4 for API Gateway IAM auth (service `execute-api`).
 * Credentials may be static or a provider from @aws-sdk/credential-providers (CLI, SSO, roles).
 */
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { readReply, type Reply } from './requests';

export interface SigningOptions {
  region: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

export type RawResponse = Reply;

export interface RequestOptions {
  body?: string;
  headers?: Record<string, string>;
  /** Sign with these options; omit to send the request unsigned. */
  signing?: SigningOptions;
}

/** The request got no HTTP response: connection refused, DNS failure, TLS error, timeout. */
export class PatgateNetworkError extends Error {
  constructor(url: URL, cause: unknown) {
    // fetch() only says "fetch failed"; the reason is in its cause (an AggregateError without a message for
    // a refused dual-stack connection, hence the code first).
    const reason = (cause as { cause?: { code?: string; message?: string } }).cause;
    super(`Could not reach ${url.origin}: ${reason?.code ?? (reason?.message || String(cause))}`, { cause });
    this.name = 'PatgateNetworkError';
  }
}

export async function sendRequest(method: string, url: string, options: RequestOptions = {}): Promise<RawResponse> {
  const target = new URL(url);
  let headers: Record<string, string> = { ...options.headers, host: target.host };
  if (options.signing) {
    const signer = new SignatureV4({
      service: 'execute-api',
      region: options.signing.region,
      credentials: options.signing.credentials,
      sha256: Hash.bind(null, 'sha256'),
    });
    const query: Record<string, string | string[]> = {};
    for (const [key, value] of target.searchParams) {
      const existing = query[key];
      query[key] = existing === undefined ? value : [...[existing].flat(), value];
    }
    const signed = await signer.sign({
      method,
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port ? Number(target.port) : undefined,
      // Already percent-encoded once, as sent; the signer encodes it again, as SigV4 wants for non-S3 services.
      path: target.pathname,
      query,
      headers,
      body: options.body,
    });
    headers = signed.headers as Record<string, string>;
  }
  const { host: _host, ...sendable } = headers;
  let response: Response;
  try {
    response = await fetch(target, { method, headers: sendable, body: options.body });
  } catch (error) {
    throw new PatgateNetworkError(target, error);
  }
  return readReply(response);
}
