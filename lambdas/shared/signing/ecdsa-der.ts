/** Converts a DER `SEQUENCE { INTEGER r, INTEGER s }` ECDSA signature to JOSE's r‖s (RFC 7518 §3.4). */
export function derToJose(der: Uint8Array, size: number): Uint8Array {
  let offset = 0;
  const expect = (tag: number) => {
    if (der[offset++] !== tag) throw new Error('Malformed DER ECDSA signature');
  };
  const readLength = () => {
    let length = der[offset++] ?? 0;
    if (length & 0x80) {
      const bytes = length & 0x7f;
      length = 0;
      for (let i = 0; i < bytes; i++) length = (length << 8) | (der[offset++] ?? 0);
    }
    return length;
  };
  const readInteger = () => {
    expect(0x02);
    const length = readLength();
    let value = der.subarray(offset, offset + length);
    offset += length;
    while (value.length > size && value[0] === 0) value = value.subarray(1);
    if (value.length > size) throw new Error('Malformed DER ECDSA signature');
    const padded = new Uint8Array(size);
    padded.set(value, size - value.length);
    return padded;
  };

  expect(0x30);
  readLength();
  const r = readInteger();
  const s = readInteger();
  const out = new Uint8Array(size * 2);
  out.set(r, 0);
  out.set(s, size);
  return out;
}
