/** A KMS error as it goes over the wire: the SDK maps `type` (sent as `__type`) to its exception classes. */
export interface KmsErrorLike {
  type: string;
  message: string;
  /** Defaults to 400, which is what KMS uses for client errors. */
  statusCode?: number;
}

/** The error types the emulator itself raises (fault injection may return any other type). */
export type KmsErrorType =
  | 'AlreadyExistsException'
  | 'DisabledException'
  | 'InvalidAliasNameException'
  | 'InvalidKeyUsageException'
  | 'KMSInternalException'
  | 'KMSInvalidSignatureException'
  | 'KMSInvalidStateException'
  | 'NotFoundException'
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'UnsupportedOperationException'
  | 'ValidationException';

export class KmsError extends Error implements KmsErrorLike {
  constructor(
    readonly type: KmsErrorType,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = type;
  }
}

/**
 * Builds a ValidationException worded like the ones KMS derives from its API model, e.g.
 * "1 validation error detected: Value 'FOO' at 'keySpec' failed to satisfy constraint: ...".
 * Pass `value` as undefined to leave it out (KMS does so for blobs) and null for a missing member.
 */
export function modelValidationError(member: string, constraint: string, value?: string | number | null): KmsError {
  const shownValue = value === undefined ? '' : value === null ? ' null' : ` '${value}'`;
  const field = member.charAt(0).toLowerCase() + member.slice(1);
  return new KmsError(
    'ValidationException',
    `1 validation error detected: Value${shownValue} at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}
