/**
 * Errors as typed values. Handlers throw these; `http/responses.ts` maps them to protocol
 * responses in one place. Anything else that escapes a handler is classified there too.
 */

/** RFC 6749 §5.2 / RFC 8693 §2.2.2 error codes, plus the two RFC 6749 §4.1.2.1 codes used for outages. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'access_denied'
  | 'server_error'
  | 'temporarily_unavailable';

const oauthStatus: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  invalid_target: 400,
  /** Logto's answer to an organization token asked for by a non-member. */
  access_denied: 403,
  server_error: 500,
  temporarily_unavailable: 503,
};

export class OAuthError extends Error {
  readonly status: number;

  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`${error}: ${description}`);
    this.name = 'OAuthError';
    this.status = oauthStatus[error];
  }
}

/** Management API error, Logto style: `{code, message}` with a 4xx status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const apiErrors = {
  invalidInput: (message: string, details?: unknown) => new ApiError(400, 'guard.invalid_input', message, details),
  notFound: (message: string) => new ApiError(404, 'entity.not_exists', message),
  /** Logto's codes differ by route for the same "not there"; each constructor names where it's used. */
  userNotFound: () => new ApiError(404, 'entity.not_exists_with_id', 'The user does not exist.'),
  patOwnerNotFound: () => new ApiError(404, 'entity.relation_foreign_key_not_found', 'The user does not exist.'),
  userOfListNotFound: () => new ApiError(404, 'entity.not_found', 'The user does not exist.'),
  patToDeleteNotFound: () => new ApiError(404, 'entity.not_found', 'The personal access token does not exist.'),
  invalidRequest: (message: string) => new ApiError(400, 'request.invalid_input', message),
  invalidPagination: (message: string) => new ApiError(400, 'guard.invalid_pagination', message),
  userIdExists: () => new ApiError(422, 'entity.unique_integrity_violation', 'A user with this id already exists.'),
  identifierInUse: (kind: 'username' | 'email' | 'phone') =>
    new ApiError(
      422,
      `user.${kind}_already_in_use`,
      `This ${kind === 'phone' ? 'phone number' : kind} is already in use.`,
    ),
  patNameExists: () =>
    new ApiError(
      422,
      'user.personal_access_token_name_exists',
      'A personal access token with this name already exists.',
    ),
  resourceIndicatorExists: () =>
    new ApiError(422, 'resource.indicator_exists', 'An API resource with this indicator already exists.'),
  unsupportedMediaType: () =>
    new ApiError(415, 'guard.unsupported_media_type', 'Request bodies must be JSON (Content-Type: application/json).'),
};

/**
 * A dependency (DynamoDB, KMS) failed. `retryable` decides between 503 + Retry-After and 500:
 * throttling, timeouts and 5xx clear by themselves; a disabled or missing signing key does not.
 */
export class DependencyError extends Error {
  constructor(
    readonly dependency: 'dynamodb' | 'kms',
    readonly retryable: boolean,
    options: { cause: unknown },
  ) {
    super(`${dependency} ${retryable ? 'temporarily unavailable' : 'failed'}`, options);
    this.name = 'DependencyError';
  }
}
