// AES-128 and AES-CMAC in pure TypeScript (src/crypto, shared with the DeviceScript VM) against the
// published test vectors and, under fast-check, against node:crypto's OpenSSL AES.
import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Aes128 } from '../src/crypto/aes128.ts';
import { Cmac } from '../src/crypto/cmac.ts';
import { FIPS197_VECTORS, RFC4493_KEY, RFC4493_VECTORS } from '../src/crypto/vectors.ts';

const hex = (b: ArrayLike<number>) => Buffer.from(Array.from(b)).toString('hex');
const bytes = (h: string) => [...Buffer.from(h, 'hex')];

function opensslAes(key: Buffer, block: Buffer): Buffer {
  const c = createCipheriv('aes-128-ecb', key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}

/** RFC 4493 CMAC written directly from the RFC on top of OpenSSL's AES: an independent reference. */
function referenceCmac(key: Buffer, msg: Buffer): Buffer {
  const dbl = (b: Buffer) => {
    const out = Buffer.alloc(16);
    for (let i = 0; i < 16; i++) out[i] = ((b[i]! << 1) | (i < 15 ? b[i + 1]! >> 7 : 0)) & 0xff;
    if (b[0]! & 0x80) out[15]! ^= 0x87;
    return out;
  };
  const k1 = dbl(opensslAes(key, Buffer.alloc(16)));
  const k2 = dbl(k1);
  const n = Math.max(1, Math.ceil(msg.length / 16));
  const complete = msg.length > 0 && msg.length % 16 === 0;
  const last = Buffer.alloc(16);
  msg.copy(last, 0, (n - 1) * 16);
  if (!complete) last[msg.length - (n - 1) * 16] = 0x80;
  for (let i = 0; i < 16; i++) last[i]! ^= (complete ? k1 : k2)[i]!;
  let x: Buffer = Buffer.alloc(16);
  for (let b = 0; b < n - 1; b++) {
    for (let i = 0; i < 16; i++) x[i]! ^= msg[b * 16 + i]!;
    x = opensslAes(key, x);
  }
  for (let i = 0; i < 16; i++) x[i]! ^= last[i]!;
  return opensslAes(key, x);
}

describe('AES-128 (FIPS-197)', () => {
  it.each(FIPS197_VECTORS.map((v) => [v.name, v] as const))('%s', (_n, v) => {
    expect(hex(new Aes128(bytes(v.key)).encrypt(bytes(v.plaintext)))).toBe(v.ciphertext);
  });

  it('encryptBlock works in place and at offsets', () => {
    const v = FIPS197_VECTORS[0]!;
    const buf = [9, 9, ...bytes(v.plaintext), 9];
    new Aes128(bytes(v.key)).encryptBlock(buf, 2, buf, 2);
    expect(hex(buf.slice(2, 18))).toBe(v.ciphertext);
    expect([buf[0], buf[1], buf[18]]).toEqual([9, 9, 9]);
  });

  it('equals OpenSSL AES-128-ECB for any key and block', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), (key, block) => {
        const ours = new Aes128(key).encrypt(block);
        expect(hex(ours)).toBe(opensslAes(Buffer.from(key), Buffer.from(block)).toString('hex'));
      }),
      { numRuns: 500 },
    );
  });
});

describe('AES-CMAC (RFC 4493)', () => {
  it.each(RFC4493_VECTORS.map((v) => [v.name, v] as const))('%s', (_n, v) => {
    expect(hex(new Cmac(bytes(RFC4493_KEY)).mac(bytes(v.message)))).toBe(v.mac);
  });

  it('the reference implementation used below also gives the RFC vectors', () => {
    for (const v of RFC4493_VECTORS) expect(referenceCmac(Buffer.from(RFC4493_KEY, 'hex'), Buffer.from(v.message, 'hex')).toString('hex')).toBe(v.mac);
  });

  it('equals an RFC 4493 CMAC over OpenSSL AES for any key and message (0..80 bytes)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ maxLength: 80 }), (key, msg) => {
        expect(hex(new Cmac(key).mac(msg))).toBe(referenceCmac(Buffer.from(key), Buffer.from(msg)).toString('hex'));
      }),
      { numRuns: 500 },
    );
  });

  it('macParts(head, body) is the CMAC of the concatenation', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ maxLength: 60 }),
        fc.nat(10),
        (key, head, body, off) => {
          const padded = [...new Array(off).fill(7), ...body, 7, 7];
          const c = new Cmac(key);
          expect(hex(c.macParts(head, padded, off, body.length))).toBe(hex(c.mac([...head, ...body])));
        },
      ),
      { numRuns: 300 },
    );
  });
});
