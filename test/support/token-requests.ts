/**
 * Token requests as data, so that fast-check can build valid ones and then break them: form parameters
 * (decoded), header lines (repeats allowed) and raw bytes appended to the encoded form.
 */
import { rawHttp, type RawHttpResponse } from './raw-http';

export interface TokenCall {
  params: ReadonlyArray<readonly [string, string]>;
  headers: ReadonlyArray<readonly [string, string]>;
  /** Appended to the encoded form, each after an `&`: bad escapes, non-UTF-8 bytes. */
  raw: readonly Buffer[];
  /** Pads the body with an unknown parameter up to this many bytes. */
  padTo?: number;
  /** Form encoding allows `+` or `%20` for a space; servers must accept both. */
  spaceAsPlus: boolean;
}

const UNRESERVED = /^[A-Za-z0-9\-_.~]$/;

/** application/x-www-form-urlencoded over the value's UTF-8 bytes (lone surrogates become U+FFFD). */
export function formEncode(value: string, spaceAsPlus = false): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (UNRESERVED.test(char)) out += char;
    else if (byte === 0x20 && spaceAsPlus) out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** RFC 6749 §2.3.1: client_id and secret are form-encoded, then joined with `:` and base64-encoded. */
export const basicAuthorization = (clientId: string, secret: string) =>
  `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(secret)}`).toString('base64')}`;

export function tokenRequestBody(call: TokenCall): Buffer {
  const form = call.params
    .map(([name, value]) => `${formEncode(name, call.spaceAsPlus)}=${formEncode(value, call.spaceAsPlus)}`)
    .join('&');
  const parts = [Buffer.from(form), ...call.raw.map((raw) => Buffer.concat([Buffer.from('&'), raw]))];
  const body = Buffer.concat(parts);
  if (call.padTo === undefined || call.padTo <= body.length) return body;
  const padding = `&pad=${'a'.repeat(Math.max(0, call.padTo - body.length - '&pad='.length))}`;
  return Buffer.concat([body, Buffer.from(padding)]);
}

export const hasHeader = (call: Pick<TokenCall, 'headers'>, name: string) =>
  call.headers.some(([header]) => header.toLowerCase() === name.toLowerCase());

export function sendTokenCall(baseUrl: string, call: TokenCall): Promise<RawHttpResponse> {
  return rawHttp({ method: 'POST', url: `${baseUrl}/oidc/token`, headers: call.headers, body: tokenRequestBody(call) });
}

/** Helpers that return a changed copy. */
export const edit = {
  withoutParam: (call: TokenCall, name: string): TokenCall => ({
    ...call,
    params: call.params.filter(([param]) => param !== name),
  }),
  setParam: (call: TokenCall, name: string, value: string): TokenCall => ({
    ...call,
    params: [...call.params.filter(([param]) => param !== name), [name, value]],
  }),
  withoutHeader: (call: TokenCall, name: string): TokenCall => ({
    ...call,
    headers: call.headers.filter(([header]) => header.toLowerCase() !== name.toLowerCase()),
  }),
  setHeader: (call: TokenCall, name: string, value: string): TokenCall => ({
    ...edit.withoutHeader(call, name),
    headers: [...edit.withoutHeader(call, name).headers, [name, value]],
  }),
  /** Replaces whatever client authentication the call had. */
  setClientAuth(
    call: TokenCall,
    auth: { basic?: readonly [string, string]; clientId?: string; clientSecret?: string },
  ): TokenCall {
    let next = edit.withoutHeader(
      edit.withoutParam(edit.withoutParam(call, 'client_id'), 'client_secret'),
      'authorization',
    );
    if (auth.basic) next = edit.setHeader(next, 'Authorization', basicAuthorization(...auth.basic));
    if (auth.clientId !== undefined) next = edit.setParam(next, 'client_id', auth.clientId);
    if (auth.clientSecret !== undefined) next = edit.setParam(next, 'client_secret', auth.clientSecret);
    return next;
  },
};
