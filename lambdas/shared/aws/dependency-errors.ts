import { DependencyError } from '../errors';

const retryableNames = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'KMSInternalException',
  'DependencyTimeoutException',
  'TransactionConflictException',
  'TimeoutError',
  'RequestTimeout',
  'AbortError',
]);

const retryableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

interface SdkLikeError {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/** Wraps a failed AWS SDK call so the response mapper can tell "retry soon" from "broken". */
export function toDependencyError(dependency: DependencyError['dependency'], error: unknown): DependencyError {
  if (error instanceof DependencyError) return error;
  const sdk = (error ?? {}) as SdkLikeError;
  const status = sdk.$metadata?.httpStatusCode ?? 0;
  const retryable =
    retryableNames.has(sdk.name ?? '') ||
    retryableCodes.has(sdk.code ?? '') ||
    Boolean(sdk.$retryable) ||
    status >= 500 ||
    status === 0;
  return new DependencyError(dependency, retryable, { cause: error });
}

/** Runs an SDK call, turning any failure into a DependencyError. */
export async function guarded<T>(dependency: DependencyError['dependency'], call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toDependencyError(dependency, error);
  }
}
