/**
 * AWS Signature Version 4 verification, as API Gateway performs it for `AWS_IAM` authorization.
 *
 * Supports the `Authorization` header form (not presigned URLs). Any access key found in `credentials` is
 * authorised: there are no IAM policies locally. An `X-Amz-Security-Token` is covered by the signature when
 * signed but not otherwise checked, as session credentials are not modelled.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalRequestCandidates, type HeaderValue } from './sigv4-canonical';

export interface SigV4Request {
  method: string;
  /** As received, still percent-encoded. */
  rawPath: string;
  rawQuery: string;
  /**
   * Lower-cased names. Pass `IncomingMessage.headersDistinct` (every value of a repeated header), not `headers`,
   * which keeps only the first `Content-Type` or `Host` and joins others: a repeated header must be seen.
   */
  headers: Record<string, HeaderValue>;
  body: Buffer;
}

export interface SigV4Options {
  region: string;
  service: string;
  /** Access key id to secret access key. */
  credentials: ReadonlyMap<string, string>;
  now?: Date;
  /** Defaults to API Gateway's 5 minutes. */
  maxClockSkewMs?: number;
}

export type SigV4Result = { ok: true; accessKeyId: string } | { ok: false; errorType: string; message: string };

type SigV4Failure = Extract<SigV4Result, { ok: false }>;

const ALGORITHM = 'AWS4-HMAC-SHA256';
const SCOPE_TERMINATOR = 'aws4_request';
const DEFAULT_MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

