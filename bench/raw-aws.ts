/**
 * The raw floor's client (bench code only, never production): AWS JSON-protocol requests signed with
 * `@smithy/signature-v4` and sent over a `node:http` keep-alive agent, without the SDK's middleware stack.
 * It is what the exchange's two calls cost when nothing but the work itself is done: serialize, sign, send,
 * parse. Plain HTTP only, as the local engines speak it.
 */
import { Agent, request } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

export interface RawAwsOptions {
  /** e.g. http://127.0.0.1:8000 */
  endpoint: string;
  region: string;
  /** Signing name: `dynamodb`, `kms`. */
  service: string;
  /** `DynamoDB_20120810`, `TrentService`. */
  targetPrefix: string;
  /** 1.0 for DynamoDB, 1.1 for KMS. */
  jsonVersion: '1.0' | '1.1';
  credentials: { accessKeyId: string; secretAccessKey: string };
  agent: Agent;
}

export class RawAwsJsonClient {
  private readonly signer: SignatureV4;
  private readonly url: URL;

  constructor(private readonly options: RawAwsOptions) {
    this.url = new URL(options.endpoint);
    if (this.url.protocol !== 'http:') throw new Error(`The raw floor speaks plain HTTP only, not ${options.endpoint}`);
    this.signer = new SignatureV4({
      credentials: options.credentials,
      region: options.region,
      service: options.service,
      sha256: Hash.bind(null, 'sha256'),
    });
  }

  async call<T>(operation: string, input: unknown): Promise<T> {
    const body = JSON.stringify(input);
    const signed = await this.signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: this.url.hostname,
      port: Number(this.url.port),
      path: '/',
      query: {},
      headers: {
        host: this.url.host,
        'content-type': `application/x-amz-json-${this.options.jsonVersion}`,
        'content-length': String(Buffer.byteLength(body)),
        'x-amz-target': `${this.options.targetPrefix}.${operation}`,
      },
      body,
    });
    const { status, text } = await this.send(signed.headers, body).catch((error: NodeJS.ErrnoException) => {
      // A keep-alive socket the server closed as the request went out: resent once, as the SDK (and any HTTP client) does.
      if (error.code === 'ECONNRESET' && (error as { reusedSocket?: boolean }).reusedSocket)
        return this.send(signed.headers, body);
      throw error;
    });
    if (status !== 200) throw new Error(`${this.options.service} ${operation}: HTTP ${status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }

  private send(headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
    return new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          method: 'POST',
          host: this.url.hostname,
          port: this.url.port,
          path: '/',
          headers,
          agent: this.options.agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', (error) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })));
      req.end(body);
    });
  }
}
