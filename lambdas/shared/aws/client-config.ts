/**
 * Settings of every AWS SDK v3 client, created once per container. Timeouts and retries are bounded so that a
 * slow dependency fails well inside the Lambda timeout (10 s) and API Gateway's 29 s:
 * worst case ≈ maxAttempts × (connection + request timeout) + backoff ≈ 3 × 1.5 s + backoff < 6 s.
 * Endpoints come from the standard AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_KMS variables when set.
 * One module per client, so a function bundles only the SDK clients it uses.
 *
 * Per-call cost (issue 17, see `npm run bench -- --profile`): an exchange is two small calls, so what the SDK does
 * around each call weighs as much as the call itself.
 */
import type { Readable } from 'node:stream';
import { getUserAgentMiddlewareOptions, userAgentMiddleware } from '@aws-sdk/core/client';
import { streamCollector as sdkStreamCollector } from '@smithy/core/serde';
import { getSchemaSerdePlugin } from '@smithy/core/schema';
import type { AuthScheme, BuildHandler, BuildMiddleware, MiddlewareStack, RequestSigner } from '@smithy/types';

/**
 * Reads a response body from its 'data' events. The SDK's own collector pipes every body into a new Writable, whose
 * stream machinery costs more than the few hundred bytes it collects: same-process A/B of the exchange's three calls
 * (`bench/per-call.ts`-style, 4 × 2,000 alternating): 1.60 against 1.63 ms and 1.54 against 1.67 ms per exchange. A
 * body that is not a Node.js stream (never, with the SDK's Node.js HTTP handler) goes to the SDK's collector.
 */
export function streamCollector(stream: unknown): Promise<Uint8Array> {
  const body = stream as Readable;
  if (typeof body?.on !== 'function') return sdkStreamCollector(stream as Parameters<typeof sdkStreamCollector>[0]);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    body.on('data', (chunk: Buffer) => chunks.push(chunk));
    body.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    body.once('error', reject);
    // A connection that closes mid-body without an error would otherwise leave the call waiting: a reset, which the
    // SDK's retry strategy and dependency-errors.ts treat as transient.
    body.once('close', () => {
      if (!body.readableEnded) {
        reject(
          Object.assign(new Error('The connection closed before the response body ended.'), { code: 'ECONNRESET' }),
        );
      }
    });
  });
}

export const clientConfig = {
  maxAttempts: 3,
  streamCollector,
  // Without throwOnRequestTimeout the SDK only logs a warning when requestTimeout passes and keeps waiting.
  requestHandler: { connectionTimeout: 500, requestTimeout: 1000, throwOnRequestTimeout: true },
  // Resolve each command's middleware stack once per client instead of sorting and concatenating it on every call.
  // Requires that no command carries middleware of its own: true of the low-level clients, not of lib-dynamodb's
  // document client (which refuses the option).
  cacheMiddleware: true,
} as const;

/**
 * The endpoint a client is configured with, looked up once per client. Given no `endpoint`, the SDK looks for one
 * in AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL and the shared config file on every call, on a copy of the client's
 * configuration so that the answer never sticks: 15–40 µs of CPU per call (of ~150), with or without a configured
 * endpoint (`npx tsx bench/endpoint-lookup.ts`). The same environment variables are read here, at client creation, with the
 * SDK's precedence (AWS_IGNORE_CONFIGURED_ENDPOINT_URLS, then the service's, then the global); without one the SDK
 * resolves the Region's endpoint from its rules as before. Not read: `endpoint_url` in a shared config file (Lambda
 * has none; locally, set the environment variables).
 */
export function configuredEndpoint(
  service: 'DYNAMODB' | 'KMS',
  env: NodeJS.ProcessEnv = process.env,
): { endpoint: string } | { ignoreConfiguredEndpointUrls: true } {
  const ignore = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true';
  const endpoint = ignore ? undefined : env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL;
  return endpoint ? { endpoint } : { ignoreConfiguredEndpointUrls: true };
}

const USER_AGENT_HEADERS = ['user-agent', 'x-amz-user-agent'];

type SignerFactory = (authScheme?: AuthScheme) => Promise<RequestSigner>;

interface TunableClient {
  config: Parameters<typeof userAgentMiddleware>[0] &
    Parameters<typeof getSchemaSerdePlugin>[0] & { signer: SignerFactory };
  middlewareStack: MiddlewareStack<any, any>;
}

/**
 * Takes per-call work out of a client that yields the same result on every call:
 * - the SDK's logger middleware filters each call's input and output for sensitive members, to hand them to a
 *   logger we never configure (the default is a no-op): removed;
 * - its user-agent middleware rebuilds and re-escapes the same headers on every call: replaced by one that lets the
 *   SDK's compute them on the client's first call and sets those values from then on;
 * - its SigV4 auth scheme builds a new signer (copying the whole client configuration) for every call: the SDK's
 *   own factory now runs once per client (whose calls all share one region, service and auth scheme). The signer
 *   reads the client's credential provider on each call, so credentials still refresh;
 * - the serializer, the deserializer and the endpoint middleware copy the whole client configuration on every call
 *   (`{ ...config }`), and the SDK builds that configuration one resolver at a time, which leaves its ~50 properties
 *   in V8's dictionary mode: each copy cost 9–40 µs. A copy of it made once (`{ ...config }` yields a fast-mode
 *   object) becomes the client's configuration, and the SDK's own serde plugin is applied again with it (its
 *   middlewares replace the ones bound to the original by name); the endpoint middleware, added per command when a
 *   command's stack is first resolved, gets it from the client. Middleware added at construction keeps the original
 *   object, which the SDK only mutates for its own use (the signer's clock-skew offset). In memory
 *   (`npx tsx bench/sdk-overhead.ts`): GetItem 190 → 140 µs, Sign 199 → 155 µs per call.
 */
export function trimPerCallWork<C extends TunableClient>(client: C): C {
  client.middlewareStack.remove('loggerMiddleware');

  const sdkSigner = client.config.signer;
  let signer: Promise<RequestSigner> | undefined;
  client.config.signer = (authScheme) => {
    signer ??= sdkSigner(authScheme).catch((error: unknown) => {
      signer = undefined;
      throw error;
    });
    return signer;
  };

  const sdkUserAgent = userAgentMiddleware(client.config);
  let headers: [string, string][] | undefined;
  const userAgentOnce: BuildMiddleware<object, object> = (next, context) => {
    const capture: BuildHandler<object, object> = (args) => {
      const sent = (args.request as { headers?: Record<string, string> } | undefined)?.headers;
      if (sent)
        headers ??= USER_AGENT_HEADERS.flatMap((name) => (sent[name] === undefined ? [] : [[name, sent[name]!]]));
      return next(args);
    };
    const viaSdk = sdkUserAgent(capture, context);
    return (args) => {
      const request = args.request as { headers?: Record<string, string> } | undefined;
      if (!headers || !request?.headers) return viaSdk(args);
      for (const [name, value] of headers) request.headers[name] = value;
      return next(args);
    };
  };
  client.middlewareStack.add(userAgentOnce, getUserAgentMiddlewareOptions);

  const fastConfig = { ...client.config };
  getSchemaSerdePlugin(fastConfig).applyToStack(client.middlewareStack);
  client.config = fastConfig;
  return client;
}
