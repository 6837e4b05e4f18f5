// LoRaWAN 1.0.x uplink MIC and FRMPayload encryption on node:crypto.
//
// MIC (TS001-1.0.4 §4.4): cmac = aes128_cmac(NwkSKey, B0 | msg), MIC = cmac[0..3], msg = MHDR | MACPayload,
//   B0 = 0x49 | 0x00 x4 | Dir | DevAddr | FCntUp | 0x00 | len(msg)
// FRMPayload (§4.3.3): S = aes128_encrypt(K, A1) | ... | aes128_encrypt(K, Ak), payload XOR S,
//   Ai = 0x01 | 0x00 x4 | Dir | DevAddr | FCntUp | 0x00 | i,   K = AppSKey, or NwkSKey for FPort 0
// DevAddr and the full 32-bit FCntUp are little-endian, as on the air; Dir is 0 for uplinks.
// The upper 16 counter bits are bytes 12-13 of both blocks: lora-packet's FCntMSBytes argument.
//
// The Ai blocks differ only in their last byte i = 1..k, which is exactly AES-CTR with A1 as the
// initial counter block while k < 256 (a PHYPayload is at most 255 bytes, so k <= 16): the
// keystream and the XOR are then one native call.

import { keyCiphers } from './key-ciphers.js'
import { aesCmac } from './aes-cmac.js'

const DIR_UP = 0

function counterBlock(first: number, devAddrWire: Uint8Array, fCnt: number, last: number): Buffer {
  const block = Buffer.alloc(16)
  block[0] = first
  block[5] = DIR_UP
  block.set(devAddrWire, 6)
  block.writeUInt32LE(fCnt >>> 0, 10)
  block[15] = last
  return block
}

/** The 4-byte MIC of an uplink data frame. `micInput` is MHDR | MACPayload (at most 251 bytes). */
export function uplinkMic(nwkSKey: Buffer, micInput: Uint8Array, devAddrWire: Uint8Array, fCnt: number): Buffer {
  const b0 = counterBlock(0x49, devAddrWire, fCnt, micInput.length & 0xff)
  const message = Buffer.allocUnsafe(16 + micInput.length)
  b0.copy(message, 0)
  message.set(micInput, 16)
  return aesCmac(nwkSKey, message).subarray(0, 4)
}

/**
 * Encrypts or decrypts (the same XOR) an uplink FRMPayload with `key`: AppSKey, or NwkSKey when
 * FPort is 0. `data` is at most 242 bytes in any frame the structure check accepts.
 */
export function cryptUplinkFrmPayload(key: Buffer, devAddrWire: Uint8Array, fCnt: number, data: Uint8Array): Buffer {
  if (data.length === 0) return Buffer.alloc(0)
  // CTR mode by hand on the key's reused ECB cipher: S = AES(K, A1) | AES(K, A2) | …, where Ai is
  // A1 with i in its last byte (at most 16 blocks, so no carry as a 128-bit counter would give).
  const blocks = Math.ceil(data.length / 16)
  const a = Buffer.allocUnsafe(blocks * 16)
  const a1 = counterBlock(0x01, devAddrWire, fCnt, 1)
  for (let i = 0; i < blocks; i++) {
    a1.copy(a, i * 16)
    a[i * 16 + 15] = i + 1
  }
  const s = keyCiphers(key).ecb.update(a)
  const out = Buffer.allocUnsafe(data.length)
  for (let i = 0; i < data.length; i++) out[i] = (data[i] as number) ^ (s[i] as number)
  return out
}
