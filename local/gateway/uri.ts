/** Percent-decodes one URI component. A malformed escape is kept verbatim instead of failing the request. */
export function decodeUriComponentSafely(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    return component;
  }
}

/** RFC 3986 encoding as SigV4 defines it: every character except `A-Z a-z 0-9 - _ . ~` is percent-encoded. */
export function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}