export function verifySigV4(request: SigV4Request, options: SigV4Options): SigV4Result {
  const authorization = firstHeader(request.headers, 'authorization');
  if (!authorization) return failure('MissingAuthenticationTokenException', 'Missing Authentication Token');

  const claims = parseClaims(authorization, request.headers);
  if ('errorType' in claims) return claims;

  const scopeProblem = checkScope(claims, options);
  if (scopeProblem) return scopeProblem;

  if (!claims.signedHeaders.toLowerCase().split(';').includes('host')) {
    return failure(
      'InvalidSignatureException',
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }

  // Verified against one value, read by the handler as another: a signed header (or the signature itself)
  // given twice is refused rather than guessed at.
  const repeated = ['authorization', ...claims.signedHeaders.toLowerCase().split(';')].find(
    (name) => valueCount(request.headers[name]) > 1,
  );
  if (repeated !== undefined) {
    return failure('InvalidSignatureException', `The '${repeated}' header must not appear more than once.`);
  }

  const skewProblem = checkClockSkew(claims.requestTime, options);
  if (skewProblem) return skewProblem;

  const secretAccessKey = options.credentials.get(claims.accessKeyId);
  if (secretAccessKey === undefined) {
    return failure('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }

  const payloadHash = sha256Hex(request.body);
  const declaredPayloadHash = firstHeader(request.headers, 'x-amz-content-sha256');
  if (declaredPayloadHash !== undefined && declaredPayloadHash !== payloadHash) {
    return failure(
      'InvalidSignatureException',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }

  return signatureMatches(request, claims, secretAccessKey, payloadHash)
    ? { ok: true, accessKeyId: claims.accessKeyId }
    : failure('InvalidSignatureException', SIGNATURE_MISMATCH_MESSAGE);
}

function signatureMatches(
  request: SigV4Request,
  claims: Claims,
  secretAccessKey: string,
  payloadHash: string,
): boolean {
  const provided = parseSignature(claims.signature);
  if (!provided) return false;
  const signingKey = deriveSigningKey(secretAccessKey, claims.scope);
  const candidates = canonicalRequestCandidates({
    method: request.method,
    rawPath: request.rawPath,
    rawQuery: request.rawQuery,
    headers: request.headers,
    signedHeaders: claims.signedHeaders,
    payloadHash,
  });
  return candidates.some((canonicalRequest) => {
    const stringToSign = [ALGORITHM, claims.requestTimestamp, claims.scope.join('/'), sha256Hex(canonicalRequest)];
    return timingSafeEqual(hmac(signingKey, stringToSign.join('\n')), provided);
  });
}

interface Claims {
  accessKeyId: string;
  /** `[date, region, service, terminator]` from the credential. */
  scope: [string, string, string, string];
  signedHeaders: string;
  signature: string;
  requestTime: Date;
  /** ISO 8601 basic format, as it enters the string to sign. */
  requestTimestamp: string;
}

function parseClaims(authorization: string, headers: Record<string, HeaderValue>): Claims | SigV4Failure {
  const parameters = parseAuthorizationParameters(authorization);
  const credential = parameters.get('Credential');
  const signature = parameters.get('Signature');
  const signedHeaders = parameters.get('SignedHeaders');
  const amzDate = firstHeader(headers, 'x-amz-date');
  const rawDate = amzDate ?? firstHeader(headers, 'date');

  const missing = [
    credential ? undefined : "Authorization header requires 'Credential' parameter.",
    signature ? undefined : "Authorization header requires 'Signature' parameter.",
    signedHeaders ? undefined : "Authorization header requires 'SignedHeaders' parameter.",
    rawDate ? undefined : "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
  ].filter((problem) => problem !== undefined);
  if (!credential || !signature || !signedHeaders || !rawDate) {
    return failure('IncompleteSignatureException', `${missing.join(' ')} Authorization=${authorization}`);
  }

  const [accessKeyId, ...scope] = credential.split('/');
  if (!accessKeyId || !isScope(scope)) {
    return failure(
      'IncompleteSignatureException',
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }

  const requestTime = parseRequestTime(amzDate, rawDate);
  if (!requestTime) {
    return failure(
      'IncompleteSignatureException',
      `Date must be in ISO-8601 'basic format'. Got '${rawDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }

  return { accessKeyId, scope, signedHeaders, signature, requestTime, requestTimestamp: basicIso8601(requestTime) };
}

/** `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`; any other scheme yields no parameters. */
function parseAuthorizationParameters(authorization: string): Map<string, string> {
  const parameters = new Map<string, string>();
  const [scheme, ...rest] = authorization.trim().split(' ');
  if (scheme !== ALGORITHM) return parameters;
  for (const parameter of rest.join(' ').split(',')) {
    const separator = parameter.indexOf('=');
    if (separator > 0) parameters.set(parameter.slice(0, separator).trim(), parameter.slice(separator + 1).trim());
  }
  return parameters;
}

function isScope(parts: string[]): parts is Claims['scope'] {
  return parts.length === 4 && parts.every((part) => part !== '');
}

function checkScope({ scope, requestTimestamp }: Claims, options: SigV4Options): SigV4Failure | undefined {
  const [date, region, service, terminator] = scope;
  const requestDate = requestTimestamp.slice(0, 8);
  if (date !== requestDate) {
    return failure(
      'InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${requestDate}', from '${requestTimestamp}'.`,
    );
  }
  if (region !== options.region) {
    return failure('InvalidSignatureException', `Credential should be scoped to a valid region, not '${region}'.`);
  }
  if (service !== options.service) {
    return failure(
      'InvalidSignatureException',
      `Credential should be scoped to correct service: '${options.service}'.`,
    );
  }
  if (terminator !== SCOPE_TERMINATOR) {
    return failure(
      'InvalidSignatureException',
      `Credential should be scoped with a valid terminator: '${SCOPE_TERMINATOR}', not '${terminator}'.`,
    );
  }
  return undefined;
}

function checkClockSkew(requestTime: Date, options: SigV4Options): SigV4Failure | undefined {
  const now = options.now ?? new Date();
  const maxSkewMs = options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS;
  const window = `${maxSkewMs / 60_000} min.`;
  const earliest = new Date(now.getTime() - maxSkewMs);
  const latest = new Date(now.getTime() + maxSkewMs);
  if (requestTime < earliest) {
    return failure(
      'InvalidSignatureException',
      `Signature expired: ${basicIso8601(requestTime)} is now earlier than ${basicIso8601(earliest)} (${basicIso8601(now)} - ${window})`,
    );
  }
  if (requestTime > latest) {
    return failure(
      'InvalidSignatureException',
      `Signature not yet current: ${basicIso8601(requestTime)} is still later than ${basicIso8601(latest)} (${basicIso8601(now)} + ${window})`,
    );
  }
  return undefined;
}

/** `X-Amz-Date` is ISO 8601 basic format (`20150830T123600Z`); without it, the `Date` header is an HTTP date. */
function parseRequestTime(amzDate: string | undefined, httpDate: string): Date | undefined {
  if (amzDate === undefined) {
    const time = new Date(httpDate);
    return Number.isNaN(time.getTime()) ? undefined : time;
  }
  const extended = amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z');
  const time = new Date(extended);
  // The round trip rejects other formats and impossible dates (Feb 30), which Date would roll over.
  return !Number.isNaN(time.getTime()) && basicIso8601(time) === amzDate ? time : undefined;
}

function basicIso8601(time: Date): string {
  return time
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

function deriveSigningKey(secretAccessKey: string, [date, region, service, terminator]: Claims['scope']): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), terminator);
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function parseSignature(signature: string): Buffer | undefined {
  return /^[0-9a-f]{64}$/.test(signature) ? Buffer.from(signature, 'hex') : undefined;
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function firstHeader(headers: Record<string, HeaderValue>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function valueCount(value: HeaderValue): number {
  return value === undefined ? 0 : Array.isArray(value) ? value.length : 1;
}

function failure(errorType: string, message: string): SigV4Failure {
  return { ok: false, errorType, message };
}
