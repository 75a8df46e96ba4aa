/**
 * Settings of every AWS SDK v3 client, created once per container. Timeouts and retries are bounded so that a
 * slow dependency fails well inside the Lambda timeout (10 s) and API Gateway's 29 s:
 * worst case ≈ maxAttempts × (connection + request timeout) + backoff ≈ 3 × 1.5 s + backoff < 6 s.
 * Endpoints come from the standard AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_KMS variables when set.
 * One module per client, so a function bundles only the SDK clients it uses.
 */
export const clientConfig = {
  maxAttempts: 3,
  // Without throwOnRequestTimeout the SDK only logs a warning when requestTimeout passes and keeps waiting.
  requestHandler: { connectionTimeout: 500, requestTimeout: 1000, throwOnRequestTimeout: true },
} as const;
