/** DER → JOSE ECDSA signatures (lambdas/shared/signing/ecdsa-der.ts), checked against Node's own encoder. */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import fc from 'fast-check';
import { derToJose } from '../../lambdas/shared/signing/ecdsa-der';

const curves = [
  { curve: 'P-256', size: 32, hash: 'sha256' },
  { curve: 'P-384', size: 48, hash: 'sha384' },
  // 132-byte signatures: the DER sequence length takes the long form (0x81 …).
  { curve: 'P-521', size: 66, hash: 'sha512' },
] as const;

describe.each(curves)('$curve', ({ curve, size, hash }) => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });

  it('gives r‖s that verifies as a JOSE (IEEE P1363) signature', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (message) => {
        const der = sign(hash, message, { key: privateKey, dsaEncoding: 'der' });
        const jose = derToJose(der, size);
        return (
          jose.length === 2 * size &&
          verify(hash, message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, jose) &&
          // And it is the very r‖s the DER carried: Node converts it back to the same DER.
          Buffer.from(derOf(jose, size)).equals(der)
        );
      }),
      { seed: 12_010, numRuns: 60 },
    );
  });
});

/** Minimal DER encoder for the test's own round trip (integers non-negative, minimal length). */
function derOf(jose: Uint8Array, size: number): Uint8Array {
  const integer = (bytes: Uint8Array) => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start++;
    const value = bytes.subarray(start);
    const body = value[0]! & 0x80 ? [0, ...value] : [...value];
    return [0x02, body.length, ...body];
  };
  const content = [...integer(jose.subarray(0, size)), ...integer(jose.subarray(size))];
  const length = content.length < 0x80 ? [content.length] : [0x81, content.length];
  return Uint8Array.from([0x30, ...length, ...content]);
}

describe('edge cases of the encoding', () => {
  const seq = (...content: number[]) => Uint8Array.from([0x30, content.length, ...content]);
  const int = (...bytes: number[]) => [0x02, bytes.length, ...bytes];

  it('left-pads short integers and strips the sign byte of high ones', () => {
    const high = [0x00, 0x80, ...new Array<number>(31).fill(0x11)]; // 33 bytes: a sign byte then 32
    const short = [0x01, 0x02]; // r or s far below 2^248 happens: it must be padded to 32 bytes
    const jose = derToJose(seq(...int(...high), ...int(...short)), 32);
    expect(Buffer.from(jose.subarray(0, 32))).toEqual(Buffer.from(high.slice(1)));
    expect(Buffer.from(jose.subarray(32))).toEqual(Buffer.from([...new Array<number>(30).fill(0), 1, 2]));
  });

  it.each([
    ['not a sequence', Uint8Array.from([0x31, 0x06, ...int(1), ...int(1)])],
    ['an integer tag missing', Uint8Array.from([0x30, 0x05, 0x04, 0x01, 0x01, ...int(1)])],
    ['an integer longer than the curve', seq(...int(0x01, ...new Array<number>(32).fill(0xff)), ...int(1))],
    ['empty', new Uint8Array()],
  ])('throws on %s', (_, der) => {
    expect(() => derToJose(der, 32)).toThrow('Malformed DER ECDSA signature');
  });
});
