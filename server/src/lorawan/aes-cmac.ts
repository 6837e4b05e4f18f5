// AES-CMAC (RFC 4493) on node:crypto. Node has no CMAC primitive, but CMAC is CBC-MAC with a
// tweaked last block, and OpenSSL's AES-CBC is far faster than the pure-JS AES lora-packet uses.
//
// One cipher object does everything: with a zero IV, encrypting a zero block first yields
// L = AES(K, 0^128) (the subkey seed) and leaves L as the CBC chaining value; XOR-ing L into the
// first message block cancels it, so the chain continues exactly as a fresh CBC-MAC would.

import { forgetKeyCiphers, keyCiphers } from './key-ciphers.js'

const BLOCK = 16
/** Rb for 128-bit blocks (RFC 4493 §2.3). */
const RB = 0x87

/** Left shift of a 16-byte block by one bit, XOR Rb when the top bit falls out (RFC 4493 §2.3). */
function doubleBlock(block: Buffer): Buffer {
  const out = Buffer.allocUnsafe(BLOCK)
  let carry = 0
  for (let i = BLOCK - 1; i >= 0; i--) {
    const b = block[i] as number
    out[i] = ((b << 1) | carry) & 0xff
    carry = b >>> 7
  }
  if (((block[0] as number) & 0x80) !== 0) out[BLOCK - 1] = (out[BLOCK - 1] as number) ^ RB
  return out
}

/**
 * The 16-byte AES-128-CMAC of `message` under `key`. `key` must be 16 bytes (sessions are
 * checked before they get here); node:crypto throws otherwise. The key's CBC cipher is reused
 * (see key-ciphers.ts): its chaining value is cancelled in the first block like L above.
 */
export function aesCmac(key: Buffer, message: Uint8Array): Buffer {
  const c = keyCiphers(key)
  const l = c.l
  const k1 = doubleBlock(l)

  const blocks = Math.max(1, Math.ceil(message.length / BLOCK))
  const complete = message.length > 0 && message.length % BLOCK === 0
  const input = Buffer.alloc(blocks * BLOCK)
  input.set(message)
  const last = (blocks - 1) * BLOCK
  let subkey = k1
  if (!complete) {
    input[message.length] = 0x80
    subkey = doubleBlock(k1)
  }
  const chain = c.chain
  for (let i = 0; i < BLOCK; i++) {
    input[last + i] = (input[last + i] as number) ^ (subkey[i] as number)
    input[i] = (input[i] as number) ^ (chain[i] as number)
  }
  let out: Buffer
  try {
    out = c.cbc.update(input)
  } catch (e) {
    forgetKeyCiphers(key)
    throw e
  }
  const mac = out.subarray(out.length - BLOCK)
  c.chain = Buffer.from(mac)
  return mac
}
