// LoRaWAN 1.0.x data frame MIC and FRMPayload encryption on node:crypto, both directions.
//
// MIC (TS001-1.0.4 §4.4): cmac = aes128_cmac(NwkSKey, B0 | msg), MIC = cmac[0..3], msg = MHDR | MACPayload,
//   B0 = 0x49 | 0x00 x4 | Dir | DevAddr | FCntUp | 0x00 | len(msg)
// FRMPayload (§4.3.3): S = aes128_encrypt(K, A1) | ... | aes128_encrypt(K, Ak), payload XOR S,
//   Ai = 0x01 | 0x00 x4 | Dir | DevAddr | FCntUp | 0x00 | i,   K = AppSKey, or NwkSKey for FPort 0
// DevAddr and the full 32-bit FCnt are little-endian, as on the air; Dir is 0 for uplinks (FCntUp),
// 1 for downlinks (FCntDown).
// The upper 16 counter bits are bytes 12-13 of both blocks: lora-packet's FCntMSBytes argument.
//
// The Ai blocks differ only in their last byte i = 1..k (a PHYPayload is at most 255 bytes, so
// k <= 16): the keystream is one update of the key's reused ECB cipher over A1..Ak.

import { keyCiphers } from './key-ciphers.js'
import { aesCmac } from './aes-cmac.js'

/** The Dir byte of the B0 and Ai blocks. */
export type FrameDirection = 'up' | 'down'

function counterBlock(first: number, dir: FrameDirection, devAddrWire: Uint8Array, fCnt: number, last: number): Buffer {
  const block = Buffer.alloc(16)
  block[0] = first
  block[5] = dir === 'up' ? 0 : 1
  block.set(devAddrWire, 6)
  block.writeUInt32LE(fCnt >>> 0, 10)
  block[15] = last
  return block
}

/** The 4-byte MIC of a data frame. `micInput` is MHDR | MACPayload (at most 251 bytes). */
export function frameMic(dir: FrameDirection, nwkSKey: Buffer, micInput: Uint8Array, devAddrWire: Uint8Array, fCnt: number): Buffer {
  const b0 = counterBlock(0x49, dir, devAddrWire, fCnt, micInput.length & 0xff)
  const message = Buffer.allocUnsafe(16 + micInput.length)
  b0.copy(message, 0)
  message.set(micInput, 16)
  return aesCmac(nwkSKey, message).subarray(0, 4)
}

/** The 4-byte MIC of an uplink data frame. */
export function uplinkMic(nwkSKey: Buffer, micInput: Uint8Array, devAddrWire: Uint8Array, fCnt: number): Buffer {
  return frameMic('up', nwkSKey, micInput, devAddrWire, fCnt)
}

/**
 * Encrypts or decrypts (the same XOR) a FRMPayload with `key`: AppSKey, or NwkSKey when FPort is 0.
 * `data` is at most 242 bytes in any frame the structure check accepts.
 */
export function cryptFrmPayload(dir: FrameDirection, key: Buffer, devAddrWire: Uint8Array, fCnt: number, data: Uint8Array): Buffer {
  if (data.length === 0) return Buffer.alloc(0)
  // CTR mode by hand on the key's reused ECB cipher: S = AES(K, A1) | AES(K, A2) | …, where Ai is
  // A1 with i in its last byte (at most 16 blocks, so no carry as a 128-bit counter would give).
  const blocks = Math.ceil(data.length / 16)
  const a = Buffer.allocUnsafe(blocks * 16)
  const a1 = counterBlock(0x01, dir, devAddrWire, fCnt, 1)
  for (let i = 0; i < blocks; i++) {
    a1.copy(a, i * 16)
    a[i * 16 + 15] = i + 1
  }
  const s = keyCiphers(key).ecb.update(a)
  const out = Buffer.allocUnsafe(data.length)
  for (let i = 0; i < data.length; i++) out[i] = (data[i] as number) ^ (s[i] as number)
  return out
}

/** Encrypts or decrypts an uplink FRMPayload. */
export function cryptUplinkFrmPayload(key: Buffer, devAddrWire: Uint8Array, fCnt: number, data: Uint8Array): Buffer {
  return cryptFrmPayload('up', key, devAddrWire, fCnt, data)
}
