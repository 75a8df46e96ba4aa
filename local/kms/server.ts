/**
 * HTTP front end of the KMS emulator: speaks the AWS JSON 1.1 protocol (POST / with
 * `X-Amz-Target: TrentService.<Operation>`) that the unmodified @aws-sdk/client-kms uses. Every request must
 * be SigV4-signed (service `kms`, the emulator's region) with one of the credentials it was started with, as
 * real KMS requires; the local gateway's verifier checks it.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { verifySigV4 } from '../gateway/sigv4';
import { closeServer, listen } from '../../console/server/http-server';
import { aliasOperations } from './alias-operations';
import { KmsError, type KmsErrorLike } from './errors';
import { keyOperations } from './key-operations';
import { KeyStore } from './keystore';
import { parseRequestBody, type OperationHandler, type RequestBody, type ResponseBody } from './protocol';
import { signingOperations } from './signing-operations';

export interface KmsEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Directory for the persistent state file; without it, state lives in memory only. */
  dataDir?: string;
  /** Defaults to us-east-1. */
  region?: string;
  /** Defaults to 000000000000. */
  accountId?: string;
  /**
   * Access key id to secret access key: the callers it accepts (there are no IAM policies here; any known key
   * may do anything). Requests signed with another key, or not signed, are refused as KMS refuses them.
   */
  credentials: ReadonlyMap<string, string>;
  /**
   * Fault injection: called for every well-formed request to a supported operation before it runs. Returning
   * an error makes the emulator answer with it instead of running the operation.
   */
  beforeOperation?: (operation: string, request: RequestBody) => KmsErrorLike | undefined;
}

export interface KmsEmulator {
  /** Endpoint for KMSClient's `endpoint` option or AWS_ENDPOINT_URL_KMS. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const TARGET_PREFIX = 'TrentService.';

const OPERATIONS = new Map<string, OperationHandler>(
  Object.entries({ ...keyOperations, ...aliasOperations, ...signingOperations }),
);

interface JsonResponse {
  statusCode: number;
  body: ResponseBody;
  errorType?: string;
}

export async function startKmsEmulator(options: KmsEmulatorOptions): Promise<KmsEmulator> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'us-east-1';
  const store = await KeyStore.open({ region, accountId: options.accountId ?? '000000000000' }, options.dataDir);
  const authenticate = (request: IncomingMessage, body: Buffer): KmsErrorLike | undefined => {
    const [rawPath = '/', rawQuery = ''] = (request.url ?? '/').split(/\?(.*)/s);
    const verdict = verifySigV4(
      { method: request.method ?? 'POST', rawPath, rawQuery, headers: request.headersDistinct, body },
      { region, service: 'kms', credentials: options.credentials },
    );
    // JSON-protocol services answer these with 400 and the error type in `__type`, as for any client error.
    return verdict.ok ? undefined : { type: verdict.errorType, message: verdict.message };
  };
  const server = createServer((request, response) => {
    dispatch(request, store, authenticate, options.beforeOperation)
      .then((result) => writeJson(response, result))
      .catch((error: unknown) => {
        console.error('KMS emulator: failed to write a response', error);
        response.destroy();
      });
  });
  const { port, origin } = await listen(server, options.port ?? 0, host);
  return {
    url: origin,
    port,
    close: async () => {
      await closeServer(server);
      await store.flush();
    },
  };
}

async function dispatch(
  request: IncomingMessage,
  store: KeyStore,
  authenticate: (request: IncomingMessage, body: Buffer) => KmsErrorLike | undefined,
  beforeOperation: KmsEmulatorOptions['beforeOperation'],
): Promise<JsonResponse> {
  try {
    const rawBody = await readBody(request);
    const denied = authenticate(request, rawBody);
    if (denied !== undefined) return errorResponse(denied);
    const operation = readOperation(request);
    const handler = OPERATIONS.get(operation);
    if (handler === undefined) {
      throw new KmsError('UnknownOperationException', `The KMS emulator does not support operation ${operation}.`);
    }
    const body = parseRequestBody(rawBody.toString('utf8'));
    const injected = beforeOperation?.(operation, body);
    if (injected !== undefined) return errorResponse(injected);
    await store.deleteExpiredKeys(new Date());
    return { statusCode: 200, body: await handler(body, store) };
  } catch (error) {
    if (error instanceof KmsError) return errorResponse(error);
    console.error('KMS emulator: unexpected error', error);
    return errorResponse(
      new KmsError('KMSInternalException', `Internal error in the KMS emulator: ${String(error)}`, 500),
    );
  }
}

function readOperation(request: IncomingMessage): string {
  const target = request.headers['x-amz-target'];
  if (request.method !== 'POST' || typeof target !== 'string' || !target.startsWith(TARGET_PREFIX)) {
    throw new KmsError(
      'UnknownOperationException',
      `Expected POST with an X-Amz-Target header of the form ${TARGET_PREFIX}<Operation>.`,
    );
  }
  return target.slice(TARGET_PREFIX.length);
}

function errorResponse(error: KmsErrorLike): JsonResponse {
  return {
    statusCode: error.statusCode ?? 400,
    body: { __type: error.type, message: error.message },
    errorType: error.type,
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function writeJson(response: ServerResponse, { statusCode, body, errorType }: JsonResponse): void {
  const payload = JSON.stringify(body);
  response.writeHead(statusCode, {
    'Content-Type': 'application/x-amz-json-1.1',
    'Content-Length': Buffer.byteLength(payload),
    'x-amzn-RequestId': randomUUID(),
    ...(errorType !== undefined && { 'x-amzn-ErrorType': errorType }),
  });
  response.end(payload);
}
