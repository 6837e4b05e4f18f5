// AES-128 cipher objects per session key, reused frame after frame: creating a node:crypto
// cipher costs far more than the two to four blocks a frame needs. A device's key Buffer (held
// by the fleet registry) indexes its ciphers; they go when the registry drops the Buffer.
import { createCipheriv, type Cipher } from 'node:crypto'

const BLOCK = 16
const ZERO_BLOCK = Buffer.alloc(BLOCK)

export interface KeyCiphers {
  /** AES-128-ECB: independent blocks (FRMPayload keystream). Stateless between full-block updates. */
  ecb: Cipher
  /**
   * AES-128-CBC with a zero IV whose chaining value is `chain` (the last ciphertext block it
   * produced). XOR `chain` into a message's first block and the chain restarts from zero, as a
   * fresh CBC-MAC would.
   */
  cbc: Cipher
  chain: Buffer
  /** L = AES(K, 0^128), the CMAC subkey seed. */
  l: Buffer
}

const cache = new WeakMap<Buffer, { key: Buffer; ciphers: KeyCiphers }>()

/** The ciphers of `key` (16 bytes; node:crypto throws otherwise). */
export function keyCiphers(key: Buffer): KeyCiphers {
  const hit = cache.get(key)
  // A Buffer can be changed in place: the copy of its bytes says whether the entry still fits.
  if (hit && hit.key.equals(key)) return hit.ciphers
  const ecb = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false)
  const cbc = createCipheriv('aes-128-cbc', key, ZERO_BLOCK).setAutoPadding(false)
  const l = cbc.update(ZERO_BLOCK)
  const ciphers: KeyCiphers = { ecb, cbc, chain: Buffer.from(l), l: Buffer.from(l) }
  cache.set(key, { key: Buffer.from(key), ciphers })
  return ciphers
}

/** After an error inside a cipher, its state is unknown: start afresh next time. */
export function forgetKeyCiphers(key: Buffer): void {
  cache.delete(key)
}
